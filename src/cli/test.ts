import { findCaseFiles, loadCaseFile, type TestCase } from '../cases/load-cases.js';
import { runCase, type CaseOutcome } from '../cases/run-case.js';
import { formatProblems } from '../problems/format.js';
import { hasErrors, sortProblems, type Problem } from '../problems/problem.js';
import { BUNDLED_RULES_DIR } from '../ruleset/load-rulesets.js';
import { EXIT, Exit } from './exit-codes.js';
import { loadRulesOrExit } from './load-rules.js';

/** `opa test` for rule authors: every case beside every rule set, a line each, a diff on failure. */
export async function testCommand(paths: string[]): Promise<void> {
  const roots = paths.length ? paths : [BUNDLED_RULES_DIR];
  const rulesets = await loadRulesOrExit(roots);
  const problems: Problem[] = [];
  const cases: TestCase[] = [];
  for (const file of findCaseFiles(roots)) {
    const loaded = loadCaseFile(file);
    problems.push(...loaded.problems);
    cases.push(...loaded.cases);
  }
  if (problems.length) process.stdout.write(formatProblems(sortProblems(problems)) + '\n');
  if (hasErrors(problems)) throw new Exit(EXIT.rules);

  let failed = 0;
  for (const testCase of cases) {
    const outcome = await runCase(testCase, rulesets);
    if (!outcome.passed) failed++;
    process.stdout.write(formatOutcome(outcome));
  }
  process.stdout.write(`\n${cases.length - failed} passed, ${failed} failed\n`);
  if (failed > 0 || cases.length === 0) throw new Exit(EXIT.rules);
}

function formatOutcome(outcome: CaseOutcome): string {
  const c = outcome.case;
  const head = `${outcome.passed ? 'PASS' : 'FAIL'} ${c.ruleset}: ${c.name} (${c.file}:${c.line})\n`;
  if (outcome.passed) return head;
  if (outcome.error) return head + `  ${outcome.error}\n`;
  const lines: string[] = [];
  for (const key of Object.keys(outcome.expected)) {
    const expected = JSON.stringify((outcome.expected as Record<string, unknown>)[key]);
    const actual = JSON.stringify(outcome.actual[key]);
    if (expected !== actual) lines.push(`  ${key}:`, `    - expected ${expected}`, `    + actual   ${actual}`);
  }
  return head + lines.join('\n') + '\n';
}
