import { possibleTotals } from '../ruleset/fact-model.js';
import type { Band, LoadedRuleSet, ScoreSpec } from '../ruleset/types.js';
import type { PartEvaluation, PartsEvaluation } from './part-outcome.js';
import { lesionField } from './lesion-field.js';
import type { BandTrace, ComponentResult, EvaluationWarning, ScoreResult, TotalTrace } from './types.js';

export interface TotalEvaluation {
  result: Omit<ScoreResult, 'subscores' | 'missing'>;
  /** Every total still possible (one value when the score is decided). */
  possible: number[];
  trace: [TotalTrace, BandTrace] | [TotalTrace];
  warnings: EvaluationWarning[];
}

/**
 * Adds the components, applies floor and ceiling, and places the total in a band. With open components
 * the total is the set of sums still possible: `score` is set only if that set is a single value, and
 * `category` only if every possible total falls in one band.
 */
export function evaluateTotal(ruleset: LoadedRuleSet, score: ScoreSpec & { id: string }, evaluated: PartsEvaluation, lesion?: number): TotalEvaluation {
  const { document } = ruleset;
  const components = evaluated.parts.map((p) => ({ id: p.part.id, result: componentResult(p) }));
  const possible = possibleTotals(evaluated.pointSets, score.total);
  const decided = possible.length === 1 ? (possible[0] ?? null) : null;
  const range: [number, number] | null = possible.length ? [possible[0] ?? 0, possible[possible.length - 1] ?? 0] : null;
  const allDetermined = components.every((c) => c.result.status === 'determined');
  const sum = allDetermined ? components.reduce((s, c) => s + (c.result.points ?? 0), 0) : null;
  const cite = (id: string): string => document.references[id]?.citation ?? id;
  const points: Record<string, number | null> = {};
  const ranges: Record<string, [number, number]> = {};
  const results: Record<string, ComponentResult> = {};
  for (const { id, result } of components) {
    points[id] = result.points;
    ranges[id] = result.range;
    results[id] = result;
  }

  const totalTrace: TotalTrace = {
    kind: 'total',
    ruleset: document.id,
    ...lesionField(lesion),
    score: score.id,
    components: points,
    componentRanges: ranges,
    sum,
    ...(score.total?.floor !== undefined ? { floor: score.total.floor } : {}),
    ...(score.total?.ceiling !== undefined ? { ceiling: score.total.ceiling } : {}),
    value: decided,
    range,
    reference: cite(score.total?.reference ?? score.components[0]?.reference ?? ''),
  };

  const result: TotalEvaluation['result'] = {
    label: score.label,
    score: decided,
    range,
    category: null,
    components: results,
  };
  if (!score.bands) return { result, possible, trace: [totalTrace], warnings: [] };

  // Loops, not map/flatMap: this runs for every score of every patient.
  const bandsHit: Array<Band | undefined> = [];
  for (const t of possible) {
    const hit = score.bands.find((b) => t >= b.min && t <= b.max);
    if (!bandsHit.includes(hit)) bandsHit.push(hit);
  }
  const categories: string[] = [];
  for (const b of bandsHit) if (b) categories.push(b.category);
  const band = bandsHit.length === 1 ? bandsHit[0] : undefined;
  const warnings: EvaluationWarning[] = band?.unconfirmed
    ? [{ code: 'UNCONFIRMED_SOURCE', ruleset: document.id, ...lesionField(lesion), message: `${score.id} category ${band.category}: ${band.unconfirmed}` }]
    : [];
  result.category = band?.category ?? null;
  if (band) result.categoryLabel = band.label;
  else result.possibleCategories = categories;
  const bandTrace: BandTrace = {
    kind: 'band',
    ruleset: document.id,
    ...lesionField(lesion),
    score: score.id,
    category: band?.category ?? null,
    possibleCategories: categories,
    ...(band ? { band: { min: band.min, max: band.max, label: band.label } } : {}),
    reference: cite(band?.reference ?? score.bands[0]?.reference ?? ''),
    ...(band?.unconfirmed ? { unconfirmed: band.unconfirmed } : {}),
    ...(band?.overridden ? { overridden: band.overridden } : {}),
  };
  return { result, possible, trace: [totalTrace, bandTrace], warnings };
}

function componentResult(evaluation: PartEvaluation): ComponentResult {
  const { part, chosen, possiblePoints } = evaluation;
  const range: [number, number] = [possiblePoints[0] ?? 0, possiblePoints[possiblePoints.length - 1] ?? 0];
  if (evaluation.status === 'determined' && chosen) {
    return {
      label: part.label,
      status: 'determined',
      points: chosen.points ?? 0,
      range,
      alternative: chosen.id,
      alternativeLabel: chosen.label,
      ...(evaluation.missing.length ? { missing: evaluation.missing } : {}),
    };
  }
  return {
    label: part.label,
    status: evaluation.status,
    points: null,
    range,
    alternative: null,
    possible: evaluation.possible.map((a) => a.id),
    ...(evaluation.status === 'undetermined' ? { missing: evaluation.missing } : {}),
  };
}
