import type { Evaluation, RuleSetResult } from '../engine/types.js';

/** One clinical output of an evaluation, as compared between two rule-set versions. */
export interface OutputValue {
  /** `ruleset.output`, e.g. `sins.category`, `noms.decision`, `lesion-plan.recommendations`. */
  output: string;
  /** Index of the lesion for lesion-scope rule sets. */
  lesion?: number;
  /** The value as text: a number, a range `9–12`, a category, a list of recommendations; `undetermined (a or b)` when open. */
  value: string;
}

export interface OutputChange {
  output: string;
  lesion?: number;
  from: string;
  to: string;
}

const UNDETERMINED = 'undetermined';

/**
 * The outputs a clinician acts on, flattened: every score (a range when open), category,
 * classification value and the recommendations that apply or may apply. Trace and wording are left
 * out: a diff counts what changes for patients, not how it is explained.
 */
export function resultOutputs(evaluation: Evaluation): OutputValue[] {
  const values: OutputValue[] = [];
  eachResult(evaluation, (id, result, lesion) => {
    const push = (name: string, value: string): void => void values.push({ output: `${id}.${name}`, ...(lesion !== undefined ? { lesion } : {}), value });
    if ('score' in result) push('score', scoreText(result.score ?? null, result.range ?? null));
    if (banded(result)) push('category', result.category ?? openText(result.possibleCategories));
    for (const [name, sub] of Object.entries(result.subscores ?? {})) {
      push(`${name}.score`, scoreText(sub.score, sub.range));
      if (banded(sub)) push(`${name}.category`, sub.category ?? openText(sub.possibleCategories));
    }
    for (const [name, c] of Object.entries(result.classifications ?? {})) push(name, c.value ?? openText(c.possible));
    if (result.recommendations) {
      const list = (status: string): string => result.recommendations?.filter((r) => r.status === status).map((r) => r.id).sort().join(', ') || 'none';
      push('recommendations', list('applies'));
      push('possibleRecommendations', list('possible'));
    }
  });
  return values;
}

/** Every rule set's result of an evaluation: the patient's, then each lesion's with its index. */
export function eachResult(evaluation: Evaluation, visit: (id: string, result: RuleSetResult, lesion?: number) => void): void {
  for (const [id, result] of Object.entries(evaluation.results)) visit(id, result);
  evaluation.lesions.forEach((lesion, i) => {
    for (const [id, result] of Object.entries(lesion.results)) visit(id, result, i);
  });
}

/**
 * Whether a score has bands, so a category to report: a score without bands (NESMS's modified Bauer
 * subscore) has category null like an open one, but never the possible categories an open one lists.
 */
function banded(score: Pick<RuleSetResult, 'category' | 'possibleCategories'>): boolean {
  return (score.category !== undefined && score.category !== null) || score.possibleCategories !== undefined;
}

/** An open category or classification with what it may be: a change of those is a change for the patient. */
function openText(possible: readonly string[] | undefined): string {
  // As a set: the order values were found in is not the patient's.
  return possible?.length ? `${UNDETERMINED} (${[...possible].sort().join(' or ')})` : UNDETERMINED;
}

export function scoreText(score: number | null, range: [number, number] | null): string {
  if (score !== null) return String(score);
  return range ? `${range[0]}–${range[1]}` : UNDETERMINED;
}

/**
 * Values that differ, matched by output and lesion; an output only one side has counts as absent on the
 * other. Whatever else a value carries (a component's score) comes with its change.
 */
export function compareOutputs<V extends OutputValue>(before: readonly V[], after: readonly V[]): Array<Omit<V, 'value'> & { from: string; to: string }> {
  const old = new Map(before.map((v) => [outputKey(v), v]));
  const now = new Map(after.map((v) => [outputKey(v), v]));
  const changes: Array<Omit<V, 'value'> & { from: string; to: string }> = [];
  for (const k of new Set([...old.keys(), ...now.keys()])) {
    const x = old.get(k);
    const y = now.get(k);
    const from = x?.value ?? 'absent';
    const to = y?.value ?? 'absent';
    if (from === to) continue;
    const { value: _value, ...rest } = (x ?? y) as V;
    changes.push({ ...rest, from, to });
  }
  return changes;
}

/** One output of one evaluation (the patient's, or a lesion's): what the two sides are matched by. */
export const outputKey = (v: Pick<OutputValue, 'output' | 'lesion'>): string => `${v.output}#${v.lesion ?? ''}`;
