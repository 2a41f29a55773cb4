import { asRootCondition } from '../ruleset/conditions.js';
import type { Condition, Scalar } from '../ruleset/types.js';
import type { EvaluatedNode, RuleOutcome, RuleToRun } from './run-rules.js';

/**
 * A synchronous evaluator of the json-rules-engine condition format, built once per rule list from
 * closures (no eval of rule-file text). It reproduces json-rules-engine 7's semantics for the plain
 * operators — a fact validator before numeric comparisons, every child of all/any evaluated, `not`
 * negating — and leaves the same result objects (factResult, result) that the trace is built from.
 * json-rules-engine stays the reference: test/compiled-evaluator.test.ts compares whole evaluations.
 * Returns undefined for a construct it does not implement (a `path`, a decorated operator), so the
 * caller falls back to json-rules-engine.
 */
export function compileRules(rules: readonly RuleToRun[]): ((facts: Record<string, Scalar>) => Map<string, RuleOutcome>) | undefined {
  const compiled: Array<{ name: string; evaluate: Evaluate }> = [];
  for (const rule of rules) {
    // A rule set's condition objects live as long as the rule set: compile each once, not per patient.
    let evaluate = cache.get(rule.when);
    if (evaluate === undefined) {
      evaluate = compileCondition(asRootCondition(rule.when)) ?? null;
      cache.set(rule.when, evaluate);
    }
    if (!evaluate) return undefined;
    compiled.push({ name: rule.name, evaluate });
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

type Evaluate = (facts: Record<string, Scalar>) => EvaluatedNode;

/** Compiled conditions by condition object; null marks one left to json-rules-engine. */
const cache = new WeakMap<Condition, Evaluate | null>();

const isNumber = (v: unknown): boolean => Number.parseFloat(v as string).toString() !== 'NaN';

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

function compileCondition(condition: Condition): Evaluate | undefined {
  if ('all' in condition || 'any' in condition) {
    const kind = 'all' in condition ? 'all' : 'any';
    const children = ('all' in condition ? condition.all : condition.any).map(compileCondition);
    if (children.some((c) => !c)) return undefined;
    const evaluators = children as Evaluate[];
    return (facts) => {
      const evaluated = evaluators.map((e) => e(facts));
      const result = kind === 'all' ? evaluated.every((n) => n.result === true) : evaluated.some((n) => n.result === true);
      return { [kind]: evaluated, result };
    };
  }
  if ('not' in condition) {
    const child = compileCondition(condition.not);
    if (!child) return undefined;
    return (facts) => {
      const evaluated = child(facts);
      return { not: evaluated, result: evaluated.result !== true };
    };
  }
  const operator = OPERATORS[condition.operator];
  if (!operator || condition.path !== undefined) return undefined;
  const [test, validate] = operator;
  const { fact, value } = condition;
  return (facts) => {
    const factResult = facts[fact];
    // json-rules-engine with allowUndefinedFacts off rejects the run; callers pass only complete facts.
    if (factResult === undefined) throw new Error(`Undefined fact: ${fact}`);
    return { fact, operator: condition.operator, value, factResult, result: validate(factResult) && test(factResult, value) };
  };
}
