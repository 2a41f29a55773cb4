/** What the bench compares between the engine and the hand-written baseline: scores, ranges and categories. */
import type { Evaluation, RuleSetResult } from '../src/engine/types.js';
import type { BaselineEvaluation } from './baseline.js';

interface Summary {
  score: number | null;
  range: [number, number] | null;
  category: string | null;
}
export interface PatientSummary {
  nesms: Summary | undefined;
  modifiedBauer: Omit<Summary, 'category'> | undefined;
  sins: Array<Summary | undefined>;
}

const summary = (r: RuleSetResult | undefined): Summary | undefined => (r ? { score: r.score ?? null, range: r.range ?? null, category: r.category ?? null } : undefined);

export function summarize(evaluation: Evaluation): PatientSummary {
  const bauer = evaluation.results.nesms?.subscores?.modifiedBauer;
  return {
    nesms: summary(evaluation.results.nesms),
    modifiedBauer: bauer ? { score: bauer.score, range: bauer.range } : undefined,
    sins: evaluation.lesions.map((l) => summary(l.results.sins)),
  };
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export function disagreements(engine: PatientSummary, baseline: BaselineEvaluation): string[] {
  const found: string[] = [];
  if (!same(engine.nesms, baseline.nesms)) found.push(`nesms: engine ${JSON.stringify(engine.nesms)} baseline ${JSON.stringify(baseline.nesms)}`);
  if (!same(engine.modifiedBauer, baseline.modifiedBauer)) {
    found.push(`nesms.modifiedBauer: engine ${JSON.stringify(engine.modifiedBauer)} baseline ${JSON.stringify(baseline.modifiedBauer)}`);
  }
  if (engine.sins.length !== baseline.sins.length) found.push(`sins: engine ${engine.sins.length} lesions, baseline ${baseline.sins.length}`);
  baseline.sins.forEach((b, i) => {
    if (!same(engine.sins[i], b)) found.push(`sins[${i}]: engine ${JSON.stringify(engine.sins[i])} baseline ${JSON.stringify(b)}`);
  });
  return found;
}
