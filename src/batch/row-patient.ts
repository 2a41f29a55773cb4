import { parsePatientJsonLine, type PatientLoad } from '../patient/load-patient.js';
import type { CsvLayout } from './csv-columns.js';
import { parseCsvRow } from './csv-row.js';
import { plainJson } from '../source/json-syntax.js';
import type { BatchRow } from './row-source.js';

/** A row of a cohort (NDJSON line or CSV record) as a patient, or its problems; `batch` and `diff --cohort` read rows alike. */
export function rowPatient(row: BatchRow, file: string, layout: CsvLayout | undefined): PatientLoad {
  if (row.kind === 'json') return parsePatientJsonLine(row.text, file, row.line);
  if (row.kind === 'csv' && layout) return parseCsvRow(row.cells, layout, row.line);
  return { problems: row.kind === 'invalid' ? row.problems : [] };
}

/**
 * A rejected NDJSON row's string `id`, when the line reads as JSON (not when a repeated key makes it
 * ambiguous), so that its error row can be joined back to the patient.
 */
export function jsonRowId(text: string): string | undefined {
  const data = plainJson(text) as { id?: unknown } | null | undefined;
  return typeof data === 'object' && data !== null && typeof data.id === 'string' && data.id !== '' ? data.id : undefined;
}

/** The NDJSON line of a row that could not be evaluated: its line, its patient when the row names one, and why. */
export function jsonErrorLine(line: number, id: string | undefined, error: { problems: readonly unknown[] }): string {
  return JSON.stringify({ line, ...(id !== undefined ? { patient: { id } } : {}), error }) + '\n';
}
