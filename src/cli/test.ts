import { resolve } from 'node:path';
import { unknownRuleProblems, unknownRuleSetProblems } from '../cases/case-references.js';
import { collectCases } from '../cases/collect-cases.js';
import { caseFilesBeside, ruleRootsOf, runPaths } from '../cases/load-cases.js';
import { runCases } from '../cases/run-cases.js';
import { formatProblems } from '../problems/format.js';
import { hasErrors, sortProblems } from '../problems/problem.js';
import { BUNDLED_RULES_DIR, loadRuleSets } from '../ruleset/load-rulesets.js';
import { noRuleSets } from './load-rules.js';
import { misplacedProfiles } from '../ruleset/profile-file.js';
import { EXIT, Exit, problemsExit } from './exit-codes.js';
import { formatCaseResult, formatTally } from './format-cases.js';

/**
 * `opa test` for rule authors: every case beside every rule set, a line each, a diff on failure.
 * With a profile, the base cases run under it too, with the profile's own cases beside the profile
 * (`<name>.test.yaml` for `<name>.yaml`); a base case the profile deliberately changes must be listed
 * under `supersedes` there, with the reason, or it fails.
 */
export async function testCommand(paths: string[], options: { profile?: string[] } = {}): Promise<void> {
  const profiles = options.profile ?? [];
  const given = runPaths(paths, profiles, BUNDLED_RULES_DIR);
  const { roots } = given;
  // A broken rule file fails the run, but the cases of the rule sets that loaded still run, as validate
  // reports every file: one broken rule set does not hide how the others fare.
  const loaded = await loadRuleSets(ruleRootsOf(roots), { library: [BUNDLED_RULES_DIR], profiles });
  const stopped = problemsExit(loaded.problems) === EXIT.usage || (profiles.length > 0 && hasErrors(loaded.problems)) || (loaded.rulesets.length === 0 && !hasErrors(loaded.problems));
  if (stopped) {
    // A wrong command line, or a profile with errors (it patches nothing, so its cases and the base
    // cases under it would fail on the published rules), or no rule set at all: nothing to run.
    if (loaded.problems.length) process.stdout.write(formatProblems(sortProblems(loaded.problems)) + '\n');
    if (!loaded.problems.length) process.stdout.write(noRuleSets(roots));
    throw new Exit(problemsExit(loaded.problems));
  }
  const { rulesets } = loaded;
  const collection = collectCases(roots, profiles, { misplacedProfiles: misplacedProfiles(loaded.problems), run: given });
  // A case file naming a rule set that is not loaded is said once, at its `ruleset:`, as validate says it
  // (unless its rule file is broken, which is the problem to read), and its cases, which cannot run, are
  // counted rather than failed one by one.
  // The cases that run report an unknown rule as they run; those that cannot run are checked here.
  const problems = [...loaded.problems, ...collection.problems, ...unknownRuleSetProblems(collection.cases, rulesets, { complete: !hasErrors(loaded.problems) }), ...unknownRuleProblems(collection.unrunnable, rulesets)];
  // No case at all fails the run (a rule set must ship its cases): say why, as NO_RULESETS says its reason.
  // With none loaded (a path that cannot be read), the problems above say why.
  if (collection.cases.length === 0 && collection.invalid.length === 0 && rulesets.length > 0) {
    problems.push({ code: 'NO_TEST_CASES', severity: 'error', message: `no test cases found for ${rulesets.map((r) => r.document.id).join(', ')}: a rule set's cases sit beside it as <name>.test.yaml`, ...(rulesets[0] ? { file: rulesets[0].file, line: 1, column: 1 } : {}) });
  }
  if (problems.length) process.stdout.write(formatProblems(sortProblems(problems)) + '\n');

  // The cases beside a broken rule file are about that file: run on a rule set of the same id taken from
  // the library (what another rule set requires), they would pass for the published rules. Not run.
  const brokenFiles = new Set(loaded.problems.flatMap((p) => (p.severity === 'error' && p.file ? [p.file] : [])));
  const broken = new Set([...brokenFiles].flatMap(caseFilesBeside).map((f) => resolve(f)));
  const aboutBroken = (c: { file: string }): boolean => broken.has(resolve(c.file));
  // A problem in one case file (a case it leaves out, a supersession naming no case) does not stop the
  // other cases: they run, and the run fails for the problem all the same.
  const run = await runCases({ ...collection, cases: collection.cases.filter((c) => !aboutBroken(c)) }, rulesets, { profiles: loaded.profiles });
  run.notRun += collection.cases.filter(aboutBroken).length;
  for (const result of run.results) process.stdout.write(formatCaseResult(result));
  process.stdout.write(`\n${formatTally(run)}\n`);
  if (hasErrors(problems) || run.failed > 0 || collection.cases.length === 0) throw new Exit(EXIT.rules);
}
