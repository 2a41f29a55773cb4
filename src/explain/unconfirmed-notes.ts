import type { EvaluationWarning, ShownValue, TraceEntry, UnconfirmedSourceWarning } from '../engine/types.js';

/**
 * Where the marks of one rule set (for one lesion) stand, read from its UNCONFIRMED_SOURCE warnings:
 * each names the shown values that rest on its element (`beside`) and whether it applies or only may.
 * Nothing is re-derived from the trace but which classification a `firstOf` took its value from. The
 * clinician page runs this same module, bundled for it by scripts/bundle-web.mjs.
 */
export interface UnconfirmedNotes {
  /** A component's marks (its alternatives', and those of the table rows its conditions test). */
  ofComponent(score: string, component: string): UnconfirmedSourceWarning[];
  /** The marks of the band (or bands) the score fell in. */
  ofBand(score: string): UnconfirmedSourceWarning[];
  /** A score with its band and all of its components (the page shows no components). */
  ofScore(score: string): UnconfirmedSourceWarning[];
  /** A classification's marks; one that takes another's value (`firstOf`) has the chosen one's, or every candidate's while none is. */
  ofClassification(id: string): UnconfirmedSourceWarning[];
  ofRecommendation(id: string): UnconfirmedSourceWarning[];
  /** What concerns the rule set as a whole (UNCONFIRMED_FRAMEWORK), or no shown value (an unconfirmed row no rule tests). */
  ruleSetWide: EvaluationWarning[];
}

export function unconfirmedNotes(entries: readonly TraceEntry[], warnings: readonly EvaluationWarning[]): UnconfirmedNotes {
  const sources = warnings.filter((w): w is UnconfirmedSourceWarning => w.code === 'UNCONFIRMED_SOURCE');
  const beside = (test: (value: ShownValue) => boolean): UnconfirmedSourceWarning[] => sources.filter((w) => w.beside.some(test));
  const ofClassification = (id: string): UnconfirmedSourceWarning[] => {
    const precedence = entries.find((t) => t.kind === 'precedence' && t.classification === id);
    if (precedence?.kind !== 'precedence') return beside((v) => 'classification' in v && v.classification === id);
    const from = precedence.chosen ? [precedence.chosen] : precedence.candidates.map((c) => c.classification);
    return [...new Set(from.flatMap(ofClassification))];
  };
  return {
    ofComponent: (score, component) => beside((v) => 'score' in v && v.score === score && v.component === component),
    ofBand: (score) => beside((v) => 'score' in v && v.score === score && v.component === undefined),
    ofScore: (score) => beside((v) => 'score' in v && v.score === score),
    ofClassification,
    ofRecommendation: (id) => beside((v) => 'recommendation' in v && v.recommendation === id),
    ruleSetWide: warnings.filter((w) => w.code === 'UNCONFIRMED_FRAMEWORK' || (w.code === 'UNCONFIRMED_SOURCE' && !w.beside.length)),
  };
}

/** The distinct notes of the marks that apply and of those that only may (missing data leaves them open). */
export function notesByStatus(marks: readonly UnconfirmedSourceWarning[]): { applies: string[]; possible: string[] } {
  const applies = [...new Set(marks.filter((w) => w.status === 'applies').map((w) => w.note))];
  // A note that applies through one element is not repeated as only possible through another.
  const possible = [...new Set(marks.filter((w) => w.status === 'possible' && !applies.includes(w.note)).map((w) => w.note))];
  return { applies, possible };
}

/** " [unconfirmed source: note; note]" beside a value, then " [may rest on an unconfirmed source: note]"; or nothing. */
export function unconfirmedMark(marks: readonly UnconfirmedSourceWarning[]): string {
  const { applies, possible } = notesByStatus(marks);
  return `${applies.length ? ` [unconfirmed source: ${applies.join('; ')}]` : ''}${possible.length ? ` [may rest on an unconfirmed source: ${possible.join('; ')}]` : ''}`;
}

/** " [unconfirmed framework: ...]" or " [unconfirmed source: ...]" for a warning about the rule set as a whole. */
export function ruleSetWideMark(warning: EvaluationWarning): string {
  return ` [${warning.code === 'UNCONFIRMED_FRAMEWORK' ? 'unconfirmed framework' : 'unconfirmed source'}: ${warning.message}]`;
}
