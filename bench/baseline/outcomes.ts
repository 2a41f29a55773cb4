/**
 * The shapes of the baseline's results, matching what the engine's `results` say about each rule set:
 * a score (total, range, band, components), classifications (value or the values still possible) and
 * recommendations (applies, or possible for some value of the missing inputs). Everything a result can
 * share between patients (bands, value lists, recommendation entries) is built once here.
 */
import { isSingle, lowest, rangeOf, type PointSet, type Range } from './point-set.js';

export interface Band {
  category: string;
  min: number;
  max: number;
}

export interface ScoreOutcome<C extends string = string> {
  /** Every total still possible; one member when the score is decided. */
  possible: PointSet;
  score: number | null;
  range: Range;
  /** Set only when every possible total falls in one band. */
  category: string | null;
  /** The bands some possible total falls in, lowest first. */
  possibleCategories: readonly string[];
  /** Each component's possible points. */
  components: Readonly<Record<C, PointSet>>;
  /** Scores computed on the way (NESMS's modified Bauer). */
  subscores: Readonly<Record<string, ScoreOutcome>> | undefined;
}

/** A score's bands, with the totals each covers as a mask and the category list of every combination. */
export class Bands {
  private readonly masks: number[];
  private readonly categories: string[];
  private readonly lists: string[][];

  constructor(bands: readonly Band[]) {
    this.masks = bands.map((b) => ((1 << (b.max + 1)) - 1) & ~((1 << b.min) - 1));
    this.categories = bands.map((b) => b.category);
    this.lists = Array.from({ length: 1 << bands.length }, (_, hit) => this.categories.filter((_c, i) => hit & (1 << i)));
  }

  outcome<C extends string>(possible: PointSet, components: Record<C, PointSet>, subscores?: Record<string, ScoreOutcome>): ScoreOutcome<C> {
    let hit = 0;
    for (let i = 0; i < this.masks.length; i += 1) if (possible & (this.masks[i] as number)) hit |= 1 << i;
    return {
      possible,
      score: isSingle(possible) ? lowest(possible) : null,
      range: rangeOf(possible),
      category: isSingle(hit) ? (this.categories[lowest(hit)] as string) : null,
      possibleCategories: this.lists[hit] as string[],
      components,
      subscores,
    };
  }
}

/** A score without bands (NESMS's modified Bauer subscore). */
export const NO_BANDS = new Bands([]);

export interface ClassificationOutcome {
  value: string | null;
  /** The values still possible (the value alone when decided), in the rule file's order. */
  possible: readonly string[];
}

/**
 * A classification's result for each set of possible values, given as a mask over `values` (bit i =
 * values[i] possible); every result is built once, here.
 */
export function classification(values: readonly string[]): (mask: number) => ClassificationOutcome {
  const outcomes = Array.from({ length: 1 << values.length }, (_, mask): ClassificationOutcome => Object.freeze({
    value: isSingle(mask) ? (values[lowest(mask)] as string) : null,
    possible: values.filter((_v, i) => mask & (1 << i)),
  }));
  return (mask) => outcomes[mask] as ClassificationOutcome;
}

export interface RecommendationOutcome {
  id: string;
  status: 'applies' | 'possible';
}

/**
 * A recommendation's entry for a Truth of its condition: listed as applying when it must hold, as
 * possible when it holds for some value of the missing inputs, not listed when it cannot hold.
 */
export function recommendationEntries(id: string): readonly (RecommendationOutcome | undefined)[] {
  const applies = Object.freeze({ id, status: 'applies' as const });
  const possible = Object.freeze({ id, status: 'possible' as const });
  return [undefined, undefined, applies, possible]; // indexed by Truth: -, FALSE, TRUE, EITHER
}
