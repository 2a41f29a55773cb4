import type { Problem } from '../problems/problem.js';
import type { SourceDocument } from './source-document.js';

/**
 * The problems of a document: those reading it found (`source.problems`: syntax, repeated keys, tabs), then
 * those `check` finds in it, whichever occurrence of a repeated key the author meant.
 * `data` holds each repeated key's last value; each earlier value has a reading of its own.
 * - A problem at or under a repeated key is reported for every occurrence, at that occurrence: the
 *   author keeps one, and whichever it is must not bring a problem that was not shown.
 * - Any other problem only when every reading has it: one that a single occurrence causes elsewhere (a
 *   rule set's `scope: patient` makes its lesion facts unknown) would mislead if the author meant the other.
 */
export function problemsOfDocument(source: SourceDocument, check: (reading: SourceDocument) => Problem[]): Problem[] {
  return [...source.problems, ...problemsOfEveryReading(source, check)];
}

function problemsOfEveryReading(source: SourceDocument, check: (reading: SourceDocument) => Problem[]): Problem[] {
  const found = check(source);
  const shadowed = source.shadowed ?? [];
  if (!shadowed.length) return found;
  const readings = shadowed.map(({ path, source: reading }) => ({ path, problems: check(reading) }));
  const atRepeatedKey = (p: Problem): boolean => readings.some((r) => within(p.path, r.path));
  const inEveryReading = (p: Problem): boolean => readings.every((r) => r.problems.some((q) => sameProblem(p, q)));
  return [...found.filter((p) => atRepeatedKey(p) || inEveryReading(p)), ...readings.flatMap((r) => r.problems.filter((p) => within(p.path, r.path)))];
}

function within(path: string | undefined, key: string): boolean {
  return path !== undefined && (path === key || path.startsWith(`${key}/`));
}

function sameProblem(a: Problem, b: Problem): boolean {
  return a.code === b.code && a.line === b.line && a.column === b.column && a.path === b.path && a.message === b.message;
}
