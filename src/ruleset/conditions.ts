import type { Condition, LeafCondition } from './types.js';

export type ConditionPath = Array<string | number>;

/**
 * Visits every fact test in a condition tree, with its path relative to the condition's root. A condition
 * that is no mapping (`when: 7`, or none) has none: the name checks read documents the schema rejected.
 */
export function forEachLeaf(condition: Condition, visit: (leaf: LeafCondition, path: ConditionPath) => void, path: ConditionPath = []): void {
  if (typeof condition !== 'object' || condition === null) return;
  if ('all' in condition) condition.all.forEach((c, i) => forEachLeaf(c, visit, [...path, 'all', i]));
  else if ('any' in condition) condition.any.forEach((c, i) => forEachLeaf(c, visit, [...path, 'any', i]));
  else if ('not' in condition) forEachLeaf(condition.not, visit, [...path, 'not']);
  else visit(condition, path);
}

export function factsOf(condition: Condition): Set<string> {
  const facts = new Set<string>();
  forEachLeaf(condition, (leaf) => facts.add(leaf.fact));
  return facts;
}

/** json-rules-engine wants all/any/not at the root; a single fact test is wrapped for it. */
export function asRootCondition(condition: Condition): Condition {
  return 'all' in condition || 'any' in condition || 'not' in condition ? condition : { all: [condition] };
}
