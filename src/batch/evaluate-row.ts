import type { OutputFormat } from './formats.js';
import { stringify } from 'csv-stringify/sync';
import { evaluatePatient } from '../engine/evaluate-patient.js';
import { withTraceLevel, type TraceLevel } from '../engine/trace-level.js';
import type { Evaluation } from '../engine/types.js';
import type { Patient } from '../patient/load-patient.js';
import { formatProblems } from '../problems/format.js';
import type { Problem } from '../problems/problem.js';
import type { LoadedRuleSet } from '../ruleset/types.js';
import type { CsvLayout } from './csv-columns.js';
import { jsonLine } from './json-line.js';
import { errorCells, resultCells, resultColumns, type ResultColumns } from './result-columns.js';
import type { BatchRow } from './row-source.js';
import { jsonErrorLine, jsonRowId, rowPatient } from './row-patient.js';
import { tallyEvaluation, type Tally } from './summary.js';


/** Everything a row needs besides itself; built once per worker (or once in-process). */
export interface RowJob {
  /** The input file, named in problems. */
  file: string;
  rulesets: readonly LoadedRuleSet[];
  layout?: CsvLayout;
  format: OutputFormat;
  trace: TraceLevel;
  /** With CSV output. */
  columns?: ResultColumns;
  /** --record: the main thread records the full evaluation before the result is written, so it needs it back. */
  keepEvaluation: boolean;
}

/** A row evaluated: its output text, or the patient and evaluation still to be recorded and formatted. */
export interface RowOutcome {
  line: number;
  /** A string where it was made; bytes once a worker has handed it to the main thread (outcome-bytes.ts). */
  text?: string | Uint8Array;
  problems?: Problem[];
  tally: Tally;
  patient?: Patient;
  evaluation?: Evaluation;
}

export async function evaluateRow(row: BatchRow, job: RowJob): Promise<RowOutcome> {
  const load = rowPatient(row, job.file, job.layout);
  if (!load.patient) return { line: row.line, ...formatProblemsRow(row.line, load.problems, job, rowId(row, job.layout)) };
  // A decision record keeps the full trace; otherwise only what the output level shows is built.
  const evaluation = await evaluatePatient(load.patient, job.rulesets, { trace: job.keepEvaluation ? 'full' : job.trace });
  if (job.keepEvaluation) return { line: row.line, tally: [], patient: load.patient, evaluation };
  return { line: row.line, ...formatEvaluation(row.line, evaluation, job) };
}

/** The output line of an evaluated patient, at the chosen trace level. */
export function formatEvaluation(line: number, evaluation: Evaluation, job: RowJob, decisionId?: string): { text: string | Uint8Array; tally: Tally; problems?: Problem[] } {
  if (job.format === 'ndjson') return { text: jsonLine({ line, ...withTraceLevel(evaluation, job.trace), ...(decisionId ? { decisionId } : {}) }), tally: tallyEvaluation(evaluation) };
  const columns = job.columns as ResultColumns;
  if (!fitsOutput(evaluation, job)) {
    // Dropping lesions from a row would be silent data loss; the row becomes an error that says what to do,
    // and like any error row it adds nothing to the summary's counts.
    const message = `${evaluation.lesions.length} lesions, but the CSV output has ${columns.lesionCount} lesion column groups; raise --lesion-columns`;
    const problem: Problem = { code: 'CSV_TOO_MANY_LESIONS', severity: 'error', message, file: job.file, line, column: 1 };
    return formatProblemsRow(line, [problem], job, evaluation.patient.id ?? undefined);
  }
  return { text: stringify([resultCells(line, evaluation, columns)]), tally: tallyEvaluation(evaluation) };
}

/**
 * A rejected row's id as written, so that its error row can be joined back to the patient: a CSV row's id
 * cell (of a row that failed to read, when it comes before the cell that failed), or an NDJSON row's id.
 */
function rowId(row: BatchRow, layout: CsvLayout | undefined): string | undefined {
  if (row.kind === 'json') return jsonRowId(row.text);
  const column = layout?.columns.find((c) => c.field.name === 'id' && c.lesion === undefined);
  const cells = row.kind === 'csv' ? row.cells : row.before;
  return column ? cells?.[column.index] || undefined : undefined;
}

/** Whether the evaluation can be written as a row: CSV output has a fixed number of lesion column groups. */
export function fitsOutput(evaluation: Evaluation, job: RowJob): boolean {
  return job.format !== 'csv' || evaluation.lesions.length <= (job.columns as ResultColumns).lesionCount;
}

function formatProblemsRow(line: number, problems: Problem[], job: RowJob, id?: string): { text: string; tally: Tally; problems: Problem[] } {
  const text = job.format === 'ndjson' ? jsonErrorLine(line, id, { problems }) : stringify([errorCells(line, id, formatProblems(problems), job.columns as ResultColumns)]);
  return { text, tally: [], problems };
}

/** What a worker is told at start (structured-cloneable), besides the rule sets. */
export interface JobSpec {
  file: string;
  layout?: CsvLayout;
  format: OutputFormat;
  trace: TraceLevel;
  lesionColumns: number;
  keepEvaluation: boolean;
}

export function buildRowJob(spec: JobSpec, rulesets: readonly LoadedRuleSet[]): RowJob {
  return {
    file: spec.file,
    rulesets,
    format: spec.format,
    trace: spec.trace,
    keepEvaluation: spec.keepEvaluation,
    ...(spec.layout ? { layout: spec.layout } : {}),
    ...(spec.format === 'csv' ? { columns: resultColumns(rulesets, spec.lesionColumns) } : {}),
  };
}
