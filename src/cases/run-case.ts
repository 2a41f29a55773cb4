import { evaluatePatient } from '../engine/evaluate-patient.js';
import type { Evaluation, EvaluationWarning, RuleSetResult } from '../engine/types.js';
import type { Problem } from '../problems/problem.js';
import { withRequirements } from '../ruleset/dependencies.js';
import { isReviewWarning } from '../ruleset/profile-types.js';
import type { LoadedProfile } from '../ruleset/profile-types.js';
import type { LoadedRuleSet } from '../ruleset/types.js';
import { caseProblem, unknownRuleSetProblem } from './case-problem.js';
import { disabledRuleIds, ruleIds, unknownOutputProblems } from './case-references.js';
import { expectationDifferences, type CaseOutputs, type Difference } from './expectation-differences.js';
import type { TestCase } from './load-cases.js';

export interface CaseOutcome {
  case: TestCase;
  passed: boolean;
  /** Why it failed, each at the place in the case file it is about. */
  problems: Problem[];
}

/**
 * Runs one case against its rule set and compares only what the case states. Lists compare as sets.
 * `baseRulesOnly`: a base rule set's case run under a profile speaks about the base rules, so rules the
 * profile added are left out of `fired`, and the review of the profile out of `warnings` (what the
 * profile changes in scores and decisions still counts).
 */
export async function runCase(testCase: TestCase, rulesets: readonly LoadedRuleSet[], options: { baseRulesOnly?: boolean; profiles?: readonly LoadedProfile[] } = {}): Promise<CaseOutcome> {
  const outcome = (problems: Problem[]): CaseOutcome => ({ case: testCase, passed: problems.length === 0, problems });
  const target = rulesets.find((r) => r.document.id === testCase.ruleset);
  if (!target) return outcome([unknownRuleSetProblem(testCase, rulesets.map((r) => r.document.id))]);
  const evaluation = await evaluatePatient(testCase.patient, withRequirements([target], rulesets));
  const result = target.document.scope === 'patient'
    ? evaluation.results[target.document.id]
    : evaluation.lesions[testCase.lesionIndex]?.results[target.document.id];
  if (!result) {
    // Lesion 0 is also the default, so the case itself is the place to point at for it.
    const at = testCase.lesionIndex > 0 ? ['cases', testCase.index, 'lesionIndex'] : ['cases', testCase.index];
    const lesions = evaluation.lesions.length;
    return outcome([caseProblem(testCase, at, 'CASE_NO_LESION', `the case expects a result for lesionIndex ${testCase.lesionIndex} (counted from 0), but its patient has ${lesions} lesion${lesions === 1 ? '' : 's'}`)]);
  }
  const outputs = caseOutputs(testCase, target, result, evaluation, options.baseRulesOnly ?? false);
  const differences = expectationDifferences(testCase.expect, outputs).map((d) => differenceProblem(testCase, d));
  if (differences.length === 0) return outcome([]);
  // A value or output the rule set cannot produce is said as validate says it (with the name meant), not as a mismatch.
  const unknown = unknownOutputProblems([testCase], rulesets, options.profiles);
  return outcome(differences.map((p) => unknown.find((u) => u.path === p.path) ?? p));
}

/** The rule set's outputs for the case's patient or lesion, as a case states them. */
function caseOutputs(testCase: TestCase, target: LoadedRuleSet, result: RuleSetResult, evaluation: Evaluation, baseRulesOnly: boolean): CaseOutputs {
  const ours = <T extends { ruleset: string; lesion?: number }>(items: T[]): T[] =>
    items.filter((t) => t.ruleset === testCase.ruleset && (t.lesion === undefined || t.lesion === testCase.lesionIndex));
  const recommended = (status: string): string[] | undefined => result.recommendations?.filter((r) => r.status === status).map((r) => r.id);
  const byId = <T, V>(entries: Record<string, T> | undefined, value: (entry: T) => V): Record<string, V> =>
    Object.fromEntries(Object.entries(entries ?? {}).map(([id, entry]) => [id, value(entry)]));
  return {
    score: result.score,
    range: result.range,
    category: result.category,
    // Given only while the category is open; a rule set with no category has none to give.
    possibleCategories: result.category === undefined ? undefined : (result.possibleCategories ?? []),
    components: byId(result.components, (c) => c.points),
    subscores: byId(result.subscores, (s) => s.score),
    classifications: byId(result.classifications, (c) => c.value),
    missing: result.missing,
    rules: ruleIds(target),
    ...(baseRulesOnly ? { notEvaluated: disabledRuleIds(target) } : {}),
    fired: ours(evaluation.trace).flatMap((t) => (t.kind === 'rule' && t.fired === true && !(baseRulesOnly && t.added) ? [t.rule] : [])),
    // The review of the profile is the profile's, not the base rules': a base case does not state it.
    warnings: ours(evaluation.warnings).filter((w) => !(baseRulesOnly && isReviewWarning(w))).map(caseWarning),
    recommendations: recommended('applies'),
    possibleRecommendations: recommended('possible'),
    overrides: (evaluation.profiles ?? []).filter((u) => u.ruleset === testCase.ruleset).flatMap((u) => u.changes.map((c) => c.change)),
  };
}

/**
 * A warning as a case states it: its code, and for an unconfirmed element the result only may rest on
 * (missing data), `UNCONFIRMED_SOURCE (possible)`, so a case tells the two apart.
 */
const caseWarning = (w: EvaluationWarning): string => (w.code === 'UNCONFIRMED_SOURCE' && w.status === 'possible' ? `${w.code} (possible)` : w.code);

function differenceProblem(testCase: TestCase, d: Difference): Problem {
  return caseProblem(testCase, ['cases', testCase.index, 'expect', ...d.path], d.code, d.message, { key: d.key });
}
