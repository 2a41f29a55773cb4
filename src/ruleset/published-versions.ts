import { isPlainObject } from '../source/plain-object.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Problem } from '../problems/problem.js';
import { within } from '../source/files-under.js';
import { jsonSyntaxProblem } from '../source/json-syntax.js';
import type { LoadedRuleSet } from './types.js';

/** The file at a library's root that holds the content hash of each version published from it. */
export const PUBLISHED_FILE = 'published.json';

/** Rule-set id → version → sha256 of its canonical content, as published. */
export type PublishedVersions = Record<string, Record<string, string>>;

/**
 * A library's rule file edited in place without a version of its own: results would name the published
 * version (sins 1.1.0) for content that is not it, and only the hash beside it would tell. Each rule set
 * under a library root whose `published.json` holds its version with another hash is a warning at its
 * version. A version not listed is not published yet (a draft, or an institution's own rule set).
 */
export function editedPublishedVersions(rulesets: readonly LoadedRuleSet[], roots: readonly string[]): Problem[] {
  return roots.flatMap((root) => {
    const { published, problems } = readPublished(root);
    const file = join(root, PUBLISHED_FILE);
    return [
      ...problems,
      ...rulesets.flatMap((r) => {
        const { id, version } = r.document;
        const hash = published[id]?.[version];
        if (hash === undefined || hash === r.sha256 || !within(r.file, root)) return [];
        return [r.source.problemAt(['version'], 'RULESET_VERSION_REUSED', `${id} ${version} was published with other content (sha256 ${hash.slice(0, 12)} in ${file}, now ${r.sha256.slice(0, 12)}): results naming ${id} ${version} would mean two contents; give the change a version of its own, with its changelog entry`, { severity: 'warning' })];
      }),
    ];
  });
}

/** A library's published versions (none where it keeps no file; keys starting with `$` are notes), or why they cannot be read. */
export function readPublished(root: string): { published: PublishedVersions; problems: Problem[] } {
  const file = join(root, PUBLISHED_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    // A library that keeps none is not at fault; one that keeps a file no one can read is said, not taken as none.
    const code = (err as NodeJS.ErrnoException).code;
    return { published: {}, problems: code === 'ENOENT' ? [] : [{ code: 'FILE_UNREADABLE', severity: 'error', message: `cannot read file (${code ?? 'unknown error'})`, file, line: 1, column: 1 }] };
  }
  const syntax = jsonSyntaxProblem(text, file);
  if (syntax) return { published: {}, problems: [syntax] };
  const data: unknown = JSON.parse(text);
  const entries = isPlainObject(data) ? Object.entries(data).filter(([key]) => !key.startsWith('$')) : undefined;
  const wrong = entries ? entries.find(([, versions]) => !isVersionHashes(versions))?.[0] : '';
  if (!entries || wrong !== undefined) {
    const message = `${wrong ? `"${wrong}" is` : 'the file is'} not what it should be: ${wrong ? 'an object of version: sha256 (hex)' : 'an object of rule-set id: { version: sha256 }'}`;
    return { published: {}, problems: [{ code: 'SCHEMA_TYPE', severity: 'error', message, file, line: 1, column: 1 }] };
  }
  return { published: Object.fromEntries(entries) as PublishedVersions, problems: [] };
}

function isVersionHashes(value: unknown): boolean {
  return isPlainObject(value) && Object.values(value).every((hash) => typeof hash === 'string' && /^[0-9a-f]{64}$/.test(hash));
}
