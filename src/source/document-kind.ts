import { outputKind } from '../audit/output-kind.js';
import { isPlainObject } from './plain-object.js';
import { validator } from './schemas.js';

/** What a document this tool reads or writes is, told from its keys, where another kind was expected. */
export type DocumentKind = 'evaluation' | 'record' | 'profile' | 'ruleset' | 'cases' | 'patient';

/**
 * The kind of a parsed document, or undefined when it is none of them clearly: a loader that expected
 * another kind then says what it was given, in one problem, rather than a dozen unknown keys.
 */
export function documentKind(data: unknown): DocumentKind | undefined {
  if (!isPlainObject(data)) return undefined;
  const output = outputKind(data);
  if (output) return output;
  if ('profile' in data) return 'profile';
  if ('id' in data && ('inputs' in data || 'scope' in data)) return 'ruleset';
  if ('cases' in data) return 'cases';
  return 'lesions' in data || validator('patient')(data) ? 'patient' : undefined;
}
