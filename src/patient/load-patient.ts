import type { Problem } from '../problems/problem.js';
import { hasErrors } from '../problems/problem.js';
import { schemaProblems } from '../source/schema-problems.js';
import { validator } from '../source/schemas.js';
import { parseSource, readSourceFile, type SourceDocument } from '../source/source-document.js';

export type Patient = Record<string, unknown>;

export interface PatientLoad {
  patient?: Patient;
  problems: Problem[];
}

export function loadPatientFile(file: string): PatientLoad {
  return checkPatient(readSourceFile(file));
}

export function parsePatient(text: string, name: string): PatientLoad {
  return checkPatient(parseSource(text, name));
}

/** JSON or YAML, checked against schemas/patient.schema.json with every problem positioned. */
export function checkPatient(source: SourceDocument): PatientLoad {
  if (hasErrors(source.problems)) return { problems: source.problems };
  const validate = validator('patient');
  if (!validate(source.data)) return { problems: schemaProblems(validate.errors ?? [], source) };
  return { patient: source.data as Patient, problems: [] };
}
