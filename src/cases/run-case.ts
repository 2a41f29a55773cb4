import { evaluatePatient } from '../engine/evaluate-patient.js';
import type { Evaluation, RuleSetResult } from '../engine/types.js';
import { withRequirements } from '../ruleset/dependencies.js';
import type { LoadedRuleSet } from '../ruleset/types.js';
import type { Expectation, TestCase } from './load-cases.js';

export interface CaseOutcome {
  case: TestCase;
  passed: boolean;
  /** The expected fields, and the same fields as the engine produced them (for a diff). */
  expected: Expectation;
  actual: Record<string, unknown>;
  error?: string;
}

/**
 * Runs one case against its rule set and compares only what the case states. Lists compare as sets.
 * `baseRulesOnly`: a base rule set's case run under a profile speaks about the base rules, so rules the
 * profile added are left out of `fired` (what they change in scores and decisions still counts).
 */
export async function runCase(testCase: TestCase, rulesets: readonly LoadedRuleSet[], options: { baseRulesOnly?: boolean } = {}): Promise<CaseOutcome> {
  const target = rulesets.find((r) => r.document.id === testCase.ruleset);
  if (!target) return { case: testCase, passed: false, expected: testCase.expect, actual: {}, error: `no rule set "${testCase.ruleset}" is loaded` };
  const evaluation = await evaluatePatient(testCase.patient, withRequirements([target], rulesets));
  const result = target.document.scope === 'patient'
    ? evaluation.results[target.document.id]
    : evaluation.lesions[testCase.lesionIndex]?.results[target.document.id];
  if (!result) return { case: testCase, passed: false, expected: testCase.expect, actual: {}, error: `the input has no lesion ${testCase.lesionIndex}` };

  const actual = project(testCase, result, evaluation, options.baseRulesOnly ?? false);
  const expected = normalize(testCase.expect);
  return { case: testCase, passed: JSON.stringify(actual) === JSON.stringify(expected), expected, actual };
}

function project(testCase: TestCase, result: RuleSetResult, evaluation: Evaluation, baseRulesOnly: boolean): Record<string, unknown> {
  const { expect } = testCase;
  const ours = <T extends { ruleset: string; lesion?: number }>(items: T[]): T[] =>
    items.filter((t) => t.ruleset === testCase.ruleset && (t.lesion === undefined || t.lesion === testCase.lesionIndex));
  const actual: Record<string, unknown> = {};
  if ('score' in expect) actual.score = result.score;
  if ('range' in expect) actual.range = result.range;
  if ('category' in expect) actual.category = result.category;
  if ('possibleCategories' in expect) actual.possibleCategories = [...(result.possibleCategories ?? [])].sort();
  if (expect.components) actual.components = pick(expect.components, (id) => result.components?.[id]?.points);
  if (expect.subscores) actual.subscores = pick(expect.subscores, (id) => result.subscores?.[id]?.score);
  if (expect.missing) actual.missing = [...result.missing].sort();
  if (expect.fired) {
    actual.fired = ours(evaluation.trace).flatMap((t) => (t.kind === 'rule' && t.fired === true && !(baseRulesOnly && t.added) ? [t.rule] : [])).sort();
  }
  if (expect.warnings) actual.warnings = [...new Set(ours(evaluation.warnings).map((w) => w.code))].sort();
  if (expect.classifications) actual.classifications = pick(expect.classifications, (id) => result.classifications?.[id]?.value);
  const recommended = (status: string): string[] => (result.recommendations ?? []).filter((r) => r.status === status).map((r) => r.id).sort();
  if (expect.recommendations) actual.recommendations = recommended('applies');
  if (expect.possibleRecommendations) actual.possibleRecommendations = recommended('possible');
  if (expect.overrides) actual.overrides = (evaluation.profiles ?? []).filter((u) => u.ruleset === testCase.ruleset).flatMap((u) => u.changes.map((c) => c.change)).sort();
  return actual;
}

/** Key order and list order of the expectation do not matter. */
function normalize(expect: Expectation): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if ('score' in expect) out.score = expect.score;
  if ('range' in expect) out.range = expect.range;
  if ('category' in expect) out.category = expect.category;
  if (expect.possibleCategories) out.possibleCategories = [...expect.possibleCategories].sort();
  if (expect.components) out.components = pick(expect.components, (id) => expect.components?.[id]);
  if (expect.subscores) out.subscores = pick(expect.subscores, (id) => expect.subscores?.[id]);
  if (expect.missing) out.missing = [...expect.missing].sort();
  if (expect.fired) out.fired = [...expect.fired].sort();
  if (expect.warnings) out.warnings = [...new Set(expect.warnings)].sort();
  if (expect.classifications) out.classifications = pick(expect.classifications, (id) => expect.classifications?.[id]);
  if (expect.recommendations) out.recommendations = [...expect.recommendations].sort();
  if (expect.possibleRecommendations) out.possibleRecommendations = [...expect.possibleRecommendations].sort();
  if (expect.overrides) out.overrides = [...expect.overrides].sort();
  return out;
}

function pick(keys: Record<string, unknown>, value: (id: string) => unknown): Record<string, unknown> {
  // A misspelt id must not pass as "null", so an absent entry is shown as such.
  return Object.fromEntries(Object.keys(keys).sort().map((id) => [id, value(id) === undefined ? '<absent>' : value(id)]));
}
