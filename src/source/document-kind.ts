import { outputKind } from '../audit/output-kind.js';
import { isPlainObject } from './plain-object.js';
import { patientField } from '../patient/patient-fields.js';
import { validator } from './schemas.js';

/** What a document this tool reads or writes is, told from its keys, where another kind was expected. */
export type DocumentKind = 'evaluation' | 'record' | 'profile' | 'ruleset' | 'cases' | 'patient';

/**
 * The kind of a parsed document, or undefined when it is none of them clearly: a loader that expected
 * another kind then says what it was given, in one problem, rather than a dozen unknown keys. A field of
 * the patient contract (other than `id`, which every kind has) makes it a patient, whatever stray key
 * beside it looks like another kind's: that key is then the patient's schema problem.
 */
export function documentKind(data: unknown): DocumentKind | undefined {
  if (!isPlainObject(data)) return undefined;
  const output = outputKind(data);
  if (output) return output;
  if (Object.keys(data).some((key) => key !== 'id' && patientField('patient', key))) return 'patient';
  if ('profile' in data) return 'profile';
  if ('id' in data && ('inputs' in data || 'scope' in data)) return 'ruleset';
  if ('cases' in data) return 'cases';
  return validator('patient')(data) ? 'patient' : undefined;
}

