import type { Part } from '../ruleset/parts.js';
import type { Scalar } from '../ruleset/types.js';
import { compiledCondition, conditionTracer, type ConditionTracer, type Test } from './compiled-rules.js';
import { conditionsOf, ruleName } from './rule-trace.js';
import { runRules, type Evaluator, type RuleOutcome, type RuleToRun } from './run-rules.js';
import type { ConditionTrace } from './types.js';

/** One run of a part's alternatives on one set of facts: which fired and, when traced, each one's conditions. */
export interface PartRun {
  /** Per alternative, in order. */
  fired: boolean[];
  /** The condition trace of one alternative on the facts of the run; facts in `missing` shown undecided. */
  conditions(alternative: number, missing?: ReadonlySet<string>): ConditionTrace[];
}

/**
 * Runs the alternatives of several parts on one set of facts (every fact they test present). With the
 * compiled evaluator a part runs synchronously through its compiled tests, and its condition trace is
 * built only when asked for; a part the compiled evaluator cannot run, or every part under
 * `json-rules-engine`, runs on json-rules-engine (one engine run for all of them), and only then is
 * the answer a promise.
 */
export function runParts(parts: readonly Part[], facts: Readonly<Record<string, Scalar>>, evaluator: Evaluator): PartRun[] | Promise<PartRun[]> {
  const compiled = parts.map((part) => (evaluator === 'compiled' ? compiledPart(part) : undefined));
  if (compiled.every((c) => c)) return (compiled as CompiledPart[]).map((c) => compiledRun(c, facts));
  const reference = parts.filter((_, i) => !compiled[i]);
  return runRules(rulesOf(reference), { ...facts }, 'json-rules-engine').then((outcomes) => parts.map((part, i): PartRun => {
    const c = compiled[i];
    if (c) return compiledRun(c, facts);
    const outcomeOf = (a: number): RuleOutcome | undefined => {
      const alternative = part.alternatives[a];
      return alternative ? outcomes.get(ruleName(part, alternative)) : undefined;
    };
    return {
      fired: part.alternatives.map((_, a) => outcomeOf(a)?.fired === true),
      conditions: (a, missing) => (part.alternatives[a] ? conditionsOf(part.alternatives[a], outcomeOf(a)?.conditions, missing) : []),
    };
  }));
}

function compiledRun(c: CompiledPart, facts: Readonly<Record<string, Scalar>>): PartRun {
  const fired = new Array<boolean>(c.tests.length);
  for (let i = 0; i < fired.length; i++) fired[i] = (c.tests[i] as Test)(facts);
  return { fired, conditions: (a, missing) => (c.tracers[a] as ConditionTracer)(facts, missing) };
}

/** Every alternative of these parts as a rule to run, in order. */
export function rulesOf(parts: readonly Part[]): RuleToRun[] {
  return parts.flatMap((p) => p.alternatives.map((a) => ({ name: ruleName(p, a), when: a.when })));
}

/**
 * The compiled tests of every alternative of these parts, in order, when the compiled evaluator runs
 * them all: the exploration of missing values runs them once per combination and keeps only which fired.
 */
export function compiledTests(parts: readonly Part[], evaluator: Evaluator): Test[] | undefined {
  if (evaluator !== 'compiled') return undefined;
  // Most groups are one part: its own (read-only) list, not a copy.
  if (parts.length === 1) return compiledPart(parts[0] as Part)?.tests;
  const tests: Test[] = [];
  for (const part of parts) {
    const compiled = compiledPart(part);
    if (!compiled) return undefined;
    tests.push(...compiled.tests);
  }
  return tests;
}

interface CompiledPart {
  tests: Test[];
  tracers: ConditionTracer[];
}

/** A part's compiled tests and tracers, built once per part (a part lives as long as its rule set). */
function compiledPart(part: Part): CompiledPart | undefined {
  let compiled = compiledParts.get(part);
  if (compiled === undefined) {
    const tests = part.alternatives.map((a) => compiledCondition(a.when)?.test);
    const tracers = part.alternatives.map((a) => conditionTracer(a.when));
    compiled = tests.every((t) => t) && tracers.every((t) => t) ? { tests: tests as Test[], tracers: tracers as ConditionTracer[] } : null;
    compiledParts.set(part, compiled);
  }
  return compiled ?? undefined;
}
const compiledParts = new WeakMap<Part, CompiledPart | null>();
