import { OUTPUT_READERS, OUTPUT_WORDS } from '../audit/output-kind.js';
import { documentKind } from '../source/document-kind.js';
import type { Problem } from '../problems/problem.js';
import { problemsOfDocument } from '../source/every-reading.js';
import { plainJson } from '../source/json-syntax.js';
import { jsonDocument } from '../source/json-source-document.js';
import { documentSchemaProblems } from '../source/schema-problems.js';
import { validator } from '../source/schemas.js';
import { parseSource, readSourceText, readStandardInput, STANDARD_INPUT, STANDARD_INPUT_NAME, type SourceDocument } from '../source/source-document.js';
import { listedVertebrae } from './listed-vertebrae.js';

export type Patient = Record<string, unknown>;

export interface PatientLoad {
  patient?: Patient;
  problems: Problem[];
}

export function loadPatientFile(file: string): PatientLoad {
  const read = readSourceText(file);
  return typeof read === 'string' ? patientOfText(read, file, /\.json$/i.test(file)) : checkPatient(read);
}

/** A patient file, or with `-` standard input: JSON when it opens with a brace (what jq and an export pipe in), else YAML. */
export async function loadPatientInput(file: string): Promise<PatientLoad> {
  if (file !== STANDARD_INPUT) return loadPatientFile(file);
  const read = await readStandardInput();
  return typeof read === 'string' ? patientOfText(read, STANDARD_INPUT_NAME, /^\uFEFF?\s*\{/.test(read)) : checkPatient(read);
}

/**
 * JSON is held to JSON: its syntax errors in JSON's terms, not YAML's ("Block collections are not
 * allowed within flow collections" for a missing comma), and no YAML-only forms accepted.
 */
function patientOfText(text: string, name: string, json: boolean): PatientLoad {
  return json ? parsePatientJson(text.replace(/^\uFEFF/, ''), name) : parsePatient(text, name);
}

export function parsePatient(text: string, name: string): PatientLoad {
  return checkPatient(parseSource(text, name));
}

/** One NDJSON line: strictly JSON (a YAML parser would read a stray word as a string patient). */
export function parsePatientJsonLine(text: string, name: string, line: number, maxBytes?: number): PatientLoad {
  const load = parsePatientJson(text, name, maxBytes);
  return { ...load, problems: load.problems.map((p) => ({ ...p, line })) };
}

/** A JSON document (an HTTP body, an NDJSON line): strictly JSON, then the same checks as a file. */
/** `maxBytes`: as for parseSource (the service's body limit for a body or a /batch line). */
export function parsePatientJson(text: string, name: string, maxBytes?: number): PatientLoad {
  // A valid patient needs no positions: JSON.parse and the schema decide it. A text JSON.parse reads is
  // placed by the JSON reader; anything else goes through YAML's, many times slower, which also tells
  // repeated and forbidden keys.
  const data = plainJson(text);
  if (data !== undefined && validator('patient')(data) && !inconsistency(data as Patient)) return { patient: data as Patient, problems: [] };
  return checkPatient(jsonDocument(text, name, data, maxBytes));
}

/**
 * JSON or YAML, checked against schemas/patient.schema.json with every problem positioned. A repeated
 * key is checked too (each of its values), so that it hides none of the other problems; the patient is
 * given only when there are none.
 */
export function checkPatient(source: SourceDocument): PatientLoad {
  if (source.data === undefined) return { problems: source.problems };
  const problems = problemsOfDocument(source, patientProblems);
  return problems.length ? { problems } : { patient: source.data as Patient, problems };
}

function patientProblems(source: SourceDocument): Problem[] {
  // An output given where a patient is expected: one problem saying what it is, not a dozen unknown keys.
  const kind = documentKind(source.data);
  const other = kind === 'evaluation' || kind === 'record' ? `${OUTPUT_WORDS[kind]}, not a patient: ${OUTPUT_READERS}${kind === 'record' ? '; its patient is under "input"' : ''}`
    // Said without a command's options: a batch row and the service's body are read here too.
    : kind === 'profile' ? 'an institution profile, not a patient'
    : kind === 'ruleset' ? 'a rule set, not a patient'
    : kind === 'cases' ? 'a file of test cases, not a patient'
    : undefined;
  if (other) return [source.problemAt([], 'NOT_A_PATIENT', `this is ${other}`)];
  const schema = documentSchemaProblems(source, 'patient');
  // The count and the levels are compared whatever else is wrong (an age written "x" does not hide an
  // inconsistency, to be found only once it is fixed), unless the document, the count or the list is
  // itself malformed. A lesion or level in error counts as a lesion whose level is not known: the
  // levels that are valid may exceed the count all the same.
  if (schema.some((p) => p.path === undefined || UNCOMPARABLE.test(p.path))) return schema;
  const unknownLevel = new Set(schema.flatMap((p) => LESION_IN_ERROR.exec(p.path ?? '')?.[1] ?? []).map(Number));
  const patient = source.data as Patient;
  const compared = unknownLevel.size && Array.isArray(patient.lesions) ? { ...patient, lesions: patient.lesions.map((l: unknown, i) => (unknownLevel.has(i) ? {} : l)) } : patient;
  return [...schema, ...consistencyProblems(compared, source)];
}

/** Problems that leave nothing to compare: the document (whose pointer is `/`), the count, the list of lesions. */
const UNCOMPARABLE = /^(\/?|\/spinalMetastasisCount|\/lesions)$/;
/** A lesion, or its level, in error. */
const LESION_IN_ERROR = /^\/lesions\/(\d+)(?:\/level)?$/;

/** What JSON Schema cannot relate: a count of involved vertebrae below the number of vertebrae the lesions list. */
function consistencyProblems(patient: Patient, source: SourceDocument): Problem[] {
  const message = inconsistency(patient);
  return message ? [source.problemAt(['spinalMetastasisCount'], 'INCONSISTENT_INPUT', message)] : [];
}

function inconsistency(patient: Patient): string | undefined {
  const count = patient.spinalMetastasisCount;
  // A lesion without a level may share a listed level: only the least number the lesions involve binds.
  const listed = Array.isArray(patient.lesions) ? listedVertebrae(patient.lesions).least : 0;
  return typeof count === 'number' && count < listed ? `spinalMetastasisCount is ${count} but the lesions listed involve ${listed} vertebrae` : undefined;
}
