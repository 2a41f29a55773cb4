import type { InputFormat } from './formats.js';
import { createReadStream, statSync, type ReadStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { CsvError, parse, type Options } from 'csv-parse';
import type { Problem } from '../problems/problem.js';
import { csvLayout, type CsvLayout } from './csv-columns.js';


/**
 * One data row of the input, not yet parsed into a patient (workers do that). `index` counts data rows from
 * 0 in file order, bad ones included (it is what --shard splits on); `line` is the row's first line in the file.
 */
export type BatchRow = { index: number; line: number } & ({ kind: 'json'; text: string } | { kind: 'csv'; cells: string[] } | { kind: 'invalid'; problems: Problem[] });

export interface RowSource {
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
  // A directory opens like a file and fails only at the first read: say so before.
  if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) return { problems: [{ code: 'FILE_UNREADABLE', severity: 'error', message: 'is a directory; give the cohort file (NDJSON or CSV)', file, line: 1, column: 1 }] };
  const input = createReadStream(file);
  const opened = await Promise.race([once(input, 'readable').then(() => true), once(input, 'error').then(() => false)]);
  if (!opened) return { problems: [{ code: 'FILE_UNREADABLE', severity: 'error', message: 'cannot read file', file, line: 1, column: 1 }] };
  const size = statSync(file).size;
  if (format === 'csv') return csvSource(input, file, size);
  const position = { bytes: 0 };
  return { source: { rows: ndjsonRows(input, position), consumed: () => position.bytes, size }, problems: [] };
}

const BYTE_ORDER_MARK = 0xfeff;

async function* ndjsonRows(input: ReadStream, position: { bytes: number }): AsyncGenerator<BatchRow> {
  let line = 0;
  let index = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line++;
    position.bytes += Buffer.byteLength(text) + 1;
    // A byte-order mark (editors on Windows write one) is not part of the first record.
    const record = line === 1 && text.charCodeAt(0) === BYTE_ORDER_MARK ? text.slice(1) : text;
    if (record.trim() !== '') yield { index: index++, line, kind: 'json', text: record };
  }
}

/** A record as csv-parse gives it with `info`. */
interface CsvRecord {
  record: string[];
  info: { lines: number; empty_lines: number; bytes: number };
}

async function csvSource(input: ReadStream, file: string, size: number): Promise<{ source?: RowSource; problems: Problem[] }> {
  // Records that csv-parse skipped (a stray quote), reported in file order among the good ones.
  const skipped: Array<{ line: number; problems: Problem[] }> = [];
  const parser = input.setEncoding('utf8').pipe(
    parse({
      bom: true,
      // A quote inside a cell ("6"4) stays in the cell, which then fails as that column's value: without
      // relax_quotes the parser stayed inside a quote and every later row of the file was lost. csv-parse
      // rejects such a cell again when it trims the right side itself, so cells are right-trimmed below.
      ltrim: true,
      relax_quotes: true,
      // With `info`, csv-parse hands on_record the record with its info (its types say a bare array).
      on_record: ((row: CsvRecord) => ({ ...row, record: row.record.map((cell) => cell.trimEnd()) })) as unknown as Options['on_record'],
      skip_empty_lines: true,
      relax_column_count: true,
      skip_records_with_error: true,
      info: true,
      on_skip: (err: CsvError | undefined) => {
        const line = typeof err?.lines === 'number' ? err.lines : 0;
        const problem: Problem = { code: 'CSV_SYNTAX', severity: 'error', message: (err?.message ?? 'unreadable record').replace(/ at line \d+/, ''), file, line, column: 1 };
        // A stray quote can make the parser give up twice on the same record: still one bad row.
        const last = skipped[skipped.length - 1];
        if (last?.line === line) last.problems.push(problem);
        else skipped.push({ line, problems: [problem] });
      },
    }),
  );
  const records = parser[Symbol.asyncIterator]() as AsyncIterator<CsvRecord>;
  let consumed = 0;
  const first = await records.next();
  if (first.done) return { problems: [{ code: 'CSV_HEADER', severity: 'error', message: 'the file has no header row', file, line: 1, column: 1 }] };
  const { layout, problems } = csvLayout(first.value.record, file);
  if (!layout) {
    input.destroy();
    return { problems };
  }
  async function* rows(): AsyncGenerator<BatchRow> {
    let index = 0;
    // csv-parse counts a CRLF inside a quoted cell as two lines; the lines it over-counted so far.
    let overCounted = first.done ? 0 : crlfCount(first.value.record);
    // A record starts on the line after the previous one ended, past any empty lines skipped between.
    let previousEnd = first.done ? 0 : first.value.info.lines - overCounted;
    let previousEmpty = first.done ? 0 : first.value.info.empty_lines;
    for (;;) {
      const next = await records.next();
      const inCells = next.done ? 0 : crlfCount(next.value.record);
      const end = next.done ? Infinity : next.value.info.lines - overCounted - inCells;
      while (skipped.length && (skipped[0]?.line ?? 0) - overCounted <= end) {
        const { line: counted, problems } = skipped.shift() as { line: number; problems: Problem[] };
        const line = counted - overCounted;
        previousEnd = Math.max(previousEnd, line);
        yield { index: index++, line, kind: 'invalid', problems: problems.map((p) => ({ ...p, line })) };
      }
      if (next.done) return;
      overCounted += inCells;
      const line = previousEnd + 1 + (next.value.info.empty_lines - previousEmpty);
      previousEnd = end;
      previousEmpty = next.value.info.empty_lines;
      consumed = next.value.info.bytes;
      yield { index: index++, line, kind: 'csv', cells: next.value.record };
    }
  }
  return { source: { layout, rows: rows(), consumed: () => consumed, size }, problems: [] };
}

function crlfCount(cells: readonly string[]): number {
  let count = 0;
  for (const cell of cells) for (let at = cell.indexOf('\r\n'); at !== -1; at = cell.indexOf('\r\n', at + 2)) count++;
  return count;
}
