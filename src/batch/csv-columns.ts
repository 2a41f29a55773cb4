import { patientFields, type PatientField } from '../patient/patient-fields.js';
import type { Problem } from '../problems/problem.js';
import { closest } from '../source/closest.js';

/** The schema's lesion limit: `lesion1.` to `lesion33.` (schemas/patient.schema.json, lesions.maxItems). */
const MAX_LESIONS = 33;

/** One CSV column and the patient field it fills. */
export interface CsvColumn {
  /** 0-based position in the row. */
  index: number;
  header: string;
  field: PatientField;
  /** 0-based lesion for `lesionN.<field>` columns; absent for patient fields. */
  lesion?: number;
  /** `unit`: the `<field>.unit` column, holding the unit of the value column beside it. */
  part: 'value' | 'unit';
  /** The unit every value of a `<field>[<unit>]` column is in. */
  unit?: string;
}

/** How a CSV file's header maps onto the patient contract. */
export interface CsvLayout {
  file: string;
  columns: CsvColumn[];
  /** Lesion groups named in the header (the highest N of `lesionN.`). */
  lesionCount: number;
}

// `field`, `lesion3.field`, `crp.unit`, `crp[mg/L]`, `lesion1.level`.
const HEADER = /^(?:lesion(\d+)\.)?([A-Za-z][A-Za-z0-9]*)(?:(\.unit)|\[([^\]]+)\])?$/;

/**
 * Reads the header row against schemas/patient.schema.json. Unknown or duplicate columns are errors, like
 * unknown keys in JSON: a misspelt column must not turn into missing data for every patient.
 */
export function csvLayout(header: readonly string[], file: string, line: number): { layout?: CsvLayout; problems: Problem[] } {
  const problems: Problem[] = [];
  const columns: CsvColumn[] = [];
  const seen = new Set<string>();
  const problem = (index: number, message: string): void => {
    problems.push({ code: 'CSV_HEADER', severity: 'error', message, file, line, column: index + 1 });
  };
  header.forEach((raw, index) => {
    const name = raw.trim();
    const column = parseHeader(name, index);
    if (typeof column === 'string') return problem(index, column);
    if (seen.has(name)) return problem(index, `column "${name}" appears twice`);
    seen.add(name);
    columns.push(column);
  });
  problems.push(...unitProblems(columns, file, line));
  // In the header's order, as a reader goes along it (the unit checks come after the names).
  if (problems.length) return { problems: problems.sort((a, b) => (a.column ?? 0) - (b.column ?? 0)) };
  const lesionCount = Math.max(0, ...columns.map((c) => (c.lesion ?? -1) + 1));
  return { layout: { file, columns, lesionCount }, problems };
}

function parseHeader(name: string, index: number): CsvColumn | string {
  const match = HEADER.exec(name);
  const lesionNo = match?.[1] === undefined ? undefined : Number(match[1]);
  const fieldName = match?.[2] ?? '';
  const scope = lesionNo === undefined ? 'patient' : 'lesion';
  const field = patientFields().get(`${scope}:${fieldName}`);
  if (name === '') return 'a column has no name; name it after the patient field it holds, or remove the column';
  if (!match || !field || field.type === 'array') return `unknown column "${name}"${suggestion(name)}`;
  if (lesionNo !== undefined && (lesionNo < 1 || lesionNo > MAX_LESIONS)) return `"${name}": lesions are numbered lesion1 to lesion${MAX_LESIONS}`;
  const unitColumn = match[3] !== undefined;
  const fixedUnit = match[4];
  if ((unitColumn || fixedUnit !== undefined) && field.units.length === 0) return `"${fieldName}" has no unit; name the column "${fieldName}"`;
  if (fixedUnit !== undefined && !field.units.includes(fixedUnit)) return `"${name}": unit "${fixedUnit}" is not one of ${field.units.map((u) => `"${u}"`).join(', ')}`;
  return {
    index,
    header: name,
    field,
    part: unitColumn ? 'unit' : 'value',
    ...(lesionNo !== undefined ? { lesion: lesionNo - 1 } : {}),
    ...(fixedUnit !== undefined ? { unit: fixedUnit } : {}),
  };
}

/** A lab needs its unit from somewhere, and from one place only. */
function unitProblems(columns: readonly CsvColumn[], file: string, line: number): Problem[] {
  const problems: Problem[] = [];
  for (const unit of columns.filter((c) => c.part === 'unit')) {
    if (!columns.some((c) => c.part === 'value' && c.field === unit.field && c.lesion === unit.lesion)) {
      problems.push({ code: 'CSV_HEADER', severity: 'error', message: `"${unit.header}" has no "${unit.header.replace(/\.unit$/, '')}" column for the values it is the unit of`, file, line, column: unit.index + 1 });
    }
  }
  for (const value of columns.filter((c) => c.part === 'value')) {
    const unitColumn = columns.find((c) => c.part === 'unit' && c.field === value.field && c.lesion === value.lesion);
    const name = value.field.name;
    const at = { code: 'CSV_HEADER', severity: 'error', file, line, column: value.index + 1 } as const;
    if (value.unit !== undefined && unitColumn) problems.push({ ...at, message: `"${value.header}" fixes the unit, so "${unitColumn.header}" is not allowed` });
    if (value.field.type === 'quantity' && value.unit === undefined && !unitColumn) {
      problems.push({ ...at, message: `"${name}" needs its unit: add a "${name}.unit" column or name the column e.g. "${name}[${value.field.units[0] ?? ''}]"` });
    }
    const twins = columns.filter((c) => c.part === 'value' && c.field === value.field && c.lesion === value.lesion);
    if (twins.length > 1 && twins[0] === value) problems.push({ ...at, message: `"${name}" is given by ${twins.length} columns: ${twins.map((c) => `"${c.header}"`).join(', ')}` });
  }
  return problems;
}

function suggestion(name: string): string {
  const known = [...patientFields().values()].filter((f) => f.type !== 'array').map((f) => (f.scope === 'lesion' ? `lesion1.${f.name}` : f.name));
  const near = closest(name, known);
  return near ? `; did you mean "${near}"?` : '';
}
