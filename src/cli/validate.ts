import { collectCases } from '../cases/collect-cases.js';
import { unknownOutputProblems, unknownRuleProblems, unknownRuleSetProblems } from '../cases/case-references.js';
import { ruleRootsOf, runPaths } from '../cases/load-cases.js';
import { formatProblems } from '../problems/format.js';
import { hasErrors, sortProblems } from '../problems/problem.js';
import { BUNDLED_RULES_DIR, loadRuleSets } from '../ruleset/load-rulesets.js';
import { noRuleSets } from './load-rules.js';
import { misplacedProfiles } from '../ruleset/profile-file.js';
import { EXIT, Exit } from './exit-codes.js';

/**
 * Checks rule files and the test-case files beside them (and beside each profile), and reports every
 * problem of every file at once; a case file is checked here without running its cases. With profiles,
 * also whether the thresholds they move are moved wherever the same value is tested (the loader's
 * review of the profiles as a whole).
 */
export async function validateCommand(paths: string[], options: { profile?: string[] } = {}): Promise<void> {
  const profiles = options.profile ?? [];
  const given = runPaths(paths, profiles, BUNDLED_RULES_DIR);
  const { roots } = given;
  const loaded = await loadRuleSets(ruleRootsOf(roots), { library: [BUNDLED_RULES_DIR], profiles });
  const { rulesets } = loaded;
  // A profile among the rule files, named or in a folder, is one problem, PROFILE_AS_RULESET: the cases beside it are the profile's.
  const cases = collectCases(roots, profiles, { misplacedProfiles: misplacedProfiles(loaded.problems), run: given });
  const problems = [
    ...loaded.problems,
    ...cases.problems,
    ...unknownRuleSetProblems(cases.cases, rulesets, { complete: !hasErrors(loaded.problems) }),
    ...unknownRuleProblems([...cases.cases, ...cases.unrunnable], rulesets),
    // A base case a profile supersedes speaks of the published rule set, not the patched one it is checked against.
    ...unknownOutputProblems([...cases.cases, ...cases.unrunnable].filter((c) => !cases.supersedes.some((s) => s.case === c.name)), rulesets, loaded.profiles),
  ];
  if (problems.length) process.stdout.write(formatProblems(sortProblems(problems)) + '\n');
  if (hasErrors(problems)) {
    const errors = problems.filter((p) => p.severity === 'error').length;
    process.stdout.write(`${errors} problem${errors === 1 ? '' : 's'} found\n`);
    throw new Exit(EXIT.rules);
  }
  if (rulesets.length === 0) {
    // As every command that loads rules: a folder with no rule set is not "all valid".
    process.stdout.write(noRuleSets(paths));
    throw new Exit(EXIT.rules);
  }
  for (const r of rulesets) {
    const profile = r.document.profile ? ` with profile ${r.document.profile.id}@${r.document.profile.version}` : '';
    process.stdout.write(`ok ${r.document.id} ${r.document.version}${profile} sha256:${r.sha256} ${r.file}\n`);
  }
}
