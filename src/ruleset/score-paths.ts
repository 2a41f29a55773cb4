import type { PathSegment } from '../source/source-document.js';
import type { RuleSetDocument, ScoreSpec } from './types.js';

export interface PlacedScore {
  score: ScoreSpec & { id: string };
  /** Where the score sits in the rule file. */
  path: PathSegment[];
}

/** Subscores first (each may use the ones before it), then the primary score, named after the rule set. */
export function placedScores(doc: RuleSetDocument): PlacedScore[] {
  return [
    ...(doc.subscores ?? []).map((score, i) => ({ score, path: ['subscores', i] })),
    ...(doc.score ? [{ score: { ...doc.score, id: doc.id }, path: ['score'] }] : []),
  ];
}
