import { basename, dirname, join } from 'node:path';
import { readdirSync } from 'node:fs';
import { findCaseFiles, loadCaseFile, type Supersession, type TestCase } from '../cases/load-cases.js';
import { runCase, type CaseOutcome } from '../cases/run-case.js';
import { formatProblems } from '../problems/format.js';
import { hasErrors, sortProblems, type Problem } from '../problems/problem.js';
import { BUNDLED_RULES_DIR } from '../ruleset/load-rulesets.js';
import { EXIT, Exit } from './exit-codes.js';
import { loadRulesOrExit } from './load-rules.js';

/**
 * `opa test` for rule authors: every case beside every rule set, a line each, a diff on failure.
 * With a profile, the base cases run under it too, with the profile's own cases beside the profile
 * (`<name>.test.yaml` for `<name>.yaml`); a base case the profile deliberately changes must be listed
 * under `supersedes` there, with the reason, or it fails.
 */
export async function testCommand(paths: string[], options: { profile?: string[] } = {}): Promise<void> {
  const roots = paths.length ? paths : [BUNDLED_RULES_DIR];
  const profiles = options.profile ?? [];
  const rulesets = await loadRulesOrExit(roots, [], profiles);
  const problems: Problem[] = [];
  const cases: Array<TestCase & { base: boolean }> = [];
  const supersedes: Supersession[] = [];
  const files = [...findCaseFiles(roots).map((file) => ({ file, base: true })), ...profiles.flatMap(profileCaseFiles).map((file) => ({ file, base: false }))];
  for (const { file, base } of files) {
    const loaded = loadCaseFile(file);
    problems.push(...loaded.problems);
    cases.push(...loaded.cases.map((c) => ({ ...c, base })));
    supersedes.push(...loaded.supersedes);
  }
  for (const s of supersedes) {
    if (!cases.some((c) => c.name === s.case)) {
      problems.push({ code: 'CASE_SUPERSEDED_UNKNOWN', severity: 'error', message: `no case is named "${s.case}"`, file: s.file, line: s.line, column: s.column, path: '/supersedes' });
    }
  }
  if (problems.length) process.stdout.write(formatProblems(sortProblems(problems)) + '\n');
  if (hasErrors(problems)) throw new Exit(EXIT.rules);

  let failed = 0;
  let skipped = 0;
  for (const testCase of cases) {
    const superseded = supersedes.find((s) => s.case === testCase.name);
    if (superseded) {
      skipped++;
      process.stdout.write(`SKIP ${testCase.ruleset}: ${testCase.name} (superseded by the profile: ${superseded.reason})\n`);
      continue;
    }
    const outcome = await runCase(testCase, rulesets, { baseRulesOnly: testCase.base && profiles.length > 0 });
    if (!outcome.passed) failed++;
    process.stdout.write(formatOutcome(outcome));
  }
  process.stdout.write(`\n${cases.length - failed - skipped} passed, ${failed} failed${skipped ? `, ${skipped} superseded by the profile` : ''}\n`);
  if (failed > 0 || cases.length === 0) throw new Exit(EXIT.rules);
}

/**
 * A profile's cases sit beside it: `hospital.profile.yaml` → `hospital.profile.test.yaml`, and one file
 * per further rule set it affects, e.g. `hospital.profile.lmnop.test.yaml`.
 */
function profileCaseFiles(profile: string): string[] {
  const stem = basename(profile).replace(/\.ya?ml$/, '');
  const folder = dirname(profile);
  const ours = (name: string): boolean => name.startsWith(`${stem}.`) && /^(\.[a-z0-9-]+)?\.test\.ya?ml$/.test(name.slice(stem.length));
  return readdirSync(folder).filter(ours).sort().map((name) => join(folder, name));
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
