import { formatProblems } from '../problems/format.js';
import { hasErrors, sortProblems } from '../problems/problem.js';
import { BUNDLED_RULES_DIR, loadRuleSets } from '../ruleset/load-rulesets.js';
import { parsePick } from '../ruleset/select-versions.js';
import type { LoadedRuleSet } from '../ruleset/types.js';
import { EXIT, Exit, problemsExit } from './exit-codes.js';

/** Loads the rule sets a command runs on, or prints every problem and exits 1 (64 when the command line named what is not installed). */
export async function loadRulesOrExit(paths: readonly string[] | undefined, picks: readonly string[] = [], profiles: readonly string[] = []): Promise<LoadedRuleSet[]> {
  const pick = picks.map(parsePick);
  const { rulesets, problems } = await loadRuleSets(paths?.length ? paths : [BUNDLED_RULES_DIR], { library: [BUNDLED_RULES_DIR], pick, profiles });
  if (problems.length) process.stderr.write(formatProblems(sortProblems(problems)) + '\n');
  if (hasErrors(problems)) throw new Exit(problemsExit(problems));
  if (rulesets.length === 0) {
    process.stderr.write(noRuleSets(paths));
    throw new Exit(EXIT.rules);
  }
  return rulesets;
}

/** What every command that loads rules says of folders that hold none (it lists nothing, and that is not success). */
export function noRuleSets(paths: readonly string[] | undefined): string {
  return `NO_RULESETS no rule set found in ${paths?.length ? paths.join(', ') : BUNDLED_RULES_DIR}\n`;
}
