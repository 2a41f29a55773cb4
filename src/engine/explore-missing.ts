import type { Part, PartAlternative } from '../ruleset/parts.js';
import type { LoadedRuleSet, Scalar } from '../ruleset/types.js';
import type { FactStates } from './fact-state.js';
import { missingValues, type MissingValues } from './missing-values.js';
import { determined, freezeEvaluation, partWarning, pointsOf, type PartEvaluation, type PartsEvaluation } from './part-outcome.js';
import type { Test } from './compiled-rules.js';
import { compiledTests, rulesOf, runParts, type PartRun } from './part-runs.js';
import { ruleTrace, type RuleContext } from './rule-trace.js';
import { GROUP_SEPARATOR, MAX_REMEMBERED, Remembered, RememberedByValues, remembers, SEPARATOR, serial, valueKey } from './remembered.js';
import { ruleRunner, type Evaluator } from './run-rules.js';
import { eachScenario, MAX_SCENARIOS, scenarioCount } from './scenarios.js';
import { settled, type Steps } from './steps.js';
import { keepsRule, TRACE_LEVELS, type TraceLevel } from './trace-level.js';
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
export function* exploreGroup(group: RuleContext[], facts: FactStates, missingOf: ReadonlyMap<string, string[]>, options: { evaluator: Evaluator; trace: TraceLevel }): Steps<PartsEvaluation> {
  const ruleset = group[0]?.ruleset as LoadedRuleSet;
  const parts = group.map((c) => c.part);
  const missingFacts: string[] = [];
  for (const part of parts) for (const fact of missingOf.get(part.id) ?? []) if (!missingFacts.includes(fact)) missingFacts.push(fact);
  const unknowns = missingValues(ruleset, facts, missingFacts);
  const explorable = scenarioCount(unknowns.variables) <= MAX_SCENARIOS;

  const tests = explorable ? compiledTests(parts, options.evaluator) : undefined;
  const becauseOf = group.map((c) => missingInputs(missingOf.get(c.part.id) ?? [], facts));
  // Compiled runs are remembered: what fires over every combination depends only on the values in the
  // exploration's key; the group's evaluations, on those and on the lesion, the level and what is missing.
  const key = tests ? explorationKey(ruleset, parts, unknowns, facts.values) : undefined;
  let exploration = key === undefined ? undefined : explorations.get(ruleset, key);
  // The exploration fixes the parts and the values; the first context, the rule set and the lesion.
  const outcomePath = key === undefined || !remembers(options.evaluator, options.trace) ? undefined : [group[0], ...becauseOf.map((because) => because.join(SEPARATOR))];
  const slot = TRACE_LEVELS.indexOf(options.trace);
  const remembered = exploration && outcomePath ? groupOutcomes.getAt(exploration, slot, outcomePath) : undefined;
  if (remembered) return remembered;
  if (!exploration) {
    exploration = yield* explore(parts, facts.values, unknowns, explorable, tests);
    if (key !== undefined) explorations.set(ruleset, key, exploration);
  }
  const { tallies, sums, consistent } = exploration;

  // The conditions shown are those of the first combination; computed once, when a rule entry is first traced.
  let sample: PartRun[] | undefined;
  let sampled = false;
  let missingSet: Set<string> | undefined;
  const evaluations: PartEvaluation[] = [];
  for (let g = 0; g < group.length; g++) {
    const context = group[g] as RuleContext;
    const { part } = context;
    const tally = tallies[g] as Tally;
    const because = becauseOf[g] as string[];
    const possible = part.alternatives.filter((_, i) => tally.fired[i]);
    const sameAlternative = tally.single && possible.length === 1;
    const decided = tally.single && tally.outcomes.size === 1 && (part.kind !== 'component' || sameAlternative);
    const traced: RuleTrace[] = [];
    for (let i = 0; i < part.alternatives.length; i++) {
      const alternative = part.alternatives[i] as PartAlternative;
      const fired = sameAlternative ? possible.includes(alternative) : null;
      if (!keepsRule(options.trace, fired)) continue;
      if (!sampled) {
        sampled = true;
        const first = explorable ? eachScenario(unknowns.variables).next() : undefined;
        if (first && !first.done) {
          const firstFacts = { ...facts.values };
          unknowns.resolveInto(first.value, firstFacts);
          const running = runParts(parts, firstFacts, options.evaluator);
          sample = running instanceof Promise ? ((yield running) as PartRun[]) : running;
        }
      }
      const conditions = sample?.[g]?.conditions(i, (missingSet ??= new Set(missingFacts))) ?? [];
      traced.push(sameAlternative
        ? ruleTrace(context, alternative, { fired: possible.includes(alternative), conditions, missing: because })
        : ruleTrace(context, alternative, { fired: null, possible: possible.includes(alternative), conditions, missing: because }));
    }
    if (decided && possible[0]) {
      evaluations.push(determined(context, sameAlternative ? possible[0] : null, possible, traced, because));
      continue;
    }
    const warnings = explorable ? conflictWarnings(context, tally) : [partWarning(context, 'DOMAIN_TOO_LARGE', `${part.id}: too many combinations of missing values; every alternative is kept possible`)];
    evaluations.push({ part, status: 'undetermined', value: null, chosen: null, possible, missing: because, possiblePoints: pointsOf(possible), rules: traced, warnings });
  }
  // Shared unknowns tie the group's parts together: their sums, not their separate ranges, add up.
  const pointSets = consistent ? [sums] : evaluations.map((p) => p.possiblePoints);
  const outcome = { parts: evaluations, pointSets };
  if (!outcomePath) return outcome;
  evaluations.forEach(freezeEvaluation);
  return groupOutcomes.setAt(exploration, slot, outcomePath, Object.freeze(outcome));
}

const explorations = new Remembered<Exploration>();
/** A group's evaluations, by exploration and trace level, under the group's first context and each part's missing inputs. */
const groupOutcomes = new RememberedByValues<PartsEvaluation>(MAX_REMEMBERED);

/** What a group's alternatives did over every combination: read-only once built (it may be remembered). */
interface Exploration {
  tallies: Tally[];
  /** The group's possible point sums, ascending. */
  sums: number[];
  /** Explored, and every part had exactly one alternative in every combination. */
  consistent: boolean;
}

function* explore(parts: readonly Part[], known: Readonly<Record<string, Scalar>>, unknowns: MissingValues, explorable: boolean, tests: Test[] | undefined): Steps<Exploration> {
  const tallies: Tally[] = parts.map((part) => explorable
    ? { fired: part.alternatives.map(() => false), single: true, outcomes: new Set() }
    : { fired: part.alternatives.map(() => true), single: part.alternatives.length === 1, outcomes: new Set([part.alternatives[0]?.value]) });
  const sums = new Set<number>();
  let consistent = true;
  // Called once per combination: plain loops, no closures or arrays per call.
  const tally = (fired: readonly boolean[]): void => {
    let offset = 0;
    let sum = 0;
    for (let g = 0; g < parts.length; g++) {
      const alternatives = (parts[g] as Part).alternatives;
      const t = tallies[g] as Tally;
      let count = 0;
      let first: PartAlternative | undefined;
      for (let i = 0; i < alternatives.length; i++) {
        if (!fired[offset + i]) continue;
        t.fired[i] = true;
        count += 1;
        first ??= alternatives[i];
      }
      t.outcomes.add(first?.value);
      if (count === 1) sum += first?.points ?? 0;
      else {
        t.single = false;
        t.firstConflict ??= count;
        consistent = false;
      }
      offset += alternatives.length;
    }
    sums.add(sum);
  };
  if (explorable) {
    const scenarioFacts: Record<string, Scalar> = { ...known };
    if (tests) {
      // Synchronous, and one flags array for every combination: this loop is where sparse records spend their time.
      const fired = new Array<boolean>(tests.length).fill(false);
      for (const assignment of eachScenario(unknowns.variables)) {
        unknowns.resolveInto(assignment, scenarioFacts);
        for (let i = 0; i < tests.length; i++) fired[i] = (tests[i] as Test)(scenarioFacts);
        tally(fired);
      }
    } else {
      // json-rules-engine: one engine for every combination (each run awaited before the next).
      const rules = rulesOf(parts);
      const run = ruleRunner(rules, 'json-rules-engine');
      for (const assignment of eachScenario(unknowns.variables)) {
        unknowns.resolveInto(assignment, scenarioFacts);
        const outcomes = yield* settled(run(scenarioFacts));
        tally(rules.map((r) => outcomes.get(r.name)?.fired === true));
      }
    }
  }
  return { tallies, sums: [...sums].sort((a, b) => a - b), consistent: explorable && consistent };
}

/**
 * Everything an exploration depends on: the parts, then the value of each fact they test in order (a
 * missing one as `?`, which also fixes which facts are missing), then each unknown's candidate values.
 * Names are left out because the parts fix the order; the key is hashed on every lookup, so it is short.
 */
function explorationKey(ruleset: LoadedRuleSet, parts: readonly Part[], unknowns: MissingValues, known: Readonly<Record<string, Scalar>>): string {
  let key = '';
  for (const part of parts) {
    key += `${serial(part)}${SEPARATOR}`;
    for (const fact of part.facts) key += valueKey(known[fact]) + SEPARATOR;
  }
  for (const [name, values] of unknowns.variables) {
    key += GROUP_SEPARATOR;
    // Most unknowns range over the rule set's own list for the fact (the same array every time).
    if (values === ruleset.facts.get(name)?.representatives) key += 'r';
    else for (const value of values) key += valueKey(value) + SEPARATOR;
  }
  return key;
}

/** The inputs behind missing facts: a missing derived or upstream fact names what it was missing. */
function missingInputs(missing: readonly string[], facts: FactStates): string[] {
  const inputs: string[] = [];
  for (const fact of missing) {
    const state = facts.get(fact);
    if (state && !state.present) {
      for (const input of state.because) if (!inputs.includes(input)) inputs.push(input);
    } else if (!inputs.includes(fact)) inputs.push(fact);
  }
  return inputs;
}

function conflictWarnings(context: RuleContext, tally: Tally): EvaluationWarning[] {
  if (tally.firstConflict === undefined) return [];
  const what = tally.firstConflict === 0 ? 'no alternative' : 'several alternatives';
  return [partWarning(context, tally.firstConflict === 0 ? 'COMPONENT_NO_MATCH' : 'COMPONENT_MULTIPLE_MATCH', `${context.part.id}: for some values of the missing inputs ${what} would match`)];
}
