import { possibleTotals } from '../ruleset/fact-model.js';
import type { Band, LoadedRuleSet, ScoreSpec } from '../ruleset/types.js';
import type { PartEvaluation, PartsEvaluation } from './part-outcome.js';
import type { BandTrace, ComponentResult, EvaluationWarning, ScoreResult, TotalTrace } from './types.js';
import { unconfirmedBand } from './unconfirmed-warning.js';
import { citationOf } from '../ruleset/citation.js';

export interface TotalEvaluation {
  result: Omit<ScoreResult, 'subscores' | 'missing'>;
  /** Every total still possible (one value when the score is decided). */
  possible: number[];
  /** The total's and band's entries, when traced. */
  trace: Array<TotalTrace | BandTrace>;
  warnings: EvaluationWarning[];
}

/**
 * Adds the components, applies floor and ceiling, and places the total in a band. With open components
 * the total is the set of sums still possible: `score` is set only if that set is a single value, and
 * `category` only if every possible total falls in one band.
 */
export function evaluateTotal(ruleset: LoadedRuleSet, score: ScoreSpec & { id: string }, evaluated: PartsEvaluation, lesion: number | undefined, traced: boolean): TotalEvaluation {
  const possible = possibleTotals(evaluated.pointSets, score.total);
  const decided = possible.length === 1 ? (possible[0] ?? null) : null;
  const range: [number, number] | null = possible.length ? [possible[0] ?? 0, possible[possible.length - 1] ?? 0] : null;
  const results: Record<string, ComponentResult> = {};
  let sum: number | null = 0;
  for (const p of evaluated.parts) {
    const result = componentResult(p);
    results[p.part.id] = result;
    sum = sum !== null && result.status === 'determined' ? sum + (result.points ?? 0) : null;
  }
  const trace: TotalEvaluation['trace'] = [];
  if (traced) trace.push(totalTrace(ruleset, score, lesion, results, sum, decided, range));

  const result: TotalEvaluation['result'] = {
    label: score.label,
    score: decided,
    range,
    category: null,
    components: results,
  };
  if (!score.bands) return { result, possible, trace, warnings: [] };

  // Loops, not map/flatMap: this runs for every score of every patient.
  const bandsHit: Array<Band | undefined> = [];
  for (const t of possible) {
    const hit = score.bands.find((b) => t >= b.min && t <= b.max);
    if (!bandsHit.includes(hit)) bandsHit.push(hit);
  }
  const categories: string[] = [];
  for (const b of bandsHit) if (b) categories.push(b.category);
  const band = bandsHit.length === 1 ? bandsHit[0] : undefined;
  // The one band the total falls in applies; each band of several a range spans only may.
  const warnings: EvaluationWarning[] = [];
  for (const b of bandsHit) if (b?.unconfirmed !== undefined) warnings.push(unconfirmedBand(ruleset, lesion, score.id, b, b.unconfirmed, band ? 'applies' : 'possible'));
  result.category = band?.category ?? null;
  if (band) result.categoryLabel = band.label;
  else result.possibleCategories = categories;
  if (traced) trace.push(bandTrace(ruleset, score, lesion, band, categories, bandsHit));
  return { result, possible, trace, warnings };
}

const cite = (ruleset: LoadedRuleSet, id: string): string => citationOf(ruleset.document, id);

/** The total's entry, by assignment in its key order: spreads of optional keys took V8's slow copy path. */
function totalTrace(ruleset: LoadedRuleSet, score: ScoreSpec & { id: string }, lesion: number | undefined, results: Record<string, ComponentResult>, sum: number | null, value: number | null, range: [number, number] | null): TotalTrace {
  const points: Record<string, number | null> = {};
  const ranges: Record<string, [number, number]> = {};
  for (const id in results) {
    const result = results[id] as ComponentResult;
    points[id] = result.points;
    ranges[id] = result.range;
  }
  const entry = { kind: 'total', ruleset: ruleset.document.id } as TotalTrace;
  if (lesion !== undefined) entry.lesion = lesion;
  entry.score = score.id;
  entry.components = points;
  entry.componentRanges = ranges;
  entry.sum = sum;
  if (score.total?.floor !== undefined) entry.floor = score.total.floor;
  if (score.total?.ceiling !== undefined) entry.ceiling = score.total.ceiling;
  entry.value = value;
  entry.range = range;
  entry.reference = cite(ruleset, score.total?.reference ?? score.components[0]?.reference ?? '');
  return entry;
}

/** The band's entry, by assignment in its key order. */
function bandTrace(ruleset: LoadedRuleSet, score: ScoreSpec & { id: string }, lesion: number | undefined, band: Band | undefined, categories: string[], hit: ReadonlyArray<Band | undefined>): BandTrace {
  const entry = { kind: 'band', ruleset: ruleset.document.id } as BandTrace;
  if (lesion !== undefined) entry.lesion = lesion;
  entry.score = score.id;
  entry.category = band?.category ?? null;
  entry.possibleCategories = categories;
  if (band) entry.band = { min: band.min, max: band.max, label: band.label };
  entry.reference = cite(ruleset, band?.reference ?? score.bands?.[0]?.reference ?? '');
  if (!band && hit.length) entry.possibleBands = hit.flatMap((b) => (b ? [possibleBand(ruleset, b, entry.reference)] : []));
  if (band?.unconfirmed) entry.unconfirmed = band.unconfirmed;
  if (band?.overridden) entry.overridden = band.overridden;
  return entry;
}

/**
 * A band the possible totals fall in, with what an auditor needs to explain a `possible` mark from the
 * trace alone: its own source where it differs from the entry's, its unconfirmed note, a profile's mark.
 */
function possibleBand(ruleset: LoadedRuleSet, b: Band, entryReference: string): NonNullable<BandTrace['possibleBands']>[number] {
  const possible: NonNullable<BandTrace['possibleBands']>[number] = { category: b.category, min: b.min, max: b.max };
  const reference = cite(ruleset, b.reference);
  if (reference !== entryReference) possible.reference = reference;
  if (b.unconfirmed) possible.unconfirmed = b.unconfirmed;
  if (b.overridden) possible.overridden = b.overridden;
  return possible;
}

function componentResult(evaluation: PartEvaluation): ComponentResult {
  const { part, chosen, possiblePoints } = evaluation;
  const range: [number, number] = [possiblePoints[0] ?? 0, possiblePoints[possiblePoints.length - 1] ?? 0];
  // Literals and assignments in the result's key order, not spreads of optional keys: this runs for
  // every component of every patient, and a spread took V8's slow object-copy path.
  if (evaluation.status === 'determined' && chosen) {
    const result: ComponentResult = { label: part.label, status: 'determined', points: chosen.points ?? 0, range, alternative: chosen.id, alternativeLabel: chosen.label };
    if (evaluation.missing.length) result.missing = evaluation.missing;
    return result;
  }
  const result: ComponentResult = { label: part.label, status: evaluation.status, points: null, range, alternative: null, possible: evaluation.possible.map((a) => a.id) };
  if (evaluation.status === 'undetermined') result.missing = evaluation.missing;
  return result;
}
