import { unknownRuleSetProblems } from '../cases/case-references.js';
import { collectCases } from '../cases/collect-cases.js';
import { ruleRootsOf } from '../cases/load-cases.js';
import { runCases } from '../cases/run-cases.js';
import { formatProblems } from '../problems/format.js';
import { hasErrors, sortProblems } from '../problems/problem.js';
import { BUNDLED_RULES_DIR } from '../ruleset/load-rulesets.js';
import { EXIT, Exit } from './exit-codes.js';
import { formatCaseResult, formatTally } from './format-cases.js';
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
  const rulesets = await loadRulesOrExit(ruleRootsOf(roots), [], profiles);
  const collection = collectCases(roots, profiles);
  // A case file naming a rule set that is not loaded is said once, at its `ruleset:`, as validate says it,
  // and its cases, which cannot run, are counted rather than failed one by one.
  const problems = [...collection.problems, ...unknownRuleSetProblems(collection.cases, rulesets, { complete: true })];
  if (problems.length) process.stdout.write(formatProblems(sortProblems(problems)) + '\n');

  // A problem in one case file (a case it leaves out, a supersession naming no case) does not stop the
  // other cases: they run, and the run fails for the problem all the same.
  const run = await runCases(collection, rulesets, { profiled: profiles.length > 0 });
  for (const result of run.results) process.stdout.write(formatCaseResult(result));
  process.stdout.write(`\n${formatTally(run)}\n`);
  if (hasErrors(problems) || run.failed > 0 || collection.cases.length === 0) throw new Exit(EXIT.rules);
}
