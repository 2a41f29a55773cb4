import { asRootCondition, forEachLeaf } from '../ruleset/conditions.js';
import type { Condition, LeafCondition, Scalar } from '../ruleset/types.js';
import type { ConditionTrace } from './types.js';
import type { EvaluatedNode, RuleOutcome, RuleToRun } from './run-rules.js';

/**
 * A synchronous evaluator of the json-rules-engine condition format, built once per condition from
 * closures (no eval of rule-file text). It reproduces json-rules-engine 7's semantics for the plain
 * operators — a fact validator before numeric comparisons, every child of all/any evaluated, `not`
 * negating. The engine runs each condition's `test` and builds the trace with its `conditionTracer`;
 * `compileRules` leaves json-rules-engine's result objects (factResult, result) for callers of
 * `ruleRunner` that want them. json-rules-engine stays the reference: test/compiled-evaluator.test.ts
 * and bench/differential.ts compare whole evaluations. A construct it does not implement (a `path`, a
 * decorated operator) makes it return undefined, so the caller falls back to json-rules-engine.
 */
export function compileRules(rules: readonly RuleToRun[]): ((facts: Record<string, Scalar>) => Map<string, RuleOutcome>) | undefined {
  const compiled: Array<{ name: string; evaluate: Evaluate }> = [];
  for (const rule of rules) {
    const condition = compiledCondition(rule.when);
    if (!condition) return undefined;
    compiled.push({ name: rule.name, evaluate: condition.evaluate });
  }
  return (facts) => {
    const outcomes = new Map<string, RuleOutcome>();
    for (const { name, evaluate } of compiled) {
      const conditions = evaluate(facts);
      outcomes.set(name, { fired: conditions.result === true, conditions });
    }
    return outcomes;
  };
}

/** Whether the compiled evaluator implements every construct of this condition. */
export function isCompilable(when: Condition): boolean {
  return compiledCondition(when) !== undefined;
}

/**
 * The condition trace of one rule, built straight from the facts: every fact test in the rule as written
 * (a lone test at `''`, not under the `all` it runs in), with the fact's value and the test's result, or
 * null for both when the fact is in `missing`. Equal to traceConditions of json-rules-engine's result
 * objects, without building them. Undefined when the condition is left to json-rules-engine.
 */
export type ConditionTracer = (facts: Readonly<Record<string, Scalar>>, missing?: ReadonlySet<string>) => ConditionTrace[];

export function conditionTracer(when: Condition): ConditionTracer | undefined {
  let tracer = tracers.get(when);
  if (tracer === undefined) {
    tracer = compileTracer(when) ?? null;
    tracers.set(when, tracer);
  }
  return tracer ?? undefined;
}
const tracers = new WeakMap<Condition, ConditionTracer | null>();

function compileTracer(when: Condition): ConditionTracer | undefined {
  const leaves: Array<{ at: string; fact: string; operator: string; value: LeafCondition['value']; test: Test }> = [];
  let compilable = true;
  forEachLeaf(when, (leaf, path) => {
    const test = compileCondition(leaf)?.test;
    if (test) leaves.push({ at: path.join('/'), fact: leaf.fact, operator: leaf.operator, value: leaf.value, test });
    else compilable = false;
  });
  if (!compilable) return undefined;
  return (facts, missing) => leaves.map(({ at, fact, operator, value, test }) => missing?.has(fact)
    ? { at, fact, operator, value, factResult: null, result: null }
    : { at, fact, operator, value, factResult: facts[fact] ?? null, result: test(facts) });
}

type Evaluate = (facts: Readonly<Record<string, Scalar>>) => EvaluatedNode;
export type Test = (facts: Readonly<Record<string, Scalar>>) => boolean;
interface Compiled {
  evaluate: Evaluate;
  test: Test;
}

/** Compiled conditions by condition object; null marks one left to json-rules-engine. */
const cache = new WeakMap<Condition, Compiled | null>();

/** A rule set's condition objects live as long as the rule set: each is compiled once, not per patient. */
export function compiledCondition(when: Condition): Compiled | undefined {
  let compiled = cache.get(when);
  if (compiled === undefined) {
    compiled = compileCondition(asRootCondition(when)) ?? null;
    cache.set(when, compiled);
  }
  return compiled ?? undefined;
}

// json-rules-engine's own test is parseFloat(v).toString() !== 'NaN'; for a number that is !isNaN(v).
const isNumber = (v: unknown): boolean => (typeof v === 'number' ? !Number.isNaN(v) : !Number.isNaN(Number.parseFloat(v as string)));

/** json-rules-engine's default operators: [test, fact-value validator]. */
const OPERATORS: Record<string, [(a: unknown, b: unknown) => boolean, (a: unknown) => boolean]> = {
  equal: [(a, b) => a === b, () => true],
  notEqual: [(a, b) => a !== b, () => true],
  in: [(a, b) => (b as unknown[]).indexOf(a) > -1, () => true],
  notIn: [(a, b) => (b as unknown[]).indexOf(a) === -1, () => true],
  contains: [(a, b) => (a as unknown[]).indexOf(b) > -1, Array.isArray],
  doesNotContain: [(a, b) => (a as unknown[]).indexOf(b) === -1, Array.isArray],
  lessThan: [(a, b) => (a as number) < (b as number), isNumber],
  lessThanInclusive: [(a, b) => (a as number) <= (b as number), isNumber],
  greaterThan: [(a, b) => (a as number) > (b as number), isNumber],
  greaterThanInclusive: [(a, b) => (a as number) >= (b as number), isNumber],
};

function compileCondition(condition: Condition): Compiled | undefined {
  if ('all' in condition || 'any' in condition) {
    const kind = 'all' in condition ? 'all' : 'any';
    const children = ('all' in condition ? condition.all : condition.any).map(compileCondition);
    if (children.some((c) => !c)) return undefined;
    const evaluators = (children as Compiled[]).map((c) => c.evaluate);
    const tests = (children as Compiled[]).map((c) => c.test);
    return {
      evaluate: (facts) => {
        const evaluated = evaluators.map((e) => e(facts));
        const result = kind === 'all' ? evaluated.every((n) => n.result === true) : evaluated.some((n) => n.result === true);
        return { [kind]: evaluated, result };
      },
      test: kind === 'all' ? (facts) => tests.every((t) => t(facts)) : (facts) => tests.some((t) => t(facts)),
    };
  }
  if ('not' in condition) {
    const child = compileCondition(condition.not);
    if (!child) return undefined;
    return {
      evaluate: (facts) => {
        const evaluated = child.evaluate(facts);
        return { not: evaluated, result: evaluated.result !== true };
      },
      test: (facts) => !child.test(facts),
    };
  }
  const operator = OPERATORS[condition.operator];
  if (!operator || condition.path !== undefined) return undefined;
  const [compare, validate] = operator;
  const { fact, value } = condition;
  const factOf = (facts: Record<string, Scalar>): Scalar => {
    const factResult = facts[fact];
    // json-rules-engine with allowUndefinedFacts off rejects the run; callers pass only complete facts.
    if (factResult === undefined) throw new Error(`Undefined fact: ${fact}`);
    return factResult;
  };
  return {
    evaluate: (facts) => {
      const factResult = factOf(facts);
      return { fact, operator: condition.operator, value, factResult, result: validate(factResult) && compare(factResult, value) };
    },
    test: (facts) => {
      const factResult = factOf(facts);
      return validate(factResult) && compare(factResult, value);
    },
  };
}
