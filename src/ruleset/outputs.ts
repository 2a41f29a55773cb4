import { achievableTotals } from './fact-model.js';
import { classificationParts } from './parts.js';
import { placedScores } from './score-paths.js';
import type { RuleSetDocument } from './types.js';

/**
 * Every output name a rule set can produce (what `outputs` may declare and other rule sets may read). A
 * part whose id is no string (the schema's problem) produces none: see `mayBeUnreadableOutput`.
 */
export function outputNames(doc: RuleSetDocument): Set<string> {
  const names = new Set(['missing']);
  if (doc.score) for (const name of ['score', 'range', 'category']) names.add(name);
  for (const c of doc.score?.components ?? []) if (isName(c.id)) names.add(`components.${c.id}`);
  for (const s of doc.subscores ?? []) {
    if (!isName(s.id)) continue;
    for (const field of ['', '.score', '.range', '.category']) names.add(`subscores.${s.id}${field}`);
    for (const c of s.components) if (isName(c.id)) names.add(`subscores.${s.id}.components.${c.id}`);
  }
  for (const c of classificationParts(doc)) if (isName(c.id)) names.add(c.id);
  for (const r of doc.recommendations ?? []) if (isName(r.id)) names.add(`recommendations.${r.id}`);
  return names;
}

/**
 * Whether `name` may be the output of a part whose id is no string (`id: { perf: 1 }` for the component
 * an output names `components.perf`): the schema reports that id, and which output it was to give cannot
 * be told, so a name of its kind is not also called unknown.
 */
export function mayBeUnreadableOutput(doc: RuleSetDocument, name: string): boolean {
  const unreadable = (parts: ReadonlyArray<{ id: unknown }> | undefined): boolean => (parts ?? []).some((p) => !isName(p.id));
  const prefixes = [
    ...(unreadable(doc.score?.components) ? ['components.'] : []),
    ...(doc.subscores ?? []).flatMap((s) => (!isName(s.id) ? ['subscores.'] : unreadable(s.components) ? [`subscores.${s.id}.components.`] : [])),
    ...(unreadable(doc.recommendations) ? ['recommendations.'] : []),
  ];
  // A classification's output is its bare id.
  return prefixes.some((p) => name.startsWith(p)) || (unreadable(doc.classifications) && !name.includes('.'));
}

const isName = (id: unknown): id is string => typeof id === 'string';

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

