import { createRequire } from 'node:module';
import type { Engine as EngineType, RuleProperties, TopLevelCondition } from 'json-rules-engine';
import { asRootCondition } from '../ruleset/conditions.js';
import { compileRules } from './compiled-rules.js';
import type { Condition, Scalar } from '../ruleset/types.js';

export interface RuleToRun {
  name: string;
  when: Condition;
}

/** A condition node as json-rules-engine leaves it after evaluation (its raw result objects). */
export interface EvaluatedNode {
  all?: EvaluatedNode[];
  any?: EvaluatedNode[];
  not?: EvaluatedNode;
  fact?: string;
  path?: string;
  operator?: string;
  value?: unknown;
  factResult?: unknown;
  result?: boolean;
}

export interface RuleOutcome {
  fired: boolean;
  conditions: EvaluatedNode;
}

/**
 * Evaluates rules with json-rules-engine, the reference semantics of the condition format.
 * - A fresh Engine per run: concurrent runs on one Engine skip rules silently (upstream issue #303).
 * - allowUndefinedFacts stays false: with it, notEqual/notIn/not pass on an absent fact and would lower
 *   a score. Callers pass only rules whose facts are all present.
 * - The trace is read from the raw result objects, because RuleResult.toJSON() drops the results of
 *   all/any/not nodes.
 */
export async function runRules(rules: readonly RuleToRun[], facts: Record<string, Scalar>, evaluator: Evaluator = DEFAULT_EVALUATOR): Promise<Map<string, RuleOutcome>> {
  return ruleRunner(rules, evaluator)(facts);
}

/**
 * `compiled` (the default) runs conditions through compiled closures with json-rules-engine's semantics,
 * falling back to json-rules-engine for anything they do not implement; `json-rules-engine` always uses
 * the reference. SPINEMETS_EVALUATOR=json-rules-engine selects the reference for a whole process.
 */
export type Evaluator = 'compiled' | 'json-rules-engine';
export const DEFAULT_EVALUATOR: Evaluator = process.env.SPINEMETS_EVALUATOR === 'json-rules-engine' ? 'json-rules-engine' : 'compiled';

/**
 * One Engine for many runs of the same rules, one after another (each awaited before the next): the
 * exploration of missing values runs the same rules once per combination. The runner must not be shared
 * between evaluations that may run concurrently.
 */
export function ruleRunner(rules: readonly RuleToRun[], evaluator: Evaluator = DEFAULT_EVALUATOR): (facts: Record<string, Scalar>) => Promise<Map<string, RuleOutcome>> {
  const compiled = evaluator === 'compiled' ? compileRules(rules) : undefined;
  if (compiled) return async (facts) => compiled(facts);
  const engine = rules.length ? new (jsonRulesEngine().Engine)(rules.map(toEngineRule), { allowUndefinedFacts: false }) : undefined;
  let running = false;
  return async (facts) => {
    const outcomes = new Map<string, RuleOutcome>();
    if (!engine) return outcomes;
    if (running) throw new Error('a rule runner is used by two runs at once'); // would hit upstream issue #303
    running = true;
    try {
      const run = await engine.run({ ...facts });
      for (const result of [...run.results, ...run.failureResults]) {
        outcomes.set(result.name, { fired: result.result === true, conditions: result.conditions as unknown as EvaluatedNode });
      }
    } finally {
      running = false;
    }
    return outcomes;
  };
}

function toEngineRule(rule: RuleToRun): RuleProperties {
  return {
    name: rule.name,
    // The library's condition types are narrower than its runtime; our Condition is its JSON form.
    conditions: asRootCondition(rule.when) as unknown as TopLevelCondition,
    event: { type: rule.name },
  };
}

/** The operators json-rules-engine knows, including decorated forms such as `everyFact:equal`. */
export function isKnownOperator(name: string): boolean {
  operatorProbe ??= new (jsonRulesEngine().Engine)([], {});
  // OperatorMap.get resolves decorators; it is not in the published types.
  const operators = (operatorProbe as unknown as { operators: { get(n: string): unknown } }).operators;
  try {
    return operators.get(name) !== undefined && operators.get(name) !== null;
  } catch {
    return false;
  }
}
let operatorProbe: EngineType | undefined;

/**
 * json-rules-engine, loaded on first use: with compiled conditions and rule sets checked at build
 * time, a command never needs it, and loading it was a noticeable part of start-up. (It is CommonJS,
 * so it loads synchronously, where the operator check needs it.)
 */
function jsonRulesEngine(): typeof import('json-rules-engine') {
  return createRequire(import.meta.url)('json-rules-engine') as typeof import('json-rules-engine');
}
