import { parseTree } from 'jsonc-parser';
import { parsePatientJsonLine, type PatientLoad } from '../patient/load-patient.js';
import type { CsvLayout } from './csv-columns.js';
import { parseCsvRow } from './csv-row.js';
import { firstTooDeep } from '../source/flow-nesting.js';
import { hasKeyProblem } from '../source/json-syntax.js';
import type { BatchRow } from './row-source.js';

/** A row of a cohort (NDJSON line or CSV record) as a patient, or its problems; `batch` and `diff --cohort` read rows alike. */
export function rowPatient(row: BatchRow, file: string, layout: CsvLayout | undefined): PatientLoad {
  if (row.kind === 'json') return parsePatientJsonLine(row.text, file, row.line);
  if (row.kind === 'csv' && layout) return parseCsvRow(row.cells, layout, row.line);
  return { problems: row.kind === 'invalid' ? row.problems : [] };
}

/**
 * A rejected NDJSON row's string `id`, when the line reads as JSON, so that its error row can be joined
 * back to the patient. A key repeated elsewhere in the line leaves it readable; a repeated `id` does not
 * (which of the two is meant cannot be told).
 */
export function jsonRowId(text: string): string | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!hasKeyProblem(text)) return nonEmptyString((data as { id?: unknown } | null)?.id);
  // jsonc-parser's tree is built by recursion: not for a line nesting beyond any patient's.
  if (firstTooDeep(text) !== undefined) return undefined;
  const ids = parseTree(text)?.children?.filter((property) => property.children?.[0]?.value === 'id') ?? [];
  return ids.length === 1 ? nonEmptyString(ids[0]?.children?.[1]?.value) : undefined;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The NDJSON line of a row that could not be evaluated: its line, its patient when the row names one, and why. */
export function jsonErrorLine(line: number, id: string | undefined, error: { problems: readonly unknown[] }): string {
  return JSON.stringify({ line, ...(id !== undefined ? { patient: { id } } : {}), error }) + '\n';
}
