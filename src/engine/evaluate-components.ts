import { factsOf } from '../ruleset/conditions.js';
import type { Alternative, Component, LoadedRuleSet, Scalar, ScoreSpec } from '../ruleset/types.js';
import { presentValues, type FactStates } from './fact-state.js';
import { lesionField } from './lesion-field.js';
import { missingValues } from './missing-values.js';
import { conditionsOf, ruleName, ruleTrace, type RuleContext } from './rule-trace.js';
import { runRules, type RuleOutcome } from './run-rules.js';
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

export interface ComponentsEvaluation {
  components: ComponentEvaluation[];
  /**
   * Point sets whose sums are the possible totals: one per decided component, and one per group of open
   * components that share an unknown (the sums that occur together), so a total range is exact.
   */
  pointSets: number[][];
}

type Score = ScoreSpec & { id: string };

/**
 * Decides which alternative of each component holds. Components whose facts are all known run together
 * in one json-rules-engine pass. Components with missing facts are grouped by the unknowns they share
 * and each group is run once per combination of possible values: the alternatives that fire in some
 * combination are a component's possible answers, and if every combination gives the same answer the
 * component is decided after all.
 */
export async function evaluateComponents(ruleset: LoadedRuleSet, score: Score, facts: FactStates, lesion?: number): Promise<ComponentsEvaluation> {
  const known = presentValues(facts);
  const missingOf = new Map(score.components.map((c) => [c.id, [...new Set(c.alternatives.flatMap((a) => [...factsOf(a.when)]))].filter((f) => facts.get(f)?.present !== true)]));
  const context = (component: Component): RuleContext => ({ ruleset, score, component, lesion });

  const decided = score.components.filter((c) => missingOf.get(c.id)?.length === 0);
  const outcomes = await runRules(decided.flatMap((c) => c.alternatives.map((a) => ({ name: ruleName(c, a), when: a.when }))), known);
  const byId = new Map<string, ComponentEvaluation>();
  const pointSets: number[][] = [];
  for (const component of decided) {
    const evaluation = decide(context(component), outcomes);
    byId.set(component.id, evaluation);
    pointSets.push(evaluation.possiblePoints);
  }

  const open = score.components.filter((c) => (missingOf.get(c.id)?.length ?? 0) > 0);
  const unknownsOf = (c: Component): string[] => [...missingValues(ruleset, facts, missingOf.get(c.id) ?? []).variables.keys()];
  for (const group of groupBySharedUnknowns(open, unknownsOf)) {
    const explored = await exploreGroup(group.map(context), facts, known, missingOf);
    for (const evaluation of explored.components) byId.set(evaluation.id, evaluation);
    pointSets.push(...explored.pointSets);
  }
  return { components: score.components.flatMap((c) => byId.get(c.id) ?? []), pointSets };
}

function decide(context: RuleContext, outcomes: ReadonlyMap<string, RuleOutcome>): ComponentEvaluation {
  const { component } = context;
  const rules = component.alternatives.map((alternative) => {
    const outcome = outcomes.get(ruleName(component, alternative));
    return ruleTrace(context, alternative, { fired: outcome?.fired ?? false, conditions: conditionsOf(alternative, outcome?.conditions) });
  });
  const fired = component.alternatives.filter((a) => outcomes.get(ruleName(component, a))?.fired);
  return summarize(context, fired, rules, []);
}

async function exploreGroup(group: RuleContext[], facts: FactStates, known: Record<string, Scalar>, missingOf: ReadonlyMap<string, string[]>): Promise<ComponentsEvaluation> {
  const ruleset = group[0]?.ruleset as LoadedRuleSet;
  const missingFacts = [...new Set(group.flatMap((c) => missingOf.get(c.component.id) ?? []))];
  const unknowns = missingValues(ruleset, facts, missingFacts);
  const assignments = scenarios(unknowns.variables);
  const rules = group.flatMap((c) => c.component.alternatives.map((a) => ({ name: ruleName(c.component, a), when: a.when })));

  const firedSets = new Map<string, Array<Set<string>>>(group.map((c) => [c.component.id, []]));
  const sums = new Set<number>();
  let sample: Map<string, RuleOutcome> | undefined;
  let consistent = true;
  for (const assignment of assignments ?? []) {
    const outcomes = await runRules(rules, { ...known, ...unknowns.resolve(assignment) });
    sample ??= outcomes;
    let sum = 0;
    for (const { component } of group) {
      const fired = component.alternatives.filter((a) => outcomes.get(ruleName(component, a))?.fired);
      firedSets.get(component.id)?.push(new Set(fired.map((a) => a.id)));
      if (fired.length === 1) sum += fired[0]?.points ?? 0;
      else consistent = false;
    }
    sums.add(sum);
  }

  const missingSet = new Set(missingFacts);
  const components = group.map((context) => {
    const { component } = context;
    const because = [...new Set((missingOf.get(component.id) ?? []).flatMap((f) => { const s = facts.get(f); return s && !s.present ? s.because : [f]; }))];
    const sets = assignments ? (firedSets.get(component.id) ?? []) : [new Set(component.alternatives.map((a) => a.id))];
    const possible = new Set(sets.flatMap((s) => [...s]));
    const first = sets[0];
    const settled = first !== undefined && first.size === 1 && sets.every((s) => s.size === 1 && [...s][0] === [...first][0]);
    const rules = component.alternatives.map((alternative) => {
      const conditions = conditionsOf(alternative, sample?.get(ruleName(component, alternative))?.conditions, missingSet);
      return settled
        ? ruleTrace(context, alternative, { fired: possible.has(alternative.id), conditions, missing: because })
        : ruleTrace(context, alternative, { fired: null, possible: possible.has(alternative.id), conditions, missing: because });
    });
    if (settled) return summarize(context, component.alternatives.filter((a) => possible.has(a.id)), rules, because);
    const warnings = assignments ? conflictWarnings(context, sets) : [warning(context, 'DOMAIN_TOO_LARGE', `${component.id}: too many combinations of missing values; every alternative is kept possible`)];
    return undetermined(context, component.alternatives.filter((a) => possible.has(a.id)), rules, because, warnings);
  });
  // Shared unknowns tie the group's components together: their sums, not their separate ranges, add up.
  const pointSets = assignments && consistent ? [[...sums].sort((a, b) => a - b)] : components.map((c) => c.possiblePoints);
  return { components, pointSets };
}

function undetermined(context: RuleContext, open: Alternative[], rules: RuleTrace[], missing: string[], warnings: EvaluationWarning[]): ComponentEvaluation {
  const points = sortedPoints(open);
  return {
    id: context.component.id,
    result: { label: context.component.label, status: 'undetermined', points: null, range: [points[0] ?? 0, points[points.length - 1] ?? 0], alternative: null, possible: open.map((a) => a.id), missing },
    possiblePoints: points,
    rules,
    warnings,
  };
}

/** A decided component: exactly one alternative fired, or a reported conflict that counts as open. */
function summarize(context: RuleContext, fired: Alternative[], rules: RuleTrace[], missing: string[]): ComponentEvaluation {
  const { component } = context;
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
      warnings: only.unconfirmed ? [warning(context, 'UNCONFIRMED_SOURCE', `${component.id} = ${only.id}: ${only.unconfirmed}`)] : [],
    };
  }
  // None or several matched: never guess. The component stays open over all of its alternatives.
  const points = sortedPoints(component.alternatives);
  return {
    id: component.id,
    result: { label: component.label, status: 'conflict', points: null, range: [points[0] ?? 0, points[points.length - 1] ?? 0], alternative: null, possible: fired.map((a) => a.id) },
    possiblePoints: points,
    rules,
    warnings: [
      fired.length === 0
        ? warning(context, 'COMPONENT_NO_MATCH', `${component.id}: no alternative matched the input; the component is left open`)
        : warning(context, 'COMPONENT_MULTIPLE_MATCH', `${component.id}: several alternatives matched (${fired.map((a) => a.id).join(', ')}); the component is left open`),
    ],
  };
}

function conflictWarnings(context: RuleContext, firedSets: Array<Set<string>>): EvaluationWarning[] {
  const bad = firedSets.find((s) => s.size !== 1);
  if (!bad) return [];
  const what = bad.size === 0 ? 'no alternative' : 'several alternatives';
  return [warning(context, bad.size === 0 ? 'COMPONENT_NO_MATCH' : 'COMPONENT_MULTIPLE_MATCH', `${context.component.id}: for some values of the missing inputs ${what} would match`)];
}

function warning(context: RuleContext, code: EvaluationWarning['code'], message: string): EvaluationWarning {
  return { code, ruleset: context.ruleset.document.id, ...lesionField(context.lesion), message };
}

function sortedPoints(alternatives: readonly Alternative[]): number[] {
  return [...new Set(alternatives.map((a) => a.points))].sort((a, b) => a - b);
}

/** Connected groups of components, two components being connected when they share an unknown. */
function groupBySharedUnknowns(components: readonly Component[], unknownsOf: (c: Component) => string[]): Component[][] {
  const groups: Array<{ members: Component[]; unknowns: Set<string> }> = [];
  for (const component of components) {
    const unknowns = new Set(unknownsOf(component));
    const touching = groups.filter((g) => [...unknowns].some((u) => g.unknowns.has(u)));
    const merged = { members: [...touching.flatMap((g) => g.members), component], unknowns: new Set([...unknowns, ...touching.flatMap((g) => [...g.unknowns])]) };
    for (const g of touching) groups.splice(groups.indexOf(g), 1);
    groups.push(merged);
  }
  return groups.map((g) => g.members);
}
