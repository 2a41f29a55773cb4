import type { EvaluationWarning, RuleTrace, TraceEntry } from '../engine/types.js';

/**
 * What the shown results of one rule set (for one lesion) rest on that is marked unconfirmed, so that
 * the mark stands beside the value it concerns and not only in a list of warnings. Read from the trace
 * entries of that rule set and lesion and from its warnings; the clinician page runs this same module,
 * bundled for it by scripts/bundle-web.mjs.
 */
export interface UnconfirmedNotes {
  /** The notes of the alternatives among `rules` that hold or may hold, and of the table rows the facts they test came from. */
  ofRules(rules: readonly RuleTrace[]): string[];
  /** A classification's notes; one that takes another's value (`firstOf`) has the chosen one's, or every candidate's while none is. */
  ofClassification(id: string): string[];
  /** The note of the band a score fell in. */
  ofBand(score: string): string[];
  /** What concerns the rule set as a whole (UNCONFIRMED_FRAMEWORK), or no value shown beside it (a table row no shown rule tests). */
  ruleSetWide: EvaluationWarning[];
}

export function unconfirmedNotes(entries: readonly TraceEntry[], warnings: readonly EvaluationWarning[]): UnconfirmedNotes {
  // Derived facts looked up in a row marked unconfirmed: a rule that tests one rests on that row.
  const rows = new Map<string, string>();
  for (const t of entries) if (t.kind === 'lookup' && t.unconfirmed) rows.set(t.fact, t.unconfirmed);
  const rules = entries.filter((t): t is RuleTrace => t.kind === 'rule');

  const ofRules = (some: readonly RuleTrace[]): string[] =>
    distinct(some.filter((r) => r.fired === true || r.possible === true).flatMap((r) => [r.unconfirmed, ...r.conditions.map((c) => rows.get(c.fact))]));
  const ofClassification = (id: string): string[] => {
    const precedence = entries.find((t) => t.kind === 'precedence' && t.classification === id);
    if (precedence?.kind !== 'precedence') return ofRules(rules.filter((r) => r.classification === id));
    const from = precedence.chosen ? [precedence.chosen] : precedence.candidates.map((c) => c.classification);
    return distinct(from.flatMap(ofClassification));
  };
  const ofBand = (score: string): string[] => distinct(entries.map((t) => (t.kind === 'band' && t.score === score ? t.unconfirmed : undefined)));

  const shown = [...ofRules(rules), ...distinct(entries.map((t) => (t.kind === 'band' ? t.unconfirmed : undefined)))];
  // A warning's message ends with the note it carries (after what it concerns), whatever the kind of element.
  const ruleSetWide = warnings.filter((w) => w.code === 'UNCONFIRMED_FRAMEWORK' || (w.code === 'UNCONFIRMED_SOURCE' && !shown.some((note) => w.message.endsWith(note))));
  return { ofRules, ofClassification, ofBand, ruleSetWide };
}

/** " [unconfirmed source: note; note]" beside a value, or nothing. */
export function unconfirmedMark(notes: readonly string[]): string {
  return notes.length ? ` [unconfirmed source: ${notes.join('; ')}]` : '';
}

/** " [unconfirmed framework: ...]" or " [unconfirmed source: ...]" for a warning about the rule set as a whole. */
export function ruleSetWideMark(warning: EvaluationWarning): string {
  return ` [${warning.code === 'UNCONFIRMED_FRAMEWORK' ? 'unconfirmed framework' : 'unconfirmed source'}: ${warning.message}]`;
}

function distinct(notes: ReadonlyArray<string | undefined>): string[] {
  return [...new Set(notes.filter((n): n is string => n !== undefined))];
}
