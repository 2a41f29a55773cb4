import type { EvaluatedNode } from './run-rules.js';
import type { ConditionTrace } from './types.js';

/**
 * Flattens an evaluated condition tree into its fact tests, each with its place in the tree, so an
 * auditor can re-decide the rule from the trace and the rule set. Tests on `missingFacts` are shown
 * undecided rather than with whatever value a scenario assumed.
 */
export function traceConditions(node: EvaluatedNode, missingFacts: ReadonlySet<string> = new Set(), at = ''): ConditionTrace[] {
  const join = (part: string): string => (at ? `${at}/${part}` : part);
  if (node.all) return node.all.flatMap((child, i) => traceConditions(child, missingFacts, join(`all/${i}`)));
  if (node.any) return node.any.flatMap((child, i) => traceConditions(child, missingFacts, join(`any/${i}`)));
  if (node.not) return traceConditions(node.not, missingFacts, join('not'));
  const fact = String(node.fact);
  const missing = missingFacts.has(fact);
  return [
    {
      at,
      fact,
      ...(node.path !== undefined ? { path: node.path } : {}),
      operator: String(node.operator),
      value: node.value,
      factResult: missing ? null : (node.factResult ?? null),
      result: missing ? null : (node.result ?? null),
    },
  ];
}
