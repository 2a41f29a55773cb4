import type { Scalar } from '../ruleset/types.js';

/** Beyond this many combinations of missing values a component is treated as entirely open. */
export const MAX_SCENARIOS = 4096;

/**
 * Every assignment of values to the given facts (the cartesian product of their domains), or
 * undefined when there would be more than `limit`.
 */
export function scenarios(domains: ReadonlyMap<string, readonly Scalar[]>, limit = MAX_SCENARIOS): Array<Record<string, Scalar>> | undefined {
  let count = 1;
  for (const values of domains.values()) count *= values.length;
  if (count > limit) return undefined;
  let result: Array<Record<string, Scalar>> = [{}];
  for (const [fact, values] of domains) {
    result = result.flatMap((partial) => values.map((v) => ({ ...partial, [fact]: v })));
  }
  return result;
}
