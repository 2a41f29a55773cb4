import type { Part, PartAlternative } from '../ruleset/parts.js';
import type { LoadedRuleSet } from '../ruleset/types.js';
import { exploreGroup } from './explore-missing.js';
import type { FactStates } from './fact-state.js';
import { missingValues } from './missing-values.js';
import { conflict, determined, type PartEvaluation, type PartsEvaluation } from './part-outcome.js';
import { runParts, type PartRun } from './part-runs.js';
import { ruleContext, ruleTrace, type RuleContext } from './rule-trace.js';
import { DEFAULT_EVALUATOR, type Evaluator } from './run-rules.js';
import type { Steps } from './steps.js';
import { keepsRule, type TraceLevel } from './trace-level.js';
import type { RuleTrace } from './types.js';

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
export function* evaluateParts(ruleset: LoadedRuleSet, parts: readonly Part[], facts: FactStates, lesion: number | undefined, options: EngineOptions = {}): Steps<PartsEvaluation> {
  const resolved = { evaluator: options.evaluator ?? DEFAULT_EVALUATOR, trace: options.trace ?? 'full' };
  const decided: Part[] = [];
  const open: Part[] = [];
  for (const part of parts) (allPresent(part.facts, facts.values) ? decided : open).push(part);
  const missingOf = (part: Part): string[] => part.facts.filter((f) => facts.values[f] === undefined);
  // One open part and nothing else, as for most classifications and recommendations: nothing to order or group.
  if (decided.length === 0 && open.length === 1) {
    const part = open[0] as Part;
    return yield* exploreGroup([ruleContext(ruleset, part, lesion)], facts, [missingOf(part)], resolved);
  }

  const pointSets: number[][] = [];
  const evaluations: PartEvaluation[] = [];
  if (decided.length) {
    const running = runParts(decided, facts.values, resolved.evaluator);
    // Inline rather than `yield* settled(...)`: this runs for every part group of every patient.
    const runs = running instanceof Promise ? ((yield running) as PartRun[]) : running;
    for (let i = 0; i < decided.length; i++) {
      const evaluation = decide(ruleContext(ruleset, decided[i] as Part, lesion), runs[i] as PartRun, resolved.trace);
      evaluations.push(evaluation);
      pointSets.push(evaluation.possiblePoints);
    }
  }
  if (open.length === 0) return { parts: evaluations, pointSets };

  const unknownsOf = (p: Part): string[] => [...missingValues(ruleset, facts, missingOf(p)).variables.keys()];
  // Only a score's components add up, so only they are explored jointly; any other part alone.
  // (A lone open component needs no grouping, and its unknowns are worked out once, in exploreGroup.)
  const groups = open.length > 1 && open.every((p) => p.kind === 'component') ? groupBySharedUnknowns(open, unknownsOf) : open.map((p) => [p]);
  const explored: PartEvaluation[] = [];
  for (const group of groups) {
    const groupEvaluation = yield* exploreGroup(group.map((p) => ruleContext(ruleset, p, lesion)), facts, group.map(missingOf), resolved);
    for (const evaluation of groupEvaluation.parts) explored.push(evaluation);
    pointSets.push(...groupEvaluation.pointSets);
  }
  return { parts: inPartsOrder(parts, evaluations, explored), pointSets };
}

/**
 * Every part's evaluation in the parts' order. The decided ones are in that order already, and so are
 * the explored ones unless components were grouped: a merge by identity, no maps (this runs for every
 * group of parts of every patient).
 */
function inPartsOrder(parts: readonly Part[], decided: readonly PartEvaluation[], explored: readonly PartEvaluation[]): PartEvaluation[] {
  const ordered: PartEvaluation[] = [];
  let d = 0;
  let e = 0;
  for (const part of parts) {
    if (decided[d]?.part === part) ordered.push(decided[d++] as PartEvaluation);
    else if (explored[e]?.part === part) ordered.push(explored[e++] as PartEvaluation);
    else {
      const found = explored.find((x) => x.part === part);
      if (found) ordered.push(found);
    }
  }
  return ordered;
}

function decide(context: RuleContext, run: PartRun, level: TraceLevel): PartEvaluation {
  const { alternatives } = context.part;
  const fired: PartAlternative[] = [];
  const rules: RuleTrace[] = [];
  for (let i = 0; i < alternatives.length; i++) {
    const alternative = alternatives[i] as PartAlternative;
    const hasFired = run.fired[i] === true;
    if (hasFired) fired.push(alternative);
    if (keepsRule(level, hasFired)) rules.push(ruleTrace(context, alternative, { fired: hasFired, conditions: run.conditions(i) }));
  }
  return fired.length === 1 && fired[0] ? determined(context, fired[0], fired, rules, []) : conflict(context, fired, rules);
}

function allPresent(names: readonly string[], values: Readonly<Record<string, unknown>>): boolean {
  for (const name of names) if (values[name] === undefined) return false;
  return true;
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
