import type { InputFormat } from './formats.js';
import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Problem } from '../problems/problem.js';
import { csvLayout, type CsvLayout } from './csv-columns.js';
import { csvRecords, type CsvRecordAt } from './csv-records.js';
import { STANDARD_INPUT, STANDARD_INPUT_NAME } from '../source/source-document.js';
import { EncodingFaults } from '../source/encoding-faults.js';

/**
 * One data row of the input, not yet parsed into a patient (workers do that). `index` counts data rows from
 * 0 in file order, bad ones included (it is what --shard splits on); `line` is the row's first line in the file.
 */
export type BatchRow = { index: number; line: number } & ({ kind: 'json'; text: string } | { kind: 'csv'; cells: string[] } | InvalidRow);

/** A row that could not be read; `before`: a CSV row's cells before the one that failed, where its id may still be read. */
type InvalidRow = { kind: 'invalid'; problems: Problem[]; before?: string[] };

export interface RowSource {
  /** The input as problems name it: the file, or <stdin>. */
  name: string;
  /** The CSV header's mapping, for the workers. */
  layout?: CsvLayout;
  rows: AsyncIterable<BatchRow>;
  /**
   * Bytes of the file up to the end of the last row handed out, and the file's size: the progress bar's
   * share done and ETA (the row count is not known before the end; the stream's own read-ahead would put a
   * small file at 100% at once).
   */
  consumed(): number;
  size: number;
}

/** `.csv` is CSV, anything else NDJSON, unless the format is given. */
export function inputFormatOf(file: string, given?: InputFormat): InputFormat {
  return given ?? (/\.csv$/i.test(file) ? 'csv' : 'ndjson');
}

/** Opens the input as a stream of rows; a file that cannot be read, or a CSV header that does not map, is problems. */
export async function openRowSource(file: string, format: InputFormat): Promise<{ source?: RowSource; problems: Problem[] }> {
  // Standard input: a pipe (a decompressed or filtered cohort) whose size is not known, so no share done or ETA.
  if (file === STANDARD_INPUT) return format === 'csv' ? csvSource(process.stdin, STANDARD_INPUT_NAME, 0) : ndjsonSource(process.stdin, STANDARD_INPUT_NAME, 0);
  // A directory opens like a file and fails only at the first read: say so before.
  const stat = statSync(file, { throwIfNoEntry: false });
  if (stat?.isDirectory()) return { problems: [{ code: 'FILE_UNREADABLE', severity: 'error', message: 'is a directory; give the cohort file (NDJSON or CSV)', file, line: 1, column: 1 }] };
  const input = createReadStream(file);
  // `once` rejects when the stream errors first (ENOENT, EACCES): that is the file that cannot be read.
  const failure = await once(input, 'readable').then(
    () => undefined,
    (err: NodeJS.ErrnoException) => err.code ?? 'unknown error',
  );
  // Worded as every other file that cannot be read (readSourceText): with the system's reason.
  if (failure) return { problems: [{ code: 'FILE_UNREADABLE', severity: 'error', message: `cannot read file (${failure})`, file, line: 1, column: 1 }] };
  // Opened, so it exists: its size is the one read before (the progress bar's whole).
  const size = stat?.size ?? 0;
  return format === 'csv' ? csvSource(input, file, size) : ndjsonSource(input, file, size);
}

function ndjsonSource(input: Readable, name: string, size: number): { source: RowSource; problems: Problem[] } {
  const position = { bytes: 0 };
  return { source: { name, rows: ndjsonRows(input, name, position), consumed: () => position.bytes, size }, problems: [] };
}

const BYTE_ORDER_MARK = 0xfeff;

async function* ndjsonRows(input: Readable, name: string, position: { bytes: number }): AsyncGenerator<BatchRow> {
  const encoding = new EncodingFaults(input, name, 'any');
  let line = 0;
  let index = 0;
  for await (const text of createInterface({ input: encoding.checked, crlfDelay: Infinity })) {
    line++;
    position.bytes += Buffer.byteLength(text) + 1;
    // A byte-order mark (editors on Windows write one) is not part of the first record.
    const record = line === 1 && text.charCodeAt(0) === BYTE_ORDER_MARK ? text.slice(1) : text;
    const faults = encoding.within(line, line);
    if (faults.length) yield { index: index++, line, kind: 'invalid', problems: faults };
    else if (record.trim() !== '') yield { index: index++, line, kind: 'json', text: record };
  }
  // A last line of nothing but an incomplete sequence decodes to nothing at all: its fault is still a row.
  const unread = encoding.within(line + 1, line + 1);
  if (unread.length) yield { index: index++, line: line + 1, kind: 'invalid', problems: unread };
}

async function csvSource(input: Readable, name: string, size: number): Promise<{ source?: RowSource; problems: Problem[] }> {
  const encoding = new EncodingFaults(input, name, 'first');
  const records = csvRecords(encoding.checked.setEncoding('utf8'), name);
  const first = await records.next();
  if (first.done) return { problems: [{ code: 'CSV_HEADER', severity: 'error', message: 'the file has no header row', file: name, line: 1, column: 1 }] };
  const { layout, problems } = 'cells' in first.value ? csvLayout(first.value.cells, name, first.value.line) : { layout: undefined, problems: first.value.problems };
  const headerFaults = encoding.within(first.value.line, lastLine(first.value, encoding.returnsOnly));
  if (!layout || headerFaults.length) {
    input.destroy();
    return { problems: [...headerFaults, ...problems] };
  }
  let consumed = 0;
  async function* rows(): AsyncGenerator<BatchRow> {
    let index = 0;
    for await (const record of records) {
      consumed = record.bytes;
      const { line } = record;
      // A row of empty cells (a spreadsheet's trailing ",,,") is a blank line, not a patient with nothing known.
      if ('cells' in record && record.cells.every((cell) => cell === '')) continue;
      const faults = encoding.within(line, lastLine(record, encoding.returnsOnly));
      if (faults.length) yield { index: index++, line, kind: 'invalid', problems: [...faults, ...('problems' in record ? record.problems : [])] };
      else yield 'cells' in record ? { index: index++, line, kind: 'csv', cells: record.cells } : { index: index++, line, kind: 'invalid', problems: record.problems, before: record.before };
    }
  }
  return { source: { name, layout, rows: rows(), consumed: () => consumed, size }, problems: [] };
}

/** The last line of a CSV record: a quoted cell may hold line breaks (a bad record is read as its first line). */
function lastLine(record: CsvRecordAt, returnsOnly: boolean): number {
  if (!('cells' in record)) return record.line;
  const lineBreak = returnsOnly ? '\r' : '\n';
  let breaks = 0;
  for (const cell of record.cells) for (let at = cell.indexOf(lineBreak); at !== -1; at = cell.indexOf(lineBreak, at + 1)) breaks++;
  return record.line + breaks;
}
