import type { Part, PartAlternative } from '../ruleset/parts.js';
import type { LoadedRuleSet, Scalar } from '../ruleset/types.js';
import type { FactStates } from './fact-state.js';
import { ExplorationMemo, explorationKey } from './exploration-memo.js';
import { eachUnknown, missingValues, type MissingValues } from './missing-values.js';
import { determined, NO_WARNINGS, partWarning, pointsOf, unconfirmedAlternatives, type PartEvaluation, type PartsEvaluation } from './part-outcome.js';
import type { Test } from './compiled-rules.js';
import { compiledTests, rulesOf, runParts, type PartRun } from './part-runs.js';
import { ruleTrace, type RuleContext } from './rule-trace.js';
import { ruleRunner, type Evaluator } from './run-rules.js';
import { eachScenario, firstScenario, MAX_SCENARIOS, scenarioCount } from './scenarios.js';
import { settled, type Steps } from './steps.js';
import { keepsRule, keepsRules, type TraceLevel } from './trace-level.js';
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
 * `missingOf` holds each part's missing facts, in the group's order.
 */
export function* exploreGroup(group: RuleContext[], facts: FactStates, missingOf: readonly (readonly string[])[], options: { evaluator: Evaluator; trace: TraceLevel }): Steps<PartsEvaluation> {
  const ruleset = group[0]?.ruleset as LoadedRuleSet;
  const parts = group.map((c) => c.part);
  // A lone part's missing facts are already distinct (most groups are one part).
  let missingFacts = missingOf[0] ?? [];
  if (missingOf.length > 1) {
    const union: string[] = [];
    for (const partMissing of missingOf) for (const fact of partMissing) if (!union.includes(fact)) union.push(fact);
    missingFacts = union;
  }
  // Compiled runs are remembered: what fires over every combination depends only on the key's values.
  // The key is built from the facts and looked up first, as nearly every group is found remembered;
  // only an exploration works out the variables (and a trace's sample combination, below).
  const memo = options.evaluator === 'compiled' ? explorations(ruleset) : undefined;
  const key = memo ? explorationKey(parts, facts.values, (visit) => { for (const fact of missingFacts) eachUnknown(ruleset, facts, fact, visit); }, ruleset.facts) : undefined;
  let exploration = key && memo?.get(key);
  let unknowns: MissingValues | undefined;
  if (!exploration) {
    unknowns = missingValues(ruleset, facts, missingFacts);
    const explorable = scenarioCount(unknowns.variables) <= MAX_SCENARIOS;
    const tests = explorable ? compiledTests(parts, options.evaluator) : undefined;
    const variablesOf = (fact: string): string[] => {
      const names: string[] = [];
      eachUnknown(ruleset, facts, fact, (name) => names.push(name));
      return names;
    };
    exploration = yield* explore(parts, facts.values, unknowns, explorable, tests, missingOf, variablesOf);
    if (key && memo && tests) memo.set(key, exploration);
  }
  const { outcomes, sums, consistent, explorable } = exploration;

  // The conditions shown are those of the first combination; computed once, when a rule entry is first traced.
  let sample: PartRun[] | undefined;
  let sampled = false;
  let missingSet: Set<string> | undefined;
  const evaluations: PartEvaluation[] = [];
  for (let g = 0; g < group.length; g++) {
    const context = group[g] as RuleContext;
    const { part } = context;
    const { possible, possiblePoints, sameAlternative, decided, dependsOn } = outcomes[g] as PartOutcome;
    const because = missingInputs(dependsOn, facts);
    const traced: RuleTrace[] = [];
    if (keepsRules(options.trace)) for (let i = 0; i < part.alternatives.length; i++) {
      const alternative = part.alternatives[i] as PartAlternative;
      const fired = sameAlternative ? possible.includes(alternative) : null;
      if (!keepsRule(options.trace, fired)) continue;
      if (!sampled) {
        sampled = true;
        unknowns ??= missingValues(ruleset, facts, missingFacts);
        const first = explorable ? firstScenario(unknowns.variables) : undefined;
        if (first) {
          const firstFacts = { ...facts.values };
          unknowns.resolveInto(first, firstFacts);
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
      evaluations.push(determined(context, sameAlternative ? possible[0] : null, possible, traced, because, possiblePoints));
      continue;
    }
    const open = explorable ? conflictWarnings(context, outcomes[g] as PartOutcome) : [partWarning(context, 'DOMAIN_TOO_LARGE', `${part.id}: too many combinations of missing values; every alternative is kept possible`)];
    // An unconfirmed alternative that may hold warns too, as possible.
    const unconfirmed = unconfirmedAlternatives(context, possible, () => 'possible');
    const warnings = unconfirmed.length ? [...open, ...unconfirmed] : open;
    evaluations.push({ part, status: 'undetermined', value: null, chosen: null, possible, missing: because, possiblePoints, rules: traced, warnings });
  }
  // Shared unknowns tie the group's parts together: their sums, not their separate ranges, add up.
  const pointSets = consistent ? [sums] : evaluations.map((p) => p.possiblePoints);
  return { parts: evaluations, pointSets };
}

/** What a group's alternatives did over every combination: read-only once built (it may be remembered). */
interface Exploration {
  /**
   * Per part, what its tally means (worked out once, with the exploration, not per patient); the tallies
   * themselves are not kept, as thousands of explorations are remembered per rule set.
   */
  outcomes: PartOutcome[];
  /** The group's possible point sums, ascending. */
  sums: number[];
  /** Explored, and every part had exactly one alternative in every combination. */
  consistent: boolean;
  /** There were few enough combinations to explore (else every alternative was kept possible). */
  explorable: boolean;
}

function* explore(
  parts: readonly Part[],
  known: Readonly<Record<string, Scalar>>,
  unknowns: MissingValues,
  explorable: boolean,
  tests: Test[] | undefined,
  missingOf: readonly (readonly string[])[],
  variablesOf: (fact: string) => readonly string[],
): Steps<Exploration> {
  const tallies: Tally[] = parts.map((part) => explorable
    ? { fired: part.alternatives.map(() => false), single: true, outcomes: new Set() }
    : { fired: part.alternatives.map(() => true), single: part.alternatives.length === 1, outcomes: new Set([part.alternatives[0]?.value]) });
  const sums = new Set<number>();
  let consistent = true;
  // Which alternatives fired, per part and combination, as a bit mask: what the missing facts are tested against.
  const combinations = explorable ? scenarioCount(unknowns.variables) : 0;
  const masks = parts.map((part) => (part.alternatives.length <= MAX_MASKED ? new Int32Array(combinations) : undefined));
  let scenario = 0;
  // Called once per combination: plain loops, no closures or arrays per call.
  const tally = (fired: readonly boolean[]): void => {
    let offset = 0;
    let sum = 0;
    for (let g = 0; g < parts.length; g++) {
      const alternatives = (parts[g] as Part).alternatives;
      const t = tallies[g] as Tally;
      let count = 0;
      let mask = 0;
      let first: PartAlternative | undefined;
      for (let i = 0; i < alternatives.length; i++) {
        if (!fired[offset + i]) continue;
        t.fired[i] = true;
        count += 1;
        mask |= 1 << i;
        first ??= alternatives[i];
      }
      const masked = masks[g];
      if (masked) masked[scenario] = mask;
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
    scenario += 1;
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
  const dependsOn = (g: number): readonly string[] => {
    const missing = missingOf[g] ?? [];
    const masked = masks[g];
    if (!explorable || !masked || masked.length === 0) return missing;
    const moving = movingVariables(masked, unknowns.variables);
    return missing.filter((fact) => variablesOf(fact).some((v) => moving.has(v)));
  };
  return { outcomes: parts.map((part, g) => partOutcome(part, tallies[g] as Tally, dependsOn(g))), sums: [...sums].sort((a, b) => a - b), consistent: explorable && consistent, explorable };
}

/** Parts with more alternatives than an int's bits keep every missing fact as one they depend on. */
const MAX_MASKED = 31;

/**
 * The variables whose value alone changes which alternatives fire in some combination: a missing fact
 * none of whose variables does so cannot change the part (molecular targeted therapy for a breast
 * primary), and is not named as missing. Combinations are in eachScenario's order, the last variable
 * varying fastest.
 */
function movingVariables(masks: Int32Array, variables: ReadonlyMap<string, readonly Scalar[]>): Set<string> {
  const moving = new Set<string>();
  const entries = [...variables];
  let stride = masks.length;
  for (const [name, values] of entries) {
    stride /= values.length;
    const block = stride * values.length;
    search: for (let start = 0; start < masks.length; start += block) {
      for (let offset = 0; offset < stride; offset++) {
        const base = masks[start + offset];
        for (let k = 1; k < values.length; k++) {
          if (masks[start + offset + k * stride] !== base) {
            moving.add(name);
            break search;
          }
        }
      }
    }
  }
  return moving;
}

/** A part's outcome over every combination; its arrays are shared by every evaluation that finds it remembered (results only read them). */
interface PartOutcome {
  /** The alternatives that fired in some combination. */
  possible: PartAlternative[];
  possiblePoints: number[];
  /** One alternative, the same one, fired in every combination. */
  sameAlternative: boolean;
  /** One outcome in every combination (for a component, one alternative). */
  decided: boolean;
  /** How many alternatives fired in the first combination where that was not exactly one (undefined if none). */
  firstConflict: number | undefined;
  /** The part's missing facts whose value changes which alternatives fire (all of them when not explored). */
  dependsOn: readonly string[];
}

function partOutcome(part: Part, tally: Tally, dependsOn: readonly string[]): PartOutcome {
  const possible = part.alternatives.filter((_, i) => tally.fired[i]);
  const sameAlternative = tally.single && possible.length === 1;
  const decided = tally.single && tally.outcomes.size === 1 && (part.kind !== 'component' || sameAlternative);
  // Every key present, so that every outcome has one shape: they are read for every part of every patient.
  return { possible, possiblePoints: pointsOf(possible), sameAlternative, decided, firstConflict: tally.firstConflict, dependsOn };
}

/** Remembered explorations per rule set; cleared when full, so memory stays flat over any cohort. */
const MAX_REMEMBERED = 4096;
const remembered = new WeakMap<LoadedRuleSet, ExplorationMemo<Exploration>>();
function explorations(ruleset: LoadedRuleSet): ExplorationMemo<Exploration> {
  let memo = remembered.get(ruleset);
  if (!memo) remembered.set(ruleset, (memo = new ExplorationMemo(MAX_REMEMBERED)));
  return memo;
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

function conflictWarnings(context: RuleContext, { firstConflict }: PartOutcome): readonly EvaluationWarning[] {
  if (firstConflict === undefined) return NO_WARNINGS;
  const what = firstConflict === 0 ? 'no alternative' : 'several alternatives';
  return [partWarning(context, firstConflict === 0 ? 'COMPONENT_NO_MATCH' : 'COMPONENT_MULTIPLE_MATCH', `${context.part.id}: for some values of the missing inputs ${what} would match`)];
}
