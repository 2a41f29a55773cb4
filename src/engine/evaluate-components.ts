import { factsOf } from '../ruleset/conditions.js';
import type { Alternative, Component, LoadedRuleSet, Scalar, ScoreSpec } from '../ruleset/types.js';
import { traceConditions } from './condition-trace.js';
import { presentValues, type FactStates } from './fact-state.js';
import { runRules, type EvaluatedNode, type RuleOutcome } from './run-rules.js';
import { scenarios } from './scenarios.js';
import type { ComponentResult, EvaluationWarning, RuleTrace } from './types.js';

export interface ComponentEvaluation {
  id: string;
  result: ComponentResult;
  /** Points the component may contribute: one value when determined. */
  possiblePoints: number[];
  rules: RuleTrace[];
  warnings: EvaluationWarning[];
}

export const ruleName = (component: Component, alternative: Alternative): string => `${component.id}.${alternative.id}`;

/**
 * Decides which alternative of each component holds. Components whose facts are all known run together
 * in one json-rules-engine pass. A component with a missing fact is run once per possible value of the
 * missing facts: the alternatives that fire in some scenario are its possible answers, and if every
 * scenario gives the same answer the component is decided after all.
 */
export async function evaluateComponents(ruleset: LoadedRuleSet, score: ScoreSpec & { id: string }, facts: FactStates, lesion?: number): Promise<ComponentEvaluation[]> {
  const known = presentValues(facts);
  const missingOf = (component: Component): string[] =>
    [...new Set(component.alternatives.flatMap((a) => [...factsOf(a.when)]))].filter((f) => facts.get(f)?.present !== true);

  const decided = score.components.filter((c) => missingOf(c).length === 0);
  const decidedOutcomes = await runRules(
    decided.flatMap((c) => c.alternatives.map((a) => ({ name: ruleName(c, a), when: a.when }))),
    known,
  );

  const evaluations: ComponentEvaluation[] = [];
  for (const component of score.components) {
    const missing = missingOf(component);
    const context: Context = { ruleset, score, component, lesion };
    evaluations.push(
      missing.length === 0
        ? decide(context, decidedOutcomes)
        : await explore(context, missing, facts, known),
    );
  }
  return evaluations;
}

interface Context {
  ruleset: LoadedRuleSet;
  score: ScoreSpec & { id: string };
  component: Component;
  lesion: number | undefined;
}

function decide(context: Context, outcomes: ReadonlyMap<string, RuleOutcome>): ComponentEvaluation {
  const { component } = context;
  const rules = component.alternatives.map((alternative) => {
    const outcome = outcomes.get(ruleName(component, alternative));
    return ruleTrace(context, alternative, {
      fired: outcome?.fired ?? false,
      conditions: outcome ? conditionsOf(alternative, outcome.conditions) : [],
    });
  });
  const fired = component.alternatives.filter((a) => outcomes.get(ruleName(component, a))?.fired);
  return summarize(context, fired, rules, []);
}

async function explore(context: Context, missing: string[], facts: FactStates, known: Record<string, Scalar>): Promise<ComponentEvaluation> {
  const { ruleset, component } = context;
  const domains = new Map<string, Scalar[]>();
  for (const fact of missing) {
    const state = facts.get(fact);
    domains.set(fact, (state && !state.present ? state.domain : undefined) ?? [...(ruleset.facts.get(fact)?.representatives ?? [])]);
  }
  const because = [...new Set(missing.flatMap((f) => { const s = facts.get(f); return s && !s.present ? s.because : [f]; }))];
  const rulesToRun = component.alternatives.map((a) => ({ name: ruleName(component, a), when: a.when }));
  const assignments = scenarios(domains);
  const warnings: EvaluationWarning[] = [];

  const firedSets: Array<Set<string>> = [];
  let sample: Map<string, RuleOutcome> | undefined;
  if (assignments) {
    for (const assignment of assignments) {
      const outcomes = await runRules(rulesToRun, { ...known, ...assignment });
      sample ??= outcomes;
      firedSets.push(new Set(component.alternatives.filter((a) => outcomes.get(ruleName(component, a))?.fired).map((a) => a.id)));
    }
  } else {
    warnings.push({ code: 'DOMAIN_TOO_LARGE', ruleset: ruleset.document.id, ...lesionField(context.lesion), message: `${component.id}: too many combinations of missing values; every alternative is kept possible` });
    firedSets.push(new Set(component.alternatives.map((a) => a.id)));
  }

  const possible = new Set(firedSets.flatMap((s) => [...s]));
  const first = firedSets[0];
  const settled = first !== undefined && first.size === 1 && firedSets.every((s) => s.size === 1 && [...s][0] === [...first][0]);
  const missingSet = new Set(missing);
  const rules = component.alternatives.map((alternative) => {
    const outcome = sample?.get(ruleName(component, alternative));
    const conditions = outcome ? conditionsOf(alternative, outcome.conditions, missingSet) : [];
    return settled
      ? ruleTrace(context, alternative, { fired: possible.has(alternative.id), conditions, missing: because })
      : ruleTrace(context, alternative, { fired: null, possible: possible.has(alternative.id), conditions, missing: because });
  });
  if (settled) return summarize(context, component.alternatives.filter((a) => possible.has(a.id)), rules, because);

  const open = component.alternatives.filter((a) => possible.has(a.id));
  const points = [...new Set(open.map((a) => a.points))].sort((a, b) => a - b);
  return {
    id: component.id,
    result: {
      label: component.label,
      status: 'undetermined',
      points: null,
      range: [points[0] ?? 0, points[points.length - 1] ?? 0],
      alternative: null,
      possible: open.map((a) => a.id),
      missing: because,
    },
    possiblePoints: points,
    rules,
    warnings: [...warnings, ...conflictWarnings(context, firedSets)],
  };
}

/** A decided component: exactly one alternative fired, or a reported conflict that counts as open. */
function summarize(context: Context, fired: Alternative[], rules: RuleTrace[], missing: string[]): ComponentEvaluation {
  const { component, ruleset } = context;
  const only = fired.length === 1 ? fired[0] : undefined;
  if (only) {
    return {
      id: component.id,
      result: {
        label: component.label,
        status: 'determined',
        points: only.points,
        range: [only.points, only.points],
        alternative: only.id,
        alternativeLabel: only.label,
        ...(missing.length ? { missing } : {}),
      },
      possiblePoints: [only.points],
      rules,
      warnings: only.unconfirmed ? [unconfirmedWarning(context, `${component.id} = ${only.id}`, only.unconfirmed)] : [],
    };
  }
  // None or several matched: never guess. The component stays open over all of its alternatives.
  const all = component.alternatives.map((a) => a.points);
  const points = [...new Set(all)].sort((a, b) => a - b);
  return {
    id: component.id,
    result: { label: component.label, status: 'conflict', points: null, range: [points[0] ?? 0, points[points.length - 1] ?? 0], alternative: null, possible: fired.map((a) => a.id) },
    possiblePoints: points,
    rules,
    warnings: [
      {
        code: fired.length === 0 ? 'COMPONENT_NO_MATCH' : 'COMPONENT_MULTIPLE_MATCH',
        ruleset: ruleset.document.id,
        ...lesionField(context.lesion),
        message: fired.length === 0
          ? `${component.id}: no alternative matched the input; the component is left open`
          : `${component.id}: several alternatives matched (${fired.map((a) => a.id).join(', ')}); the component is left open`,
      },
    ],
  };
}

function conflictWarnings(context: Context, firedSets: Array<Set<string>>): EvaluationWarning[] {
  const bad = firedSets.find((s) => s.size !== 1);
  if (!bad) return [];
  return [{
    code: bad.size === 0 ? 'COMPONENT_NO_MATCH' : 'COMPONENT_MULTIPLE_MATCH',
    ruleset: context.ruleset.document.id,
    ...lesionField(context.lesion),
    message: `${context.component.id}: for some values of the missing inputs ${bad.size === 0 ? 'no alternative' : 'several alternatives'} would match`,
  }];
}

function ruleTrace(
  context: Context,
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
function conditionsOf(alternative: Alternative, node: EvaluatedNode, missing?: ReadonlySet<string>) {
  const isLeaf = !('all' in alternative.when || 'any' in alternative.when || 'not' in alternative.when);
  const root = isLeaf && node.all?.[0] ? node.all[0] : node;
  return traceConditions(root, missing);
}

function unconfirmedWarning(context: Context, what: string, why: string): EvaluationWarning {
  return { code: 'UNCONFIRMED_SOURCE', ruleset: context.ruleset.document.id, ...lesionField(context.lesion), message: `${what}: ${why}` };
}

export function lesionField(lesion: number | undefined): { lesion?: number } {
  return lesion === undefined ? {} : { lesion };
}
