import { checkPatient, type PatientLoad } from '../patient/load-patient.js';
import type { PatientFieldType } from '../patient/patient-fields.js';
import { sortProblems, type Problem, type ProblemCode } from '../problems/problem.js';
import { toPointer, valueAt, type PathSegment, type SourceDocument } from '../source/source-document.js';
import type { CsvColumn, CsvLayout } from './csv-columns.js';

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
// Registry exports write booleans in many ways; these are the unambiguous ones.
const BOOLEANS: Record<string, boolean> = { true: true, false: false, yes: true, no: false, '1': true, '0': false };

type Fields = Record<string, unknown>;

/**
 * One CSV record → a patient in the JSON contract, then the same schema check as a JSON patient. Cells are
 * typed by the field's schema type (so Bilsky grade "2" stays a string); an empty cell is a missing field,
 * never zero, and so is a lab whose value cell is empty, whatever its unit cell says. Every problem names the CSV line and the column (its 1-based number, and its header in the
 * message). A cell that is not of its type, or a gap in the lesions, does not stop the schema check of
 * the other cells: the row's problems all come at once.
 */
export function parseCsvRow(cells: readonly string[], layout: CsvLayout, line: number): PatientLoad {
  const { file, columns } = layout;
  if (cells.length !== columns.length) {
    const column = Math.min(cells.length, columns.length) + 1;
    return { problems: [{ code: 'CSV_COLUMN_COUNT', severity: 'error', message: `${cells.length} cells, but the header has ${columns.length} columns`, file, line, column }] };
  }
  const problems: Problem[] = [];
  const patient: Fields = {};
  const lesions: Array<Fields | undefined> = [];
  // Per field (and lesion): its value and its unit, which may come from two columns in either order.
  const given = new Map<string, { column: CsvColumn; value?: unknown; unread?: string; unit?: string }>();
  for (const column of columns) {
    const cell = cells[column.index] ?? '';
    if (cell === '') continue;
    const entry = given.get(fieldKey(column)) ?? { column };
    given.set(fieldKey(column), entry);
    if (column.part === 'unit') {
      entry.unit = cell;
      continue;
    }
    const value = convert(cell, column.field.type);
    if (value === undefined) {
      problems.push(cellProblem(layout, line, column, 'CSV_CELL', `${JSON.stringify(cell)} in column "${column.header}" is not ${article(column.field.type)}`));
      entry.unread = cell;
    }
    entry.value = value;
    if (column.unit !== undefined) entry.unit = column.unit;
  }
  // A cell that did not read has its one problem, CSV_CELL, and is left out of the schema check; in a lab
  // its text stands in for the value, so that the unit beside it is still checked, and the schema's
  // complaint about that text is dropped.
  const standIns = new Set<string>();
  for (const { column, value, unread, unit } of given.values()) {
    const target = column.lesion === undefined ? patient : (lesions[column.lesion] ??= {});
    // A unit beside an empty value cell is a missing value (exports fill the unit column on every row); a
    // value without its unit is {value}, so that the schema names the missing unit.
    const quantity = column.field.type === 'quantity' || unit !== undefined;
    if (quantity && value === undefined && unread === undefined) continue;
    if (quantity) {
      const held = value ?? unread;
      target[column.field.name] = { ...(held !== undefined ? { value: held } : {}), ...(unit !== undefined ? { unit } : {}) };
      if (unread !== undefined) standIns.add(toPointer([...fieldPath(column), 'value']));
    } else if (value !== undefined) target[column.field.name] = value;
  }
  const gap = lesions.findIndex((l) => l === undefined);
  if (gap >= 0) {
    const first = columns.find((c) => c.lesion === gap + 1) ?? columns[0];
    if (first) problems.push(cellProblem(layout, line, first, 'CSV_LESION_GAP', `lesion${gap + 2} has values but lesion${gap + 1} is empty; number the lesions from 1 without gaps`));
  }
  // An empty lesion stands in for a gap, so that the lesions after it are checked at their own columns;
  // how many vertebrae the lesions involve is then not known, so the count is not compared with it.
  if (lesions.length) patient.lesions = Array.from(lesions, (lesion) => lesion ?? {});
  const checked = checkPatient(csvRowSource(layout, line, cells, patient));
  if (!problems.length) return checked;
  const explained = (p: Problem): boolean => standIns.has(p.path ?? '') || (gap >= 0 && p.code === 'INCONSISTENT_INPUT');
  return { problems: sortProblems([...problems, ...checked.problems.filter((p) => !explained(p))]) };
}

function fieldKey(column: CsvColumn): string {
  return `${column.lesion ?? ''}:${column.field.name}`;
}

function convert(cell: string, type: PatientFieldType): unknown {
  switch (type) {
    case 'number':
    case 'integer':
    case 'quantity':
      return NUMBER.test(cell) ? Number(cell) : undefined;
    case 'boolean':
      return BOOLEANS[cell.toLowerCase()];
    default:
      return cell;
  }
}

function article(type: PatientFieldType): string {
  if (type === 'integer') return 'an integer';
  if (type === 'boolean') return 'a boolean (true/false, yes/no, 1/0)';
  return 'a number';
}

function cellProblem(layout: CsvLayout, line: number, column: CsvColumn, code: ProblemCode, message: string): Problem {
  return { code, severity: 'error', message, file: layout.file, line, column: column.index + 1, path: toPointer(columnPath(column)) };
}

function columnPath(column: CsvColumn): PathSegment[] {
  return column.part === 'unit' ? [...fieldPath(column), 'unit'] : fieldPath(column);
}

function fieldPath(column: CsvColumn): PathSegment[] {
  return column.lesion === undefined ? [column.field.name] : ['lesions', column.lesion, column.field.name];
}

/**
 * The row as a SourceDocument, so that schema problems are positioned by the same code as for JSON and
 * YAML: a value's position is its column (a quantity's `value` and `unit` their own columns).
 */
function csvRowSource(layout: CsvLayout, line: number, cells: readonly string[], data: Fields): SourceDocument {
  const byPointer = new Map<string, number>();
  for (const column of layout.columns) {
    const path = columnPath(column);
    const pointer = toPointer(path);
    if (!byPointer.has(pointer)) byPointer.set(pointer, column.index + 1);
    if (column.part === 'value') byPointer.set(toPointer([...path, 'value']), column.index + 1);
    // A lesion as a whole sits at its first column.
    if (column.lesion !== undefined && !byPointer.has(toPointer(['lesions', column.lesion]))) byPointer.set(toPointer(['lesions', column.lesion]), column.index + 1);
  }
  const locate = (path: readonly PathSegment[]) => {
    for (let n = path.length; n > 0; n--) {
      const column = byPointer.get(toPointer(path.slice(0, n)));
      if (column !== undefined) return { line, column };
    }
    return { line, column: 1 };
  };
  return {
    file: layout.file,
    data,
    problems: [],
    locate,
    // The cell as written: 1e400 reads as Infinity, which a message must not show as JSON does (null).
    textAt: (path) => {
      const column = byPointer.get(toPointer(path));
      return column === undefined ? undefined : cells[column - 1];
    },
    scalarAt: (path) => valueAt(data, path),
    problemAt: (path, code, message, options = {}) => ({ code, severity: options.severity ?? 'error', message, file: layout.file, path: toPointer(path), ...locate(path) }),
  };
}
