/**
 * What a yes/no test can still come out as when its input may be missing: FALSE, TRUE or EITHER, as a
 * two-bit mask (bit 0: it can be false, bit 1: it can be true).
 */
import { pointOf, pointsOf, type PointSet } from './point-set.js';

export type Truth = number;
export const FALSE: Truth = 1;
export const TRUE: Truth = 2;
export const EITHER: Truth = 3;

/** A boolean input: its value, or either when missing. */
export const truthOf = (value: boolean | undefined): Truth => (value === undefined ? EITHER : value ? TRUE : FALSE);

export const isIn = (set: ReadonlySet<string>, value: string | undefined): Truth => (value === undefined ? EITHER : set.has(value) ? TRUE : FALSE);
/** Threshold tests of a number that may be missing. */
export const atLeast = (value: number | undefined, threshold: number): Truth => (value === undefined ? EITHER : value >= threshold ? TRUE : FALSE);
export const below = (value: number | undefined, threshold: number): Truth => (value === undefined ? EITHER : value < threshold ? TRUE : FALSE);

/** Whether a mask of possible values (points, totals, a classification's values) is among `bits`. */
export const among = (mask: number, bits: number): Truth => (mask & bits ? TRUE : 0) | (mask & ~bits ? FALSE : 0);

/** One point when a criterion holds, indexed by its Truth: FALSE -> {0}, TRUE -> {1}, EITHER -> {0, 1}. */
export const ONE_POINT_IF: readonly PointSet[] = [0, pointOf(0), pointOf(1), pointsOf(0, 1)];

/**
 * `a and b` / `a or b` over what each may come out as. Exact only when a and b read different inputs
 * (then every pair of outcomes can occur together); a test whose parts share an input is written out.
 */
export const and = (a: Truth, b: Truth): Truth => (a & b & TRUE) | ((a | b) & FALSE);
export const not = (t: Truth): Truth => ((t & TRUE) >> 1) | ((t & FALSE) << 1);
export const or = (a: Truth, b: Truth): Truth => ((a | b) & TRUE) | (a & b & FALSE);
