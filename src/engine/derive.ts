import type { LoadedRuleSet, Scalar, TableRow } from '../ruleset/types.js';
import type { FactState, FactStates } from './fact-state.js';
import { lesionField } from './lesion-field.js';
import type { LookupGap } from './lookup-gaps.js';
import { sortedEntries } from './read-inputs.js';
import type { EvaluationWarning, LookupTrace } from './types.js';
import { unconfirmedRow } from './unconfirmed-warning.js';
import { citationOf } from '../ruleset/citation.js';

const NO_DERIVED: NonNullable<LoadedRuleSet['document']['derived']> = {};

export interface TableEntry extends Pick<TableRow, 'overridden' | 'added'> {
  /** The row's value; absent for a row that leaves the key between several (`possible`). */
  value?: string;
  possible?: readonly string[];
  reference: string;
  note?: string;
  unconfirmed?: string;
}

/**
 * The row of `table` for `key`, with the reference that vouches for it (its own, else the table's).
 * Every patient and every combination of missing values asks, so each table's entries are built once
 * (shared and read-only).
 */
export function tableEntry(ruleset: LoadedRuleSet, table: string, key: Scalar): TableEntry | undefined {
  const spec = ruleset.document.tables?.[table];
  if (!spec) return undefined;
  let entries = tableEntries.get(spec);
  if (!entries) {
    entries = new Map(Object.entries(spec.rows).map(([k, row]) => [k, typeof row === 'string' ? { value: row, reference: spec.reference } : { ...row, reference: row.reference ?? spec.reference }]));
    tableEntries.set(spec, entries);
  }
  return entries.get(String(key));
}
const tableEntries = new WeakMap<object, Map<string, TableEntry>>();

/** The value of `table`'s row for `key`. */
export function tableValue(ruleset: LoadedRuleSet, table: string, key: Scalar): string | undefined {
  return tableEntry(ruleset, table, key)?.value;
}

/**
 * Adds every derived fact (a table lookup) to `facts`, with the warnings its rows carry; each lookup is
 * traced when `traced` (only the full trace keeps lookups). A key with no row and no override to fall
 * back on is added to `gaps`: the fact stays open, and no input would decide it.
 */
export function deriveFacts(ruleset: LoadedRuleSet, facts: FactStates, lesion: number | undefined, traced: boolean, gaps: LookupGap[]): { trace: LookupTrace[]; warnings: EvaluationWarning[] } {
  const trace: LookupTrace[] = [];
  const warnings: EvaluationWarning[] = [];
  for (const [name, derived] of sortedEntries(ruleset.document.derived ?? NO_DERIVED)) {
    const key = facts.get(derived.key);
    if (!traced && !derived.override && key?.present) {
      // The common case below the full level: a known key, nothing to trace, only the row's warnings.
      const entry = tableEntry(ruleset, derived.lookup, key.value);
      if (entry?.value !== undefined) facts.set(name, { present: true, value: entry.value });
      else {
        facts.set(name, openRow(name, entry));
        gaps.push(gap(ruleset, lesion, name, derived.lookup, derived.key, key.value, entry?.possible));
      }
      warnings.push(...lookupWarnings(ruleset, lesion, name, derived, key.value, entry));
      continue;
    }
    const base = (): LookupTrace => lookupBase(ruleset.document.id, lesion, name, derived.lookup);
    const cite = (id: string): string => citationOf(ruleset.document, id);
    const tableReference = cite(ruleset.document.tables?.[derived.lookup]?.reference ?? '');
    const override = derived.override ? facts.get(derived.override) : undefined;
    if (override?.present) {
      facts.set(name, { present: true, value: override.value });
      if (traced) trace.push(Object.assign(base(), { key: key?.present ? key.value : null, value: String(override.value), reference: tableReference, note: `given as ${derived.override}; the table is not used` }));
      continue;
    }
    // Either the override or a mapped key would decide it; name both.
    const deciders = (keyBecause: string[]): string[] => [...keyBecause, ...(derived.override ? [derived.override] : [])];
    if (!key?.present) {
      const keys = key?.domain ?? keyDomain(ruleset, derived.key);
      facts.set(name, { present: false, because: deciders(key ? key.because : [derived.key]), domain: imageOf(ruleset, derived.lookup, keys) });
      warnings.push(...possibleRows(ruleset, lesion, name, derived.lookup, keys));
      if (traced) trace.push(openKeyTrace(base(), ruleset, derived.lookup, key?.domain, tableReference));
      continue;
    }
    const entry = tableEntry(ruleset, derived.lookup, key.value);
    warnings.push(...lookupWarnings(ruleset, lesion, name, derived, key.value, entry));
    if (entry?.value === undefined) {
      facts.set(name, derived.override ? { present: false, because: [derived.override], ...(entry?.possible ? { domain: entry.possible } : {}) } : openRow(name, entry));
      if (!derived.override) gaps.push(gap(ruleset, lesion, name, derived.lookup, derived.key, key.value, entry?.possible));
      const note = entry?.possible ? `the table leaves ${derived.key} = ${String(key.value)} between ${entry.possible.join(' and ')}${entry.note ? ` (${entry.note})` : ''}` : `no row for ${derived.key} = ${String(key.value)}`;
      if (traced) trace.push(Object.assign(base(), { key: key.value, value: null, reference: entry ? cite(entry.reference) : tableReference, note }, entry?.possible ? { possible: entry.possible } : {}));
      continue;
    }
    facts.set(name, { present: true, value: entry.value });
    if (!traced) continue;
    const looked = Object.assign(base(), { key: key.value, value: entry.value, reference: cite(entry.reference) });
    if (entry.unconfirmed) looked.unconfirmed = entry.unconfirmed;
    if (entry.note) looked.note = entry.note;
    if (entry.overridden) looked.overridden = entry.overridden;
    if (entry.added) looked.added = entry.added;
    trace.push(looked);
  }
  return { trace, warnings };
}

/**
 * The lookup of a key not known: the values the fact may take and, when the key is narrowed to some
 * values (a lesion's level among the levels listed), the row each looks up, so that which alternatives
 * may hold can be checked from the trace alone.
 */
function openKeyTrace(entry: LookupTrace, ruleset: LoadedRuleSet, table: string, keys: readonly Scalar[] | undefined, reference: string): LookupTrace {
  Object.assign(entry, { key: null, value: null, reference, possible: imageOf(ruleset, table, keys) });
  if (keys) {
    entry.rows = keys.map((key) => {
      const row = tableEntry(ruleset, table, key);
      return row?.possible ? { key, value: null, possible: row.possible } : { key, value: row?.value ?? null };
    });
  }
  return entry;
}

function gap(ruleset: LoadedRuleSet, lesion: number | undefined, fact: string, table: string, key: string, value: Scalar, possible?: readonly string[]): LookupGap {
  return { ruleset: ruleset.document.id, ...lesionField(lesion), fact, table, key, value, ...(possible ? { possible } : {}) };
}

/** A fact whose key has no row (open over every value of the table), or a row that leaves it between some. */
function openRow(fact: string, entry: TableEntry | undefined): FactState {
  return entry?.possible ? { present: false, because: [fact], domain: entry.possible } : { present: false, because: [fact] };
}

/** The head of a lookup's entry (kind, ruleset, lesion, fact, table), the rest assigned after it in order. */
function lookupBase(ruleset: string, lesion: number | undefined, fact: string, table: string): LookupTrace {
  const entry = { kind: 'lookup', ruleset } as LookupTrace;
  if (lesion !== undefined) entry.lesion = lesion;
  entry.fact = fact;
  entry.table = table;
  return entry;
}

/** A row marked unconfirmed (it applies), or a key with no row (the fact stays undetermined). */
function lookupWarnings(ruleset: LoadedRuleSet, lesion: number | undefined, fact: string, derived: { lookup: string; key: string }, value: Scalar, entry: TableEntry | undefined): EvaluationWarning[] {
  const table = derived.lookup;
  if (!entry) return [{ code: 'TABLE_NO_ENTRY', ruleset: ruleset.document.id, ...lesionField(lesion), message: `table ${table} has no row for ${String(value)}; ${fact} is undetermined`, fact, table, key: derived.key, value }];
  if (entry.possible) {
    const message = `table ${table} leaves ${String(value)} between ${entry.possible.join(' and ')}${entry.note ? ` (${entry.note})` : ''}; ${fact} is undetermined`;
    return [{ code: 'TABLE_NO_ENTRY', ruleset: ruleset.document.id, ...lesionField(lesion), message, fact, table, key: derived.key, value, possible: entry.possible }];
  }
  return entry.unconfirmed !== undefined ? [unconfirmedRow(ruleset, lesion, table, value, fact, entry, entry.unconfirmed, 'applies')] : [];
}

/** With the key missing: each row marked unconfirmed among those its possible values (every key, when not known) may look up. */
function possibleRows(ruleset: LoadedRuleSet, lesion: number | undefined, fact: string, table: string, keys: readonly Scalar[] | undefined): EvaluationWarning[] {
  const warnings: EvaluationWarning[] = [];
  for (const key of keys ?? Object.keys(ruleset.document.tables?.[table]?.rows ?? {})) {
    const entry = tableEntry(ruleset, table, key);
    if (entry?.unconfirmed !== undefined) warnings.push(unconfirmedRow(ruleset, lesion, table, key, fact, entry, entry.unconfirmed, 'possible'));
  }
  return warnings;
}

function keyDomain(ruleset: LoadedRuleSet, key: string): Scalar[] | undefined {
  return ruleset.facts.get(key)?.representatives;
}

/**
 * The values a lookup can produce when its key is unknown: the rows reachable from the key's possible
 * values, or every value of the table when some possible key has no row.
 */
export function imageOf(ruleset: LoadedRuleSet, table: string, keys: readonly Scalar[] | undefined): string[] {
  const all = ruleset.document.tables?.[table]?.values ?? [];
  if (!keys) return [...all];
  const image = new Set<string>();
  for (const k of keys) {
    const entry = tableEntry(ruleset, table, k);
    if (!entry) return [...all];
    for (const value of entry.possible ?? [entry.value as string]) image.add(value);
  }
  return [...image];
}
