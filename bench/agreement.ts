/**
 * What the bench compares between the engine and the hand-written baseline: every output the baseline
 * computes, per rule set (patient scope) and per lesion (lesion scope). A score's total, range, category,
 * possible categories, and each component's points and range (subscores too); each classification's
 * value, or the values still possible; the recommendations that apply or are possible. Sets are compared
 * as sets (sorted), so an order the engine happens to use is not a disagreement.
 */
import type { ClassificationResult, Evaluation, RuleSetResult, ScoreResult } from '../src/engine/types.js';
import { highest, isSingle, lowest } from './baseline/point-set.js';
import type { ClassificationOutcome, RecommendationOutcome, ScoreOutcome } from './baseline/outcomes.js';

/** A rule set's outcome in the baseline: a score, or classifications and recommendations. */
type Outcome = ScoreOutcome | { classifications: Record<string, ClassificationOutcome>; recommendations: readonly RecommendationOutcome[] };
export interface BaselineResults {
  results: Readonly<Record<string, Outcome>>;
  lesions: ReadonlyArray<Readonly<Record<string, Outcome>>>;
}

type View = Record<string, unknown>;
const sorted = (values: readonly string[]): string[] => [...values].sort();
const mapValues = <T, U>(record: Readonly<Record<string, T>>, f: (value: T) => U): Record<string, U> => Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v)]));

type EngineScore = Partial<Omit<ScoreResult, 'subscores' | 'label' | 'missing'>> & { subscores?: Record<string, Omit<ScoreResult, 'subscores'>> };
function engineScore(s: EngineScore): View {
  return {
    score: s.score ?? null,
    range: s.range ?? null,
    category: s.category ?? null,
    possibleCategories: s.category ? [s.category] : sorted(s.possibleCategories ?? []),
    components: mapValues(s.components ?? {}, (c) => ({ points: c.points, range: c.range })),
    ...(s.subscores ? { subscores: mapValues(s.subscores, engineScore) } : {}),
  };
}
const engineClassification = (c: ClassificationResult): View => ({ value: c.value, possible: c.value !== null ? [c.value] : sorted(c.possible ?? []) });

function engineView(r: RuleSetResult): View {
  return {
    ...(r.components ? engineScore(r) : {}),
    ...(r.classifications ? { classifications: mapValues(r.classifications, engineClassification) } : {}),
    ...(r.recommendations ? { recommendations: sorted(r.recommendations.map((x) => `${x.id}: ${x.status}`)) } : {}),
  };
}

function baselineScore(s: ScoreOutcome): View {
  return {
    score: s.score,
    range: [...s.range],
    category: s.category,
    possibleCategories: sorted(s.possibleCategories),
    components: mapValues(s.components, (set) => ({ points: isSingle(set) ? lowest(set) : null, range: [lowest(set), highest(set)] })),
    ...(s.subscores ? { subscores: mapValues(s.subscores, baselineScore) } : {}),
  };
}

function baselineView(o: Outcome): View {
  if ('components' in o) return baselineScore(o);
  return {
    classifications: mapValues(o.classifications, (c) => ({ value: c.value, possible: sorted(c.possible) })),
    recommendations: sorted(o.recommendations.map((x) => `${x.id}: ${x.status}`)),
  };
}

const isRecord = (v: unknown): v is View => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where two views differ, as `path: engine X, baseline Y`. */
function differences(engine: unknown, baseline: unknown, path: string, found: string[]): void {
  if (isRecord(engine) && isRecord(baseline)) {
    for (const key of new Set([...Object.keys(engine), ...Object.keys(baseline)])) differences(engine[key], baseline[key], `${path}.${key}`, found);
    return;
  }
  const [e, b] = [JSON.stringify(engine), JSON.stringify(baseline)];
  if (e !== b) found.push(`${path}: engine ${e ?? 'absent'}, baseline ${b ?? 'absent'}`);
}

function compareScope(engine: Readonly<Record<string, RuleSetResult>>, baseline: Readonly<Record<string, Outcome>>, where: string, found: string[]): void {
  for (const id of new Set([...Object.keys(engine), ...Object.keys(baseline)])) {
    const [e, b] = [engine[id], baseline[id]];
    if (!e || !b) found.push(`${where}${id}: ${e ? 'not computed by the baseline' : 'not in the engine results'}`);
    else differences(engineView(e), baselineView(b), `${where}${id}`, found);
  }
}

/** Every output where the engine and the baseline disagree (none: they agree on all the baseline computes). */
export function disagreements(evaluation: Evaluation, baseline: BaselineResults): string[] {
  const found: string[] = [];
  compareScope(evaluation.results, baseline.results, '', found);
  if (evaluation.lesions.length !== baseline.lesions.length) found.push(`lesions: engine ${evaluation.lesions.length}, baseline ${baseline.lesions.length}`);
  baseline.lesions.forEach((b, i) => compareScope(evaluation.lesions[i]?.results ?? {}, b, `lesions[${i}].`, found));
  return found;
}
