import type { Problem } from '../problems/problem.js';
import { ruleName } from '../engine/rule-trace.js';
import { disabledRules } from '../ruleset/parts.js';
import type { LoadedRuleSet } from '../ruleset/types.js';
import { caseProblem, unknownRuleSetProblem } from './case-problem.js';
import { namesRule, unknownRuleMessage, type RuleList } from './expectation-differences.js';
import type { TestCase } from './load-cases.js';

/**
 * A case file whose `ruleset:` names no loaded rule set, once per file, at its `ruleset:`.
 * `complete`: every rule file loaded; otherwise a rule set that is not loaded may be a broken one, and
 * its broken file is the problem to report.
 */
export function unknownRuleSetProblems(cases: readonly TestCase[], rulesets: readonly LoadedRuleSet[], options: { complete: boolean }): Problem[] {
  if (!options.complete) return [];
  const loaded = new Set(rulesets.map((r) => r.document.id));
  const reported = new Set<string>();
  return cases.flatMap((testCase) => {
    if (loaded.has(testCase.ruleset) || reported.has(testCase.file)) return [];
    reported.add(testCase.file);
    return [unknownRuleSetProblem(testCase)];
  });
}

/**
 * Each `fired` id of a case that is no rule of its rule set, and each recommendation a case lists that
 * the rule set does not have, found without running the case: it could never fire.
 */
export function unknownRuleProblems(cases: readonly TestCase[], rulesets: readonly LoadedRuleSet[]): Problem[] {
  const lists: readonly RuleList[] = ['fired', 'recommendations', 'possibleRecommendations'];
  return cases.flatMap((testCase) => {
    const ruleset = rulesets.find((r) => r.document.id === testCase.ruleset);
    if (!ruleset) return [];
    const rules = ruleIds(ruleset);
    return lists.flatMap((key) => (testCase.expect[key] ?? []).flatMap((id, i) =>
      namesRule(key, id, rules) ? [] : [caseProblem(testCase, ['cases', testCase.index, 'expect', key, i], 'CASE_UNKNOWN_RULE', unknownRuleMessage(id, key))]));
  });
}

/** Every rule id of a rule set as traces and `fired` name them (`component.alternative`). */
export function ruleIds(ruleset: LoadedRuleSet): ReadonlySet<string> {
  let ids = idsByRuleSet.get(ruleset);
  if (!ids) {
    ids = new Set([...ruleset.parts.flatMap((part) => part.alternatives.map((alternative) => ruleName(part, alternative))), ...disabledRuleIds(ruleset)]);
    idsByRuleSet.set(ruleset, ids);
  }
  return ids;
}
const idsByRuleSet = new WeakMap<LoadedRuleSet, ReadonlySet<string>>();

/**
 * The rules a profile disabled: still rules of the rule set, not evaluated, so naming one is no
 * CASE_UNKNOWN_RULE. A base case run under the profile may list one in `fired` (it is not evaluated);
 * what the profile changes in the outputs still fails the case until the profile supersedes it.
 * Worked out once per rule set, as every case asks.
 */
export function disabledRuleIds(ruleset: LoadedRuleSet): ReadonlySet<string> {
  let ids = disabledByRuleSet.get(ruleset);
  if (!ids) disabledByRuleSet.set(ruleset, (ids = new Set(disabledRules(ruleset.document).flatMap((rule) => rule.names))));
  return ids;
}
const disabledByRuleSet = new WeakMap<LoadedRuleSet, ReadonlySet<string>>();
