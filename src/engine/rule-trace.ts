import type { Alternative, Component, LoadedRuleSet, ScoreSpec } from '../ruleset/types.js';
import { traceConditions } from './condition-trace.js';
import { lesionField } from './lesion-field.js';
import type { EvaluatedNode } from './run-rules.js';
import type { ConditionTrace, RuleTrace } from './types.js';

export const ruleName = (component: Component, alternative: Alternative): string => `${component.id}.${alternative.id}`;

export interface RuleContext {
  ruleset: LoadedRuleSet;
  score: ScoreSpec & { id: string };
  component: Component;
  lesion: number | undefined;
}

/** The trace entry of one alternative: whether it fired, on which values, what it added, and its source. */
export function ruleTrace(
  context: RuleContext,
  alternative: Alternative,
  outcome: Pick<RuleTrace, 'fired' | 'conditions'> & Partial<Pick<RuleTrace, 'possible' | 'missing'>>,
): RuleTrace {
  const { ruleset, score, component } = context;
  const reference = alternative.reference ?? component.reference;
  return {
    kind: 'rule',
    ruleset: ruleset.document.id,
    ...lesionField(context.lesion),
    rule: ruleName(component, alternative),
    score: score.id,
    component: component.id,
    alternative: alternative.id,
    fired: outcome.fired,
    ...(outcome.possible !== undefined ? { possible: outcome.possible } : {}),
    ...(outcome.missing?.length ? { missing: outcome.missing } : {}),
    conditions: outcome.conditions,
    ...(outcome.fired === true ? { effect: { component: component.id, alternative: alternative.id, points: alternative.points } } : {}),
    points: alternative.points,
    reference: ruleset.document.references[reference]?.citation ?? reference,
    ...(alternative.unconfirmed ? { unconfirmed: alternative.unconfirmed } : {}),
  };
}

/** Positions in the trace refer to the rule as written: a lone fact test was wrapped in `all` only to run it. */
export function conditionsOf(alternative: Alternative, node: EvaluatedNode | undefined, missing?: ReadonlySet<string>): ConditionTrace[] {
  if (!node) return [];
  const isLeaf = !('all' in alternative.when || 'any' in alternative.when || 'not' in alternative.when);
  const root = isLeaf && node.all?.[0] ? node.all[0] : node;
  return traceConditions(root, missing);
}
