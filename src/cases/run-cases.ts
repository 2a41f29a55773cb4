import type { LoadedProfile } from '../ruleset/profile-types.js';
import type { LoadedRuleSet } from '../ruleset/types.js';
import type { CaseCollection, CollectedCase } from './collect-cases.js';
import type { Supersession } from './load-cases.js';
import { runCase, type CaseOutcome } from './run-case.js';

/** What a partial run (watch) picks cases by: their file, and their rule set when the file names one. */
export type CaseScope = Pick<CollectedCase, 'file'> & { ruleset?: string };

export type CaseResult = CaseOutcome | { case: CollectedCase; superseded: Supersession };

export interface CaseRun {
  results: CaseResult[];
  passed: number;
  failed: number;
  superseded: number;
  /** Cases whose rule set is not loaded: they cannot run (their case file is told so once, at its `ruleset:`). */
  notRun: number;
  /** Cases left out for their own problems (reported with them), of the files or rule sets the run includes. */
  invalid: number;
  /** Case files of the run that do not read at all (a YAML syntax error): their cases cannot even be counted. */
  unreadFiles: number;
}

/**
 * Runs the collected cases (those `include` keeps) on the rule sets. Under a profile, a base case listed in
 * a profile's `supersedes` is skipped with its reason, and the base cases speak about base rules only. A
 * case of a rule set that is not loaded is counted as not run rather than failed on its own.
 */
export async function runCases(collection: CaseCollection, rulesets: readonly LoadedRuleSet[], options: { profiles: readonly LoadedProfile[]; include?: (c: CaseScope) => boolean }): Promise<CaseRun> {
  const { include } = options;
  const included = include ? collection.invalid.filter(include) : collection.invalid;
  const invalid = included.reduce((sum, entry) => sum + entry.count, 0);
  const run: CaseRun = { results: [], passed: 0, failed: 0, superseded: 0, notRun: 0, invalid, unreadFiles: included.filter((entry) => entry.unread).length };
  const loaded = new Set(rulesets.map((r) => r.document.id));
  for (const testCase of collection.cases) {
    if (include && !include(testCase)) continue;
    if (!loaded.has(testCase.ruleset)) {
      run.notRun++;
      continue;
    }
    const superseded = collection.supersedes.find((s) => s.case === testCase.name);
    if (superseded) {
      run.superseded++;
      run.results.push({ case: testCase, superseded });
      continue;
    }
    const outcome = await runCase(testCase, rulesets, { baseRulesOnly: testCase.base && options.profiles.length > 0, profiles: options.profiles });
    if (outcome.passed) run.passed++;
    else run.failed++;
    run.results.push(outcome);
  }
  return run;
}
