import type { Scalar } from '../ruleset/types.js';

/** A fact during one evaluation: known, or missing with the inputs that would decide it. */
export type FactState =
  | { present: true; value: Scalar }
  | {
      present: false;
      /** Names of the inputs (or unmapped derived facts) whose absence made this fact unknown. */
      because: string[];
      /** Values the fact could still take; undefined means the rule set's representatives. */
      domain?: Scalar[];
    };

export type FactStates = Map<string, FactState>;

export function presentValues(states: FactStates): Record<string, Scalar> {
  const values: Record<string, Scalar> = {};
  for (const [name, state] of states) if (state.present) values[name] = state.value;
  return values;
}
