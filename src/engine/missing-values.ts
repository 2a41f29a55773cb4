import type { LoadedRuleSet, Scalar } from '../ruleset/types.js';
import { tableValue } from './derive.js';
import type { FactStates } from './fact-state.js';

/**
 * The unknowns behind a set of missing facts, as variables to enumerate. A derived fact whose key is
 * missing is represented by its key (so two lookups of one level stay consistent), plus a variable of
 * its own for the keys that have no row; a fact without a usable key is its own variable.
 */
export interface MissingValues {
  /** Each unknown's candidates; shared, read-only arrays when they are the rule set's own lists. */
  variables: Map<string, readonly Scalar[]>;
  /** Sets the missing facts in `facts` to their values under one assignment of the variables. */
  resolveInto(assignment: Readonly<Record<string, Scalar>>, facts: Record<string, Scalar>): void;
}

const NONE: readonly never[] = [];

export function missingValues(ruleset: LoadedRuleSet, facts: FactStates, missing: readonly string[]): MissingValues {
  const variables = new Map<string, readonly Scalar[]>();
  const domainOf = (fact: string): readonly Scalar[] => {
    const state = facts.get(fact);
    return (state && !state.present ? state.domain : undefined) ?? ruleset.facts.get(fact)?.representatives ?? NONE;
  };
  const tableValues = (table: string): readonly string[] => ruleset.document.tables?.[table]?.values ?? NONE;
  const keyed = new Map<string, { key: string; table: string }>();
  for (const fact of missing) {
    const derived = ruleset.document.derived?.[fact];
    const keyState = derived ? facts.get(derived.key) : undefined;
    if (derived && keyState && !keyState.present) {
      const keys = domainOf(derived.key);
      variables.set(derived.key, keys);
      keyed.set(fact, { key: derived.key, table: derived.lookup });
      if (keys.some((k) => tableValue(ruleset, derived.lookup, k) === undefined)) variables.set(fact, tableValues(derived.lookup));
    } else {
      variables.set(fact, derived ? tableValues(derived.lookup) : domainOf(fact));
    }
  }
  // Per combination: set each missing fact from its own variable or through its key's table row. Built
  // on first use: a remembered exploration needs only the variables, for its key.
  let resolvers: Array<{ fact: string; via: { key: string; table: string } | undefined }> | undefined;
  return {
    variables,
    resolveInto(assignment, facts) {
      resolvers ??= missing.map((fact) => ({ fact, via: keyed.get(fact) }));
      for (const { fact, via } of resolvers) {
        const key = via ? assignment[via.key] : undefined;
        const looked = via && key !== undefined ? tableValue(ruleset, via.table, key) : undefined;
        const value = looked ?? assignment[fact];
        if (value !== undefined) facts[fact] = value;
        else delete facts[fact];
      }
    },
  };
}
