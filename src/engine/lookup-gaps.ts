import type { Scalar } from '../ruleset/types.js';
import type { EvaluationWarning } from './types.js';

/**
 * A derived fact left undetermined because its table has no row for the key the patient gave (a
 * Bilsky grade 1c in NOMS's ESCC table). It is not an input anyone can provide: the team decides, or
 * an institution's profile adds the row. Gaps are kept per patient, so every rule set that inherits
 * the open fact (through another rule set's outputs) says so rather than asking for it.
 */
export interface LookupGap {
  /** The rule set whose table has no row. */
  ruleset: string;
  lesion?: number;
  fact: string;
  table: string;
  /** The fact keying the table, and the value it had. */
  key: string;
  value: Scalar;
  /** When the table names the value but leaves it between rows (`possible`): those. */
  possible?: readonly string[];
}

/** The gap that left `fact` open for this lesion (or for the patient), if a gap did. */
export function gapFor(gaps: readonly LookupGap[], fact: string, lesion: number | undefined): LookupGap | undefined {
  for (const gap of gaps) if (gap.fact === fact && (lesion === undefined || gap.lesion === undefined || gap.lesion === lesion)) return gap;
  return undefined;
}

/**
 * An evaluation's gaps, for presenters that only have the evaluation: its TABLE_NO_ENTRY warnings,
 * which are raised also where the result did not depend on the row (every possibility agrees), unlike
 * the missing-input notes. (With an override input the fact is asked for as the override, so a gap
 * listed for it is never looked up.)
 */
export function gapsOf(warnings: readonly EvaluationWarning[]): LookupGap[] {
  return warnings.flatMap((w) => (w.code === 'TABLE_NO_ENTRY' ? [{ ruleset: w.ruleset, ...(w.lesion !== undefined ? { lesion: w.lesion } : {}), fact: w.fact, table: w.table, key: w.key, value: w.value, ...(w.possible ? { possible: w.possible } : {}) }] : []));
}

/** "table esccGrade of noms has no row for bilskyGrade = 1c" */
export function describeGap(gap: Pick<LookupGap, 'ruleset' | 'table' | 'key' | 'value' | 'possible'>): string {
  if (gap.possible) return `table ${gap.table} of ${gap.ruleset} leaves ${gap.key} = ${String(gap.value)} between ${gap.possible.join(' and ')}`;
  return `table ${gap.table} of ${gap.ruleset} has no row for ${gap.key} = ${String(gap.value)}`;
}

/** The names of `missing` split into inputs to provide and the gaps (with their facts) the team decides. */
export function splitByGap(missing: readonly string[], gaps: readonly LookupGap[], lesion: number | undefined): { provide: string[]; decide: LookupGap[] } {
  const provide: string[] = [];
  const decide: LookupGap[] = [];
  for (const name of missing) {
    const gap = gapFor(gaps, name, lesion);
    if (gap) decide.push(gap);
    else provide.push(name);
  }
  return { provide, decide };
}

/** "the team decides esccClass: table esccGrade of noms has no row for bilskyGrade = 1c" */
export function teamDecides(gap: LookupGap): string {
  return `the team decides ${gap.fact}: ${describeGap(gap)}`;
}

/** What would decide a result `missing` left open: "provide a or b to decide", and the team's decisions. */
export function toDecide(missing: readonly string[], gaps: readonly LookupGap[], lesion: number | undefined): string {
  // Every undetermined classification of every patient comes here; almost none has a gap.
  if (!gaps.length) return `provide ${missing.join(' or ')} to decide`;
  const { provide, decide } = splitByGap(missing, gaps, lesion);
  return [...(provide.length ? [`provide ${provide.join(' or ')} to decide`] : []), ...decide.map(teamDecides)].join('; ');
}
