import type { LoadedRuleSet, Scalar } from '../ruleset/types.js';

/** A fact during one evaluation: known, or missing with the inputs that would decide it. */
export type FactState =
  | { present: true; value: Scalar }
  | {
      present: false;
      /** Names of the inputs (or unmapped derived facts) whose absence made this fact unknown. */
      because: string[];
      /** Values the fact could still take; undefined means the rule set's representatives. */
      domain?: readonly Scalar[];
    };

/**
 * The facts of one evaluation, with the values of the present ones kept as one record as they are set:
 * rules read that record directly, so it is not rebuilt for every group of rules. The record starts
 * with every fact of the rule set as a key, undefined until known, so every evaluation of a rule set
 * gives it the same shape (property stores then stay fast); undefined means missing, as for rules.
 */
export class FactStates {
  readonly #states = new Map<string, FactState>();
  /** The present facts' values, as rules read them; a missing fact is undefined. */
  readonly values: Record<string, Scalar>;

  constructor(ruleset: Pick<LoadedRuleSet, 'facts'>) {
    let template = templates.get(ruleset.facts);
    if (!template) templates.set(ruleset.facts, (template = Object.fromEntries([...ruleset.facts.keys()].map((name) => [name, undefined]))));
    // Typed as the record rules read: an undefined entry reads like an absent one.
    this.values = { ...template } as unknown as Record<string, Scalar>;
  }

  get(name: string): FactState | undefined {
    return this.#states.get(name);
  }

  set(name: string, state: FactState): this {
    this.#states.set(name, state);
    (this.values as Record<string, Scalar | undefined>)[name] = state.present ? state.value : undefined;
    return this;
  }
}
const templates = new WeakMap<object, Record<string, undefined>>();
