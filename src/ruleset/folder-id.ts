import { isAbsolute, relative, sep } from 'node:path';
import type { Problem } from '../problems/problem.js';
import { pathKind } from '../source/folder-walk.js';
import type { LoadedRuleSet } from './types.js';

/**
 * Under a rule folder each rule set has a folder named by its id, `<folder>/<id>/<id>.yaml` (README,
 * "Editing a rule set without code"), and its test cases beside it name it by that id. A file there
 * that declares another id would leave those cases to whatever else answers to the folder's name (a
 * bundled rule set taken to satisfy a `requires`), so the two must agree. Files given by name, or lying
 * directly in a folder given, carry no such promise and are not checked.
 */
export function folderIdProblem(ruleset: LoadedRuleSet, roots: readonly string[]): Problem | undefined {
  const folder = layoutFolder(ruleset.file, roots);
  const { id } = ruleset.document;
  if (folder === undefined || folder === id) return undefined;
  return ruleset.source.problemAt(['id'], 'RULESET_ID_MISMATCH', `id "${id}" differs from the rule set's folder "${folder}" (the layout is <folder>/<id>/<id>.yaml); correct the id, or rename the folder to ${id}`);
}

/** `<id>` when `file` is `<root>/<id>/<name>` for one of the folders given. */
function layoutFolder(file: string, roots: readonly string[]): string | undefined {
  for (const root of roots) {
    if (pathKind(root).kind !== 'folder') continue;
    const inside = relative(root, file);
    if (inside.startsWith('..') || isAbsolute(inside)) continue;
    const parts = inside.split(sep);
    if (parts.length === 2) return parts[0];
  }
  return undefined;
}
