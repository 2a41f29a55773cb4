import { achievableTotals } from './fact-model.js';
import { classificationParts } from './parts.js';
import { placedScores } from './score-paths.js';
import type { RuleSetDocument } from './types.js';

/** Every output name a rule set can produce (what `outputs` may declare and other rule sets may read). */
export function outputNames(doc: RuleSetDocument): Set<string> {
  const names = new Set(['missing']);
  if (doc.score) for (const name of ['score', 'range', 'category']) names.add(name);
  for (const c of doc.score?.components ?? []) names.add(`components.${c.id}`);
  for (const s of doc.subscores ?? []) {
    for (const field of ['', '.score', '.range', '.category']) names.add(`subscores.${s.id}${field}`);
    for (const c of s.components) names.add(`subscores.${s.id}.components.${c.id}`);
  }
  for (const c of classificationParts(doc)) names.add(c.id);
  for (const r of doc.recommendations ?? []) names.add(`recommendations.${r.id}`);
  return names;
}

/**
 * The values an output can take, for an input that reads it: a score's achievable totals, a category's
 * band ids, a classification's row values. Undefined for outputs that are not a single value.
 */
export function outputValues(doc: RuleSetDocument, output: string): { type: 'integer' | 'enum'; values: Array<string | number> } | undefined {
  const scores = placedScores(doc);
  const primary = scores.find((s) => s.score.id === doc.id)?.score;
  if (output === 'score' && primary) return { type: 'integer', values: achievableTotals(primary) };
  if (output === 'category' && primary?.bands) return { type: 'enum', values: primary.bands.map((b) => b.category) };
  const component = /^components\.(.+)$/.exec(output)?.[1];
  const found = component ? primary?.components.find((c) => c.id === component) : undefined;
  if (found) return { type: 'integer', values: [...new Set(found.alternatives.map((a) => a.points))] };
  const classification = classificationParts(doc).find((c) => c.id === output);
  if (classification) return { type: 'enum', values: [...new Set(classification.alternatives.map((a) => a.value))] };
  return undefined;
}

