import type { Scalar } from '../ruleset/types.js';

/** Beyond this many combinations of missing values a component is treated as entirely open. */
export const MAX_SCENARIOS = 4096;

/** How many assignments the cartesian product of the domains has. */
export function scenarioCount(domains: ReadonlyMap<string, readonly Scalar[]>): number {
  let count = 1;
  for (const values of domains.values()) count *= values.length;
  return count;
}

/**
 * Every assignment of values to the given facts (the cartesian product of their domains), or
 * undefined when there would be more than `limit`.
 */
export function scenarios(domains: ReadonlyMap<string, readonly Scalar[]>, limit = MAX_SCENARIOS): Array<Record<string, Scalar>> | undefined {
  if (scenarioCount(domains) > limit) return undefined;
  return Array.from(eachScenario(domains), (assignment) => ({ ...assignment }));
}

/**
 * The assignments of `scenarios`, in the same order (the last fact varying fastest), as one object
 * changed in place: the exploration of missing values reads each before asking for the next, and
 * thousands of fresh objects per patient were a good part of the engine's garbage.
 */
export function* eachScenario(domains: ReadonlyMap<string, readonly Scalar[]>): Generator<Record<string, Scalar>> {
  const assignment = firstScenario(domains);
  if (!assignment) return;
  const entries = [...domains];
  const indices = entries.map(() => 0);
  for (;;) {
    yield assignment;
    let i = entries.length - 1;
    for (; i >= 0; i--) {
      const [fact, values] = entries[i] as [string, readonly Scalar[]];
      const next = (indices[i] as number) + 1;
      if (next < values.length) {
        indices[i] = next;
        assignment[fact] = values[next] as Scalar;
        break;
      }
      indices[i] = 0;
      assignment[fact] = values[0] as Scalar;
    }
    if (i < 0) return;
  }
}

/**
 * The first assignment of `eachScenario` (every fact at its first value), or undefined when some fact
 * has no value to take; a trace shows the conditions under it, without starting an enumeration.
 */
export function firstScenario(domains: ReadonlyMap<string, readonly Scalar[]>): Record<string, Scalar> | undefined {
  const assignment: Record<string, Scalar> = {};
  for (const [fact, values] of domains) {
    if (values.length === 0) return undefined;
    assignment[fact] = values[0] as Scalar;
  }
  return assignment;
}
