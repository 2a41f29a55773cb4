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

/** Receives one unknown and its candidates. */
export type VisitUnknown = (name: string, candidates: readonly Scalar[]) => void;

/**
 * The unknowns one missing fact brings, in order: its derived key and, when some candidate key has no
 * row, the fact itself with the table's values; otherwise the fact with its own candidates. The one
 * place this is decided: the variables enumerated and the key they are remembered under both come from it.
 * Returns the derived key when the fact is looked up through it.
 */
export function eachUnknown(ruleset: LoadedRuleSet, facts: FactStates, fact: string, visit: VisitUnknown): string | undefined {
  const derived = ruleset.document.derived?.[fact];
  const keyState = derived ? facts.get(derived.key) : undefined;
  if (derived && keyState && !keyState.present) {
    const keys = candidatesOf(ruleset, facts, derived.key);
    visit(derived.key, keys);
    if (keys.some((k) => tableValue(ruleset, derived.lookup, k) === undefined)) visit(fact, tableValues(ruleset, derived.lookup));
    return derived.key;
  }
  // A looked-up fact open over a row's `possible` values, or over the whole table when its key has no row.
  const state = facts.get(fact);
  visit(fact, derived ? ((state && !state.present ? state.domain : undefined) ?? tableValues(ruleset, derived.lookup)) : candidatesOf(ruleset, facts, fact));
  return undefined;
}

/** A missing fact's possible values: those its state narrowed it to, else the rule set's representatives. */
function candidatesOf(ruleset: LoadedRuleSet, facts: FactStates, fact: string): readonly Scalar[] {
  const state = facts.get(fact);
  return (state && !state.present ? state.domain : undefined) ?? ruleset.facts.get(fact)?.representatives ?? NONE;
}

function tableValues(ruleset: LoadedRuleSet, table: string): readonly string[] {
  return ruleset.document.tables?.[table]?.values ?? NONE;
}

export function missingValues(ruleset: LoadedRuleSet, facts: FactStates, missing: readonly string[]): MissingValues {
  const variables = new Map<string, readonly Scalar[]>();
  const visit: VisitUnknown = (name, candidates) => variables.set(name, candidates);
  // Only a derived fact with a missing key is looked up through it (most calls have none).
  let keyed: Map<string, string> | undefined;
  for (const fact of missing) {
    const key = eachUnknown(ruleset, facts, fact, visit);
    if (key !== undefined) (keyed ??= new Map()).set(fact, key);
  }
  // Per combination: set each missing fact from its own variable or through its key's table row. Built
  // on first use: the variables alone say how many combinations there are.
  let resolvers: Array<{ fact: string; via: { key: string; table: string } | undefined }> | undefined;
  return {
    variables,
    resolveInto(assignment, facts) {
      resolvers ??= missing.map((fact) => {
        const key = keyed?.get(fact);
        const table = ruleset.document.derived?.[fact]?.lookup;
        return { fact, via: key !== undefined && table !== undefined ? { key, table } : undefined };
      });
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
