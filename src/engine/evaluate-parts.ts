import type { Part } from '../ruleset/parts.js';
import type { LoadedRuleSet } from '../ruleset/types.js';
import { exploreGroup } from './explore-missing.js';
import { presentValues, type FactStates } from './fact-state.js';
import { missingValues } from './missing-values.js';
import { conflict, determined, type PartEvaluation, type PartsEvaluation } from './part-outcome.js';
import { conditionsOf, ruleName, ruleTrace, type RuleContext } from './rule-trace.js';
import { DEFAULT_EVALUATOR, firedOutcomes, runRules, type Evaluator, type RuleOutcome } from './run-rules.js';
import { keepsRule, type TraceLevel } from './trace-level.js';

/**
 * How an evaluation runs: `evaluator` (compiled conditions or json-rules-engine), and how much trace it
 * builds — at `rules` and `none` the entries a level leaves out are never built, rather than filtered
 * out afterwards.
 */
export interface EngineOptions {
  evaluator?: Evaluator;
  trace?: TraceLevel;
}

/**
 * Decides which alternative of each part holds. Parts whose facts are all known run together in one
 * pass (compiled conditions, or json-rules-engine as the reference). Parts with missing facts are grouped by the unknowns they share and each
 * group is run once per combination of possible values: the alternatives that fire in some combination
 * are a part's possible answers, and if every combination gives the same outcome the part is decided.
 */
export async function evaluateParts(ruleset: LoadedRuleSet, parts: readonly Part[], facts: FactStates, lesion: number | undefined, options: EngineOptions = {}): Promise<PartsEvaluation> {
  const resolved = { evaluator: options.evaluator ?? DEFAULT_EVALUATOR, trace: options.trace ?? 'full' };
  const known = presentValues(facts);
  const missingOf = new Map(parts.map((p) => [p.id, p.facts.filter((f) => facts.get(f)?.present !== true)]));
  const context = (part: Part): RuleContext => ({ ruleset, part, lesion });

  const decided = parts.filter((p) => missingOf.get(p.id)?.length === 0);
  const rules = decided.flatMap((p) => p.alternatives.map((a) => ({ name: ruleName(p, a), when: a.when })));
  // Below the full level no unfired rule is traced, so only the fired ones are evaluated with results.
  const outcomes = resolved.trace === 'full' ? await runRules(rules, known, resolved.evaluator) : await firedOutcomes(rules, known, resolved.evaluator, resolved.trace === 'rules');
  const byId = new Map<string, PartEvaluation>();
  const pointSets: number[][] = [];
  for (const part of decided) {
    const evaluation = decide(context(part), outcomes, resolved.trace);
    byId.set(part.id, evaluation);
    pointSets.push(evaluation.possiblePoints);
  }

  const open = parts.filter((p) => (missingOf.get(p.id)?.length ?? 0) > 0);
  const unknownsOf = (p: Part): string[] => [...missingValues(ruleset, facts, missingOf.get(p.id) ?? []).variables.keys()];
  // Only a score's components add up, so only they are explored jointly; any other part alone.
  // (A lone open component needs no grouping, and its unknowns are worked out once, in exploreGroup.)
  const groups = open.length > 1 && open.every((p) => p.kind === 'component') ? groupBySharedUnknowns(open, unknownsOf) : open.map((p) => [p]);
  for (const group of groups) {
    const explored = await exploreGroup(group.map(context), facts, known, missingOf, resolved);
    for (const evaluation of explored.parts) byId.set(evaluation.part.id, evaluation);
    pointSets.push(...explored.pointSets);
  }
  return { parts: parts.flatMap((p) => byId.get(p.id) ?? []), pointSets };
}

function decide(context: RuleContext, outcomes: ReadonlyMap<string, RuleOutcome>, level: TraceLevel): PartEvaluation {
  const { part } = context;
  const fired = part.alternatives.filter((a) => outcomes.get(ruleName(part, a))?.fired);
  const rules = part.alternatives.flatMap((alternative) => {
    const outcome = outcomes.get(ruleName(part, alternative));
    const hasFired = outcome?.fired ?? false;
    return keepsRule(level, hasFired) ? [ruleTrace(context, alternative, { fired: hasFired, conditions: conditionsOf(alternative, outcome?.conditions) })] : [];
  });
  return fired.length === 1 && fired[0] ? determined(context, fired[0], fired, rules, []) : conflict(context, fired, rules);
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
