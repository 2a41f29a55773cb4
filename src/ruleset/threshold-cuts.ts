import type { LeafCondition, TableRow, TableSpec } from './types.js';

/**
 * Where a test divides a value's range: just before or just after a number, so that tests written
 * differently compare equal (`>= 13` and `< 13` just before 13, `> 12` and `<= 12` just after 12, and for
 * whole numbers just after 12 is just before 13).
 */
export interface Cut {
  boundary: 'before' | 'after';
  value: number;
}

const BOUNDARY: Readonly<Record<string, Cut['boundary']>> = { greaterThanInclusive: 'before', lessThan: 'before', greaterThan: 'after', lessThanInclusive: 'after' };

/** Where a test divides the values; undefined for a test that is no threshold (equal, in). */
export function cut(leaf: Pick<LeafCondition, 'operator' | 'value'>, integer: boolean): Cut | undefined {
  const boundary = BOUNDARY[leaf.operator];
  if (!boundary || typeof leaf.value !== 'number') return undefined;
  return boundary === 'after' && integer ? { boundary: 'before', value: leaf.value + 1 } : { boundary, value: leaf.value };
}

export const sameCut = (a: Cut, b: Cut | undefined): boolean => a.boundary === b?.boundary && a.value === b.value;

/** A place where a table keyed by numbers changes value: between two neighbouring keys, and the values either side. */
export interface Step {
  low: number;
  high: number;
  /** The values the table changes between there, in key order. */
  values: readonly [string, string];
}

/** Whether the cut puts the two keys of a step on either side of it: a test there divides the values where the table does. */
export function divides(at: Cut, { low, high }: Step): boolean {
  return at.boundary === 'before' ? low < at.value && at.value <= high : low <= at.value && at.value < high;
}

/**
 * Whether a table still divides its key at a cut between the same values: per value, the places where the
 * table changes to or from it are where that value starts and ends, so a place that now borders another
 * value, or none, is one where a value no longer starts or ends (poor from ECOG 4, no longer 3, when 3 is
 * made good: the table still changes value at 3, from fair to good). Which side each is on is not compared.
 */
export function bordersSame(at: Cut, was: readonly Step[], now: readonly Step[]): boolean {
  const bordered = (steps: readonly Step[]): string => [...(steps.find((step) => divides(at, step))?.values ?? [])].sort().join('\n');
  return bordered(was) === bordered(now);
}

/**
 * Where a table keyed by numbers divides its key's values: between each two neighbouring keys whose rows
 * give different values (where keys are missing between them, anywhere between). Keys the engine would
 * never look up by a number (`n/a`, `02`) are left out.
 */
export function steps(rows: TableSpec['rows']): Step[] {
  const keyed = Object.entries(rows)
    .filter(([key]) => isNumericKey(key))
    .map(([key, row]) => [Number(key), rowValue(row)] as const)
    .sort((a, b) => a[0] - b[0]);
  return keyed.slice(1).flatMap(([high, above], i): Step[] => {
    const [low, below] = keyed[i] as (typeof keyed)[number];
    return above === below ? [] : [{ low, high, values: [below, above] }];
  });
}

/** A row's value; a row left between values (`possible`) is a value of its own, unlike either. */
export const rowValue = (row: string | TableRow): string => (typeof row === 'string' ? row : row.value ?? `between ${row.possible?.join(' and ')}`);

/** The rows of a table as published: a row a profile changed as its mark keeps it, one it added left out. */
export function publishedRows(rows: TableSpec['rows']): TableSpec['rows'] {
  return Object.fromEntries(Object.entries(rows).flatMap(([key, row]): Array<[string, string | TableRow]> => {
    if (typeof row === 'string') return [[key, row]];
    if (row.added) return [];
    return [[key, (row.overridden?.base as TableRow | undefined) ?? row]];
  }));
}

/** Whether a table row key is a number as the engine looks it up (`2`, not `2.0`, `02` or `n/a`). */
export function isNumericKey(key: string): boolean {
  return String(Number(key)) === key;
}
