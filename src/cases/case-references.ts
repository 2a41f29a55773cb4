import type { Problem } from '../problems/problem.js';
import { ruleName } from '../engine/rule-trace.js';
import type { LoadedRuleSet } from '../ruleset/types.js';
import { caseProblem, unknownRuleSetProblem } from './case-problem.js';
import type { TestCase } from './load-cases.js';

/**
 * What cases name that the rule sets do not have, found without running them: a `ruleset:` that is
 * not loaded (once per file), and a `fired` id that is no rule of its rule set, which could never fire.
 * `complete`: every rule file loaded; otherwise a rule set that is not loaded may be a broken one, and
 * its broken file is the problem to report.
 */
export function caseReferenceProblems(cases: readonly TestCase[], rulesets: readonly LoadedRuleSet[], options: { complete: boolean }): Problem[] {
  const problems: Problem[] = [];
  const reportedFiles = new Set<string>();
  for (const testCase of cases) {
    const ruleset = rulesets.find((r) => r.document.id === testCase.ruleset);
    if (!ruleset) {
      if (options.complete && !reportedFiles.has(testCase.file)) problems.push(unknownRuleSetProblem(testCase));
      reportedFiles.add(testCase.file);
      continue;
    }
    const rules = ruleIds(ruleset);
    (testCase.expect.fired ?? []).forEach((id, i) => {
      if (!rules.has(id)) problems.push(unknownRuleProblem(testCase, ruleset, id, i));
    });
  }
  return problems;
}

/** Every rule id of a rule set as traces and `fired` name them (`component.alternative`). */
export function ruleIds(ruleset: LoadedRuleSet): ReadonlySet<string> {
  let ids = idsByRuleSet.get(ruleset);
  if (!ids) idsByRuleSet.set(ruleset, (ids = new Set(ruleset.parts.flatMap((part) => part.alternatives.map((alternative) => ruleName(part, alternative))))));
  return ids;
}
const idsByRuleSet = new WeakMap<LoadedRuleSet, ReadonlySet<string>>();

/** A `fired` id (at index `i`) that is no rule of the rule set: it could never fire. */
export function unknownRuleProblem(testCase: TestCase, ruleset: LoadedRuleSet, id: string, i: number): Problem {
  return caseProblem(testCase, ['cases', testCase.index, 'expect', 'fired', i], 'CASE_UNKNOWN_RULE', `rule set "${ruleset.document.id}" has no rule "${id}"`);
}
