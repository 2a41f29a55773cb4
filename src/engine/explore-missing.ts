import type { PartAlternative } from '../ruleset/parts.js';
import type { LoadedRuleSet, Scalar } from '../ruleset/types.js';
import type { FactStates } from './fact-state.js';
import { missingValues } from './missing-values.js';
import { determined, partWarning, pointsOf, type PartEvaluation, type PartsEvaluation } from './part-outcome.js';
import { conditionsOf, ruleName, ruleTrace, type RuleContext } from './rule-trace.js';
import { firedRunner, ruleRunner, type Evaluator, type RuleOutcome, type RuleToRun } from './run-rules.js';
import { eachScenario, MAX_SCENARIOS, scenarioCount } from './scenarios.js';
import { keepsRule, type TraceLevel } from './trace-level.js';
import type { EvaluationWarning, RuleTrace } from './types.js';

/** What one part's alternatives did over every combination of the missing values. */
interface Tally {
  /** Per alternative: whether it fired in some combination. */
  fired: boolean[];
  /** Exactly one alternative fired in every combination. */
  single: boolean;
  /** The first alternative that fired, per combination (undefined when none did). */
  outcomes: Set<string | undefined>;
  /** How many alternatives fired in the first combination where that was not exactly one. */
  firstConflict?: number;
}

/**
 * Runs a group of parts with missing facts once per combination of the values the unknowns could take
 * (or, past MAX_SCENARIOS combinations, keeps every alternative possible). Only which rules fire is kept
 * per combination; the trace shows the conditions of the first combination, with missing facts undecided.
 */
export async function exploreGroup(group: RuleContext[], facts: FactStates, known: Readonly<Record<string, Scalar>>, missingOf: ReadonlyMap<string, string[]>, options: { evaluator: Evaluator; trace: TraceLevel }): Promise<PartsEvaluation> {
  const ruleset = group[0]?.ruleset as LoadedRuleSet;
  const missingFacts = [...new Set(group.flatMap((c) => missingOf.get(c.part.id) ?? []))];
  const unknowns = missingValues(ruleset, facts, missingFacts);
  const explorable = scenarioCount(unknowns.variables) <= MAX_SCENARIOS;
  const rules: RuleToRun[] = group.flatMap((c) => c.part.alternatives.map((a) => ({ name: ruleName(c.part, a), when: a.when })));

  const tallies: Tally[] = group.map(({ part }) => explorable
    ? { fired: part.alternatives.map(() => false), single: true, outcomes: new Set() }
    : { fired: part.alternatives.map(() => true), single: part.alternatives.length === 1, outcomes: new Set([part.alternatives[0]?.value]) });
  const sums = new Set<number>();
  let consistent = true;
  const scenarioFacts: Record<string, Scalar> = { ...known };
  const factSets = function* (): Generator<Record<string, Scalar>> {
    for (const assignment of eachScenario(unknowns.variables)) {
      unknowns.resolveInto(assignment, scenarioFacts);
      yield scenarioFacts;
    }
  };
  if (explorable) {
    await firedRunner(rules, options.evaluator)(factSets(), (fired) => {
      let offset = 0;
      let sum = 0;
      group.forEach(({ part }, g) => {
        const tally = tallies[g] as Tally;
        let count = 0;
        let first: PartAlternative | undefined;
        part.alternatives.forEach((alternative, i) => {
          if (!fired[offset + i]) return;
          tally.fired[i] = true;
          count += 1;
          first ??= alternative;
        });
        tally.outcomes.add(first?.value);
        if (count === 1) sum += first?.points ?? 0;
        else {
          tally.single = false;
          tally.firstConflict ??= count;
          consistent = false;
        }
        offset += part.alternatives.length;
      });
      sums.add(sum);
    });
  }

  // The conditions shown are those of the first combination; computed only when a rule entry is traced.
  let sample: Map<string, RuleOutcome> | undefined;
  const sampleOutcomes = async (): Promise<Map<string, RuleOutcome> | undefined> => {
    if (sample || !explorable) return sample;
    const first = eachScenario(unknowns.variables).next();
    if (first.done) return undefined;
    const firstFacts = { ...known };
    unknowns.resolveInto(first.value, firstFacts);
    sample = await ruleRunner(rules, options.evaluator)(firstFacts);
    return sample;
  };

  const missingSet = new Set(missingFacts);
  const parts: PartEvaluation[] = [];
  for (const [g, context] of group.entries()) {
    const { part } = context;
    const tally = tallies[g] as Tally;
    const because = [...new Set((missingOf.get(part.id) ?? []).flatMap((f) => { const s = facts.get(f); return s && !s.present ? s.because : [f]; }))];
    const possible = part.alternatives.filter((_, i) => tally.fired[i]);
    const sameAlternative = tally.single && possible.length === 1;
    const settled = tally.single && tally.outcomes.size === 1 && (part.kind !== 'component' || sameAlternative);
    const traced: RuleTrace[] = [];
    for (const alternative of part.alternatives) {
      const fired = sameAlternative ? possible.includes(alternative) : null;
      if (!keepsRule(options.trace, fired)) continue;
      const conditions = conditionsOf(alternative, (await sampleOutcomes())?.get(ruleName(part, alternative))?.conditions, missingSet);
      traced.push(sameAlternative
        ? ruleTrace(context, alternative, { fired: possible.includes(alternative), conditions, missing: because })
        : ruleTrace(context, alternative, { fired: null, possible: possible.includes(alternative), conditions, missing: because }));
    }
    if (settled && possible[0]) {
      parts.push(determined(context, sameAlternative ? possible[0] : null, possible, traced, because));
      continue;
    }
    const warnings = explorable ? conflictWarnings(context, tally) : [partWarning(context, 'DOMAIN_TOO_LARGE', `${part.id}: too many combinations of missing values; every alternative is kept possible`)];
    parts.push({ part, status: 'undetermined', value: null, chosen: null, possible, missing: because, possiblePoints: pointsOf(possible), rules: traced, warnings });
  }
  // Shared unknowns tie the group's parts together: their sums, not their separate ranges, add up.
  const pointSets = explorable && consistent ? [[...sums].sort((a, b) => a - b)] : parts.map((p) => p.possiblePoints);
  return { parts, pointSets };
}

function conflictWarnings(context: RuleContext, tally: Tally): EvaluationWarning[] {
  if (tally.firstConflict === undefined) return [];
  const what = tally.firstConflict === 0 ? 'no alternative' : 'several alternatives';
  return [partWarning(context, tally.firstConflict === 0 ? 'COMPONENT_NO_MATCH' : 'COMPONENT_MULTIPLE_MATCH', `${context.part.id}: for some values of the missing inputs ${what} would match`)];
}
