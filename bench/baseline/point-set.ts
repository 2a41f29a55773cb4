/**
 * What may still be true when inputs are missing, as bit masks: cheap enough that the hand-written
 * baseline keeps the engine's whole missing-data contract (every possible total, every possible value)
 * without enumerating combinations or allocating sets.
 * A PointSet holds small non-negative integers (a component's points, a score's totals): bit n set means
 * n is possible. Every score here stays below 32. (A yes/no test is a Truth, truth.ts; a classification's
 * possible values are a mask over its values, outcomes.ts.)
 */

export type PointSet = number;

/** The set holding `n` alone. */
export const pointOf = (n: number): PointSet => 1 << n;

/** A set built once, at module load, for a table of constants. */
export const pointsOf = (...values: number[]): PointSet => values.reduce((set, n) => set | (1 << n), 0);

/** Points per value of an enumerated input; `any`, every points value, stands for a missing one. */
export interface PointTable {
  of: ReadonlyMap<string, PointSet>;
  any: PointSet;
}
export function pointTable(points: Readonly<Record<string, number>>): PointTable {
  return { of: new Map(Object.entries(points).map(([value, p]) => [value, pointOf(p)])), any: pointsOf(...Object.values(points)) };
}
/** The same from a table printed as groups: each group's points and the values it lists. */
export function groupTable(groups: ReadonlyArray<readonly [points: number, values: readonly string[]]>): PointTable {
  return { of: new Map(groups.flatMap(([p, values]) => values.map((v): [string, PointSet] => [v, pointOf(p)]))), any: pointsOf(...groups.map(([p]) => p)) };
}
/** A value no alternative names is left open like a missing one: the engine never guesses. */
export const pointsFor = (table: PointTable, value: string | undefined): PointSet => (value === undefined ? table.any : (table.of.get(value) ?? table.any));

/** Every sum of one member of `a` and one of `b`: the possible totals of two independent components. */
export function plus(a: PointSet, b: PointSet): PointSet {
  let sums = 0;
  for (let shift = 0, rest = b; rest !== 0; shift += 1, rest >>>= 1) if (rest & 1) sums |= a << shift;
  return sums;
}

export const lowest = (set: PointSet): number => 31 - Math.clz32(set & -set);
export const highest = (set: PointSet): number => 31 - Math.clz32(set);
/** Exactly one member (a decided score or component). */
export const isSingle = (set: PointSet): boolean => set !== 0 && (set & (set - 1)) === 0;

/** Totals above `ceiling` count as `ceiling` (NESMS: "a ceiling score of three"). */
export function capped(set: PointSet, ceiling: number): PointSet {
  const over = set >>> (ceiling + 1);
  return over === 0 ? set : (set & ((1 << (ceiling + 1)) - 1)) | (1 << ceiling);
}

export type Range = readonly [number, number];
const RANGES: Range[] = Array.from({ length: 32 * 32 }, (_, i) => Object.freeze([i >> 5, i & 31] as const));
/** [lowest, highest] of a non-empty set; one shared, frozen pair per range rather than one per call. */
export const rangeOf = (set: PointSet): Range => RANGES[(lowest(set) << 5) | highest(set)] as Range;
