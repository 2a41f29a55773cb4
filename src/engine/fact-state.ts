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

/**
 * The facts of one evaluation, with the values of the present ones kept as one record as they are set:
 * rules read that record directly, so it is not rebuilt for every group of rules.
 */
export class FactStates {
  readonly #states = new Map<string, FactState>();
  /** The present facts' values, as rules read them. */
  readonly values: Record<string, Scalar> = {};

  get(name: string): FactState | undefined {
    return this.#states.get(name);
  }

  set(name: string, state: FactState): this {
    this.#states.set(name, state);
    if (state.present) this.values[name] = state.value;
    else if (name in this.values) delete this.values[name];
    return this;
  }
}
