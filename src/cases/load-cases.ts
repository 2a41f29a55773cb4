import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Patient } from '../patient/load-patient.js';
import type { Problem } from '../problems/problem.js';
import { hasErrors } from '../problems/problem.js';
import { problemsOfEveryReading } from '../source/every-reading.js';
import { documentSchemaProblems, schemaProblems } from '../source/schema-problems.js';
import { validator } from '../source/schemas.js';
import { readSourceFile, type PathSegment, type SourceDocument } from '../source/source-document.js';

export interface Expectation {
  score?: number | null;
  range?: [number, number] | null;
  category?: string | null;
  possibleCategories?: string[];
  components?: Record<string, number | null>;
  subscores?: Record<string, number | null>;
  missing?: string[];
  fired?: string[];
  warnings?: string[];
  classifications?: Record<string, string | null>;
  recommendations?: string[];
  possibleRecommendations?: string[];
  /** Profile change ids that touched the result. */
  overrides?: string[];
}

export interface TestCase {
  ruleset: string;
  name: string;
  file: string;
  line: number;
  patient: Patient;
  lesionIndex: number;
  expect: Expectation;
}

export interface Supersession {
  case: string;
  reason: string;
  file: string;
  line: number;
  column: number;
}

interface CaseDocument {
  ruleset: string;
  supersedes?: Array<{ case: string; reason: string }>;
  cases: Array<{ name: string; patient?: Patient; lesion?: Patient; lesionIndex?: number; expect: Expectation }>;
}

/** Test-case files (`*.test.yaml`) under the given files or folders. */
export function findCaseFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  const visit = (path: string): void => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat?.isDirectory()) for (const entry of readdirSync(path).sort()) visit(join(path, entry));
    else if (/\.test\.ya?ml$/.test(path)) files.push(path);
  };
  paths.forEach(visit);
  return files;
}

/**
 * Reads one case file; every case's patient is checked against the patient contract where it stands
 * in the file (a `lesion:` shorthand becomes a patient with that one lesion). A case whose patient
 * breaks the contract is left out, the others run; a file the schema rejects, or one with a repeated
 * key (which of its values was meant?), runs none.
 */
export function loadCaseFile(file: string): { cases: TestCase[]; supersedes: Supersession[]; problems: Problem[] } {
  const source = readSourceFile(file);
  if (source.data === undefined) return { cases: [], supersedes: [], problems: source.problems };
  const problems = [...source.problems, ...problemsOfEveryReading(source, caseFileProblems)];
  if (hasErrors(source.problems) || !validator('cases')(source.data)) return { cases: [], supersedes: [], problems };

  const doc = source.data as CaseDocument;
  const validatePatient = validator('patient');
  const cases = doc.cases.flatMap((c, i): TestCase[] => {
    const patient = casePatient(c);
    if (!validatePatient(patient)) return [];
    return [{ ruleset: doc.ruleset, name: c.name, file, line: source.locate(['cases', i]).line, patient, lesionIndex: c.lesionIndex ?? 0, expect: c.expect }];
  });
  const supersedes = (doc.supersedes ?? []).map((s, i) => ({ ...s, file, ...source.locate(['supersedes', i, 'case']) }));
  return { cases, supersedes, problems };
}

/**
 * The cases schema's problems, else each case's patient's, placed where the case writes it, and a case
 * name used twice (supersedes and the test output name cases, so one name must be one case).
 */
function caseFileProblems(source: SourceDocument): Problem[] {
  const schema = documentSchemaProblems(source, 'cases');
  if (schema.length) return schema;
  const validatePatient = validator('patient');
  const named = new Set<string>();
  const repeated: Problem[] = [];
  (source.data as CaseDocument).cases.forEach((c, i) => {
    if (named.has(c.name)) repeated.push(source.problemAt(['cases', i, 'name'], 'DUPLICATE_ID', `another case of this file is named "${c.name}"`));
    named.add(c.name);
  });
  return [...repeated, ...(source.data as CaseDocument).cases.flatMap((c, i) => {
    if (validatePatient(casePatient(c))) return [];
    const toSource = (path: PathSegment[]): PathSegment[] =>
      c.lesion && path[0] === 'lesions' && path[1] === 0 ? ['cases', i, 'lesion', ...path.slice(2)] : ['cases', i, 'patient', ...path];
    return schemaProblems(validatePatient.errors ?? [], source, toSource);
  })];
}

function casePatient(c: CaseDocument['cases'][number]): Patient {
  return { ...(c.patient ?? {}), ...(c.lesion ? { lesions: [c.lesion] } : {}) };
}
