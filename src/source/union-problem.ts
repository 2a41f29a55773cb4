import type { ErrorObject } from 'ajv';
import type { Problem } from '../problems/problem.js';
import type { PathSegment, SourceDocument } from './source-document.js';

/** A branch of an `anyOf`/`oneOf` as ajv's `verbose` errors carry it: the raw sub-schema. */
interface Branch {
  title?: string;
  required?: string[];
}

/** Keywords that only describe a branch; a branch with nothing else asks only for its keys. */
const ANNOTATIONS = new Set(['title', 'description', '$comment']);

/**
 * An `anyOf`/`oneOf` that failed, as one problem. Its branches' own complaints are not reported: each
 * says why the value is not one form, which is not the author's mistake unless that form was meant.
 * - Branches that only require keys ("give min, max or both") say which keys: missing, or (oneOf) too
 *   many at once.
 * - Other branches are named by their titles.
 */
export function unionProblem(e: ErrorObject, source: SourceDocument, path: PathSegment[], where: string, given: string): Problem {
  const branches = (e.schema as Branch[] | undefined) ?? [];
  const keys = branches.map((b) => (Object.keys(b).every((k) => k === 'required' || ANNOTATIONS.has(k)) ? b.required : undefined));
  if (keys.every(isKeyList)) {
    // A oneOf names the (first two) branches that held; null when none did.
    const passing = (e.params as { passingSchemas?: number[] | null }).passingSchemas;
    if (passing?.length) return source.problemAt(path, 'SCHEMA_INVALID', `${where} has ${passing.map((i) => quoted(keys[i] ?? [])).join(' and ')}; give only one of them`);
    return source.problemAt(path, 'SCHEMA_REQUIRED', `${where} is missing ${keys.map(quoted).join(' or ')}`);
  }
  const names = branches.map((b, i) => b.title ?? `form ${i + 1}`);
  return source.problemAt(path, 'SCHEMA_INVALID', `${where} is ${given}; expected ${names.join(' or ')}`);
}

const isKeyList = (keys: string[] | undefined): keys is string[] => keys !== undefined && keys.length > 0;
const quoted = (keys: readonly string[]): string => keys.map((k) => `"${k}"`).join(' with ');
