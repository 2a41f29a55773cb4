import { parsePatientJsonLine, type PatientLoad } from '../patient/load-patient.js';
import type { CsvLayout } from './csv-columns.js';
import { parseCsvRow } from './csv-row.js';
import type { BatchRow } from './row-source.js';

/** A row of a cohort (NDJSON line or CSV record) as a patient, or its problems; `batch` and `diff --cohort` read rows alike. */
export function rowPatient(row: BatchRow, file: string, layout: CsvLayout | undefined): PatientLoad {
  if (row.kind === 'json') return parsePatientJsonLine(row.text, file, row.line);
  if (row.kind === 'csv' && layout) return parseCsvRow(row.cells, layout, row.line);
  return { problems: row.kind === 'invalid' ? row.problems : [] };
}
