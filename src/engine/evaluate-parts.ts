import type { Part, PartAlternative } from '../ruleset/parts.js';
import type { LoadedRuleSet, Scalar } from '../ruleset/types.js';
import { presentValues, type FactStates } from './fact-state.js';
import { lesionField } from './lesion-field.js';
import { missingValues } from './missing-values.js';
import { conditionsOf, ruleName, ruleTrace, type RuleContext } from './rule-trace.js';
import { DEFAULT_EVALUATOR, ruleRunner, runRules, type Evaluator, type RuleOutcome } from './run-rules.js';
import { scenarios } from './scenarios.js';
import type { EvaluationWarning, RuleTrace } from './types.js';

export type PartStatus = 'determined' | 'undetermined' | 'conflict';

export interface PartEvaluation {
  part: Part;
  status: PartStatus;
  /** The outcome when determined: the alternative's id for a component, its value otherwise. */
  value: string | null;
  /** The one alternative that held, when a single one did in every case considered. */
  chosen: PartAlternative | null;
  /** Alternatives that hold for some value of the missing inputs (or that held together, in a conflict). */
  possible: PartAlternative[];
  /** Inputs whose absence left the part open (or that were absent but did not matter). */
  missing: string[];
  /** Points the part may contribute (components). */
  possiblePoints: number[];
  rules: RuleTrace[];
  warnings: EvaluationWarning[];
}

export interface PartsEvaluation {
  parts: PartEvaluation[];
  /**
   * Point sets whose sums are the possible totals: one per decided component, and one per group of open
   * components that share an unknown (the sums that occur together), so a total range is exact.
   */
  pointSets: number[][];
}

/**
 * Decides which alternative of each part holds. Parts whose facts are all known run together in one
 * pass (compiled conditions, or json-rules-engine as the reference). Parts with missing facts are grouped by the unknowns they share and each
 * group is run once per combination of possible values: the alternatives that fire in some combination
 * are a part's possible answers, and if every combination gives the same outcome the part is decided.
 */
export async function evaluateParts(ruleset: LoadedRuleSet, parts: readonly Part[], facts: FactStates, lesion?: number, evaluator: Evaluator = DEFAULT_EVALUATOR): Promise<PartsEvaluation> {
  const known = presentValues(facts);
  const missingOf = new Map(parts.map((p) => [p.id, p.facts.filter((f) => facts.get(f)?.present !== true)]));
  const context = (part: Part): RuleContext => ({ ruleset, part, lesion });

  const decided = parts.filter((p) => missingOf.get(p.id)?.length === 0);
  const outcomes = await runRules(decided.flatMap((p) => p.alternatives.map((a) => ({ name: ruleName(p, a), when: a.when }))), known, evaluator);
  const byId = new Map<string, PartEvaluation>();
  const pointSets: number[][] = [];
  for (const part of decided) {
    const evaluation = decide(context(part), outcomes);
    byId.set(part.id, evaluation);
    pointSets.push(evaluation.possiblePoints);
  }

  const open = parts.filter((p) => (missingOf.get(p.id)?.length ?? 0) > 0);
  const unknownsOf = (p: Part): string[] => [...missingValues(ruleset, facts, missingOf.get(p.id) ?? []).variables.keys()];
  // Only a score's components add up, so only they are explored jointly; any other part alone.
  // (A lone open component needs no grouping, and its unknowns are worked out once, in exploreGroup.)
  const groups = open.length > 1 && open.every((p) => p.kind === 'component') ? groupBySharedUnknowns(open, unknownsOf) : open.map((p) => [p]);
  for (const group of groups) {
    const explored = await exploreGroup(group.map(context), facts, known, missingOf, evaluator);
    for (const evaluation of explored.parts) byId.set(evaluation.part.id, evaluation);
    pointSets.push(...explored.pointSets);
  }
  return { parts: parts.flatMap((p) => byId.get(p.id) ?? []), pointSets };
}

function decide(context: RuleContext, outcomes: ReadonlyMap<string, RuleOutcome>): PartEvaluation {
  const { part } = context;
  const rules = part.alternatives.map((alternative) => {
    const outcome = outcomes.get(ruleName(part, alternative));
    return ruleTrace(context, alternative, { fired: outcome?.fired ?? false, conditions: conditionsOf(alternative, outcome?.conditions) });
  });
  const fired = part.alternatives.filter((a) => outcomes.get(ruleName(part, a))?.fired);
  return fired.length === 1 && fired[0] ? determined(context, fired[0], fired, rules, []) : conflict(context, fired, rules);
}

async function exploreGroup(group: RuleContext[], facts: FactStates, known: Record<string, Scalar>, missingOf: ReadonlyMap<string, string[]>, evaluator: Evaluator): Promise<PartsEvaluation> {
  const ruleset = group[0]?.ruleset as LoadedRuleSet;
  const missingFacts = [...new Set(group.flatMap((c) => missingOf.get(c.part.id) ?? []))];
  const unknowns = missingValues(ruleset, facts, missingFacts);
  const assignments = scenarios(unknowns.variables);
  const run = ruleRunner(group.flatMap((c) => c.part.alternatives.map((a) => ({ name: ruleName(c.part, a), when: a.when }))), evaluator);

  const firedSets = new Map<string, PartAlternative[][]>(group.map((c) => [c.part.id, []]));
  const sums = new Set<number>();
  let sample: Map<string, RuleOutcome> | undefined;
  let consistent = true;
  for (const assignment of assignments ?? []) {
    const outcomes = await run({ ...known, ...unknowns.resolve(assignment) });
    sample ??= outcomes;
    let sum = 0;
    for (const { part } of group) {
      const fired = part.alternatives.filter((a) => outcomes.get(ruleName(part, a))?.fired);
      firedSets.get(part.id)?.push(fired);
      if (fired.length === 1) sum += fired[0]?.points ?? 0;
      else consistent = false;
    }
    sums.add(sum);
  }

  const missingSet = new Set(missingFacts);
  const parts = group.map((context) => {
    const { part } = context;
    const because = [...new Set((missingOf.get(part.id) ?? []).flatMap((f) => { const s = facts.get(f); return s && !s.present ? s.because : [f]; }))];
    const sets = assignments ? (firedSets.get(part.id) ?? []) : [part.alternatives];
    const possible = part.alternatives.filter((a) => sets.some((s) => s.includes(a)));
    const single = sets.every((s) => s.length === 1);
    const outcomes = new Set(sets.map((s) => s[0]?.value));
    const sameAlternative = single && possible.length === 1;
    const settled = single && outcomes.size === 1 && (part.kind !== 'component' || sameAlternative);
    const rules = part.alternatives.map((alternative) => {
      const conditions = conditionsOf(alternative, sample?.get(ruleName(part, alternative))?.conditions, missingSet);
      return sameAlternative
        ? ruleTrace(context, alternative, { fired: possible.includes(alternative), conditions, missing: because })
        : ruleTrace(context, alternative, { fired: null, possible: possible.includes(alternative), conditions, missing: because });
    });
    if (settled && possible[0]) return determined(context, sameAlternative ? possible[0] : null, possible, rules, because);
    const warnings = assignments ? conflictWarnings(context, sets) : [warning(context, 'DOMAIN_TOO_LARGE', `${part.id}: too many combinations of missing values; every alternative is kept possible`)];
    return { part, status: 'undetermined' as const, value: null, chosen: null, possible, missing: because, possiblePoints: pointsOf(possible), rules, warnings };
  });
  // Shared unknowns tie the group's parts together: their sums, not their separate ranges, add up.
  const pointSets = assignments && consistent ? [[...sums].sort((a, b) => a - b)] : parts.map((p) => p.possiblePoints);
  return { parts, pointSets };
}

/** Decided: one outcome. `chosen` is null when different rows with the same value held in different cases. */
function determined(context: RuleContext, chosen: PartAlternative | null, possible: PartAlternative[], rules: RuleTrace[], missing: string[]): PartEvaluation {
  const outcome = chosen ?? possible[0];
  const unconfirmed = possible.filter((a) => a.unconfirmed);
  return {
    part: context.part,
    status: 'determined',
    value: outcome ? outcome.value : null,
    chosen,
    possible,
    missing,
    possiblePoints: pointsOf(possible),
    rules,
    warnings: unconfirmed.map((a) => warning(context, 'UNCONFIRMED_SOURCE', `${context.part.id} = ${a.id}: ${a.unconfirmed}`)),
  };
}

/** None or several alternatives held: never guess. The part stays open over all of its alternatives. */
function conflict(context: RuleContext, fired: PartAlternative[], rules: RuleTrace[]): PartEvaluation {
  const { part } = context;
  return {
    part,
    status: 'conflict',
    value: null,
    chosen: null,
    possible: fired,
    missing: [],
    possiblePoints: pointsOf(part.alternatives),
    rules,
    warnings: [
      fired.length === 0
        ? warning(context, 'COMPONENT_NO_MATCH', `${part.id}: no alternative matched the input; it is left open`)
        : warning(context, 'COMPONENT_MULTIPLE_MATCH', `${part.id}: several alternatives matched (${fired.map((a) => a.id).join(', ')}); it is left open`),
    ],
  };
}

function conflictWarnings(context: RuleContext, firedSets: PartAlternative[][]): EvaluationWarning[] {
  const bad = firedSets.find((s) => s.length !== 1);
  if (!bad) return [];
  const what = bad.length === 0 ? 'no alternative' : 'several alternatives';
  return [warning(context, bad.length === 0 ? 'COMPONENT_NO_MATCH' : 'COMPONENT_MULTIPLE_MATCH', `${context.part.id}: for some values of the missing inputs ${what} would match`)];
}

function warning(context: RuleContext, code: EvaluationWarning['code'], message: string): EvaluationWarning {
  return { code, ruleset: context.ruleset.document.id, ...lesionField(context.lesion), message };
}

function pointsOf(alternatives: readonly PartAlternative[]): number[] {
  return [...new Set(alternatives.map((a) => a.points ?? 0))].sort((a, b) => a - b);
}

/** Connected groups of parts, two parts being connected when they share an unknown. */
function groupBySharedUnknowns(parts: readonly Part[], unknownsOf: (p: Part) => string[]): Part[][] {
  const groups: Array<{ members: Part[]; unknowns: Set<string> }> = [];
  for (const part of parts) {
    const unknowns = new Set(unknownsOf(part));
    const touching = groups.filter((g) => [...unknowns].some((u) => g.unknowns.has(u)));
    const merged = { members: [...touching.flatMap((g) => g.members), part], unknowns: new Set([...unknowns, ...touching.flatMap((g) => [...g.unknowns])]) };
    for (const g of touching) groups.splice(groups.indexOf(g), 1);
    groups.push(merged);
  }
  return groups.map((g) => g.members);
}
