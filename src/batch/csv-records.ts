import { Readable } from 'node:stream';
import { CsvError, parse, type Options } from 'csv-parse';
import { parse as parseCells } from 'csv-parse/sync';
import type { Problem } from '../problems/problem.js';
import { afterFirstLine, firstLine, runawayCell, unclosedQuote } from './csv-quotes.js';

/**
 * A record of the file (the header first) with the line it starts on, or the problems of one csv-parse
 * could not read; `bytes`: how much of the file is read up to its end (the progress bar's share done).
 */
export type CsvRecordAt = { line: number; bytes: number } & ({ cells: string[] } | { problems: Problem[]; before?: string[] });

/** A record as csv-parse gives it with `info` and `raw`. */
interface ParsedRecord {
  record: string[];
  raw: string;
  info: { lines: number; empty_lines: number; bytes: number };
}

/** Text for one parser, and the lines and bytes of the file before it. */
interface Stretch {
  input: Readable;
  line: number;
  bytes: number;
}

/** Text read again (after a quote opened by mistake) goes to the parser in pieces, so that rows stream. */
const CHUNK_BYTES = 64 * 1024;

/**
 * The records of a CSV file, each with the line it starts on. A quote that opens a cell and is not closed on
 * its line fails that row only (see csv-quotes.ts): the lines after it are read again as rows.
 */
export function csvRecords(input: Readable, file: string): AsyncGenerator<CsvRecordAt> {
  return stretchRecords({ input, line: 0, bytes: 0 }, file, undefined);
}

/** A whole cell in quotes (doubled quotes inside) followed by spaces: what csv-parse leaves unread without rtrim. */
const QUOTED_THEN_SPACE = /^"(?:[^"]|"")*"[ \t]+$/;

/** How a record's cells are read, as ParsedRecords: the same for the rows and for the first line of a row that failed. */
const CELLS: Options = {
  bom: true,
  // A quote inside a cell ("6"4) stays in the cell, which then fails as that column's value: without
  // relax_quotes the parser stayed inside a quote and every later row of the file was lost. csv-parse
  // rejects such a cell again when it trims the right side itself, so cells are right-trimmed below.
  ltrim: true,
  relax_quotes: true,
  // With `info`, csv-parse hands on_record the record with its info (its types say a bare array).
  on_record: ((row: ParsedRecord) => ({ ...row, record: row.record.map((cell) => cell.trimEnd()) })) as unknown as Options['on_record'],
  // Without rtrim, a space after a closing quote ("p2" ,61) made the cell text with its quotes in it
  // (relax_quotes then reads the whole cell as quoted text: quotes, content, spaces).
  cast: (value, context) => (context.quoting && QUOTED_THEN_SPACE.test(value) ? value.trimEnd().slice(1, -1).replaceAll('""', '"') : value),
  relax_column_count: true,
  info: true,
};

async function* stretchRecords(stretch: Stretch, file: string, header: readonly string[] | undefined): AsyncGenerator<CsvRecordAt> {
  // Records that csv-parse skipped, reported in file order among the good ones.
  const skipped: Array<{ line: number; problems: Problem[] }> = [];
  let unclosed: { error: CsvError; raw: string } | undefined;
  const parser = stretch.input.pipe(
    parse({
      ...CELLS,
      skip_empty_lines: true,
      skip_records_with_error: true,
      // A record's text, to read the lines after a quote opened by mistake again.
      raw: true,
      on_skip: (error: CsvError | undefined, raw: string | undefined) => {
        if (error?.code === 'CSV_QUOTE_NOT_CLOSED' && raw !== undefined) {
          unclosed = { error, raw };
          return;
        }
        const line = typeof error?.lines === 'number' ? error.lines : 0;
        const problem: Problem = { code: 'CSV_SYNTAX', severity: 'error', message: (error?.message ?? 'unreadable record').replace(/ at line \d+/, ''), file, line, column: 1 };
        // The parser can give up twice on the same record: still one bad row.
        const last = skipped[skipped.length - 1];
        if (last?.line === line) last.problems.push(problem);
        else skipped.push({ line, problems: [problem] });
      },
    }),
  );
  // csv-parse counts a CRLF inside a quoted cell as two lines; the lines it over-counted so far.
  let overCounted = 0;
  // A record starts on the line after the previous one ended, past any empty lines skipped between.
  let previousEnd = 0;
  let previousEmpty = 0;
  let bytes = 0;
  const fileLine = (line: number) => stretch.line + line;
  /** A row whose quote opened by mistake: its problem, then the lines after its first line read again as rows. */
  async function* failAndReadOn(line: number, raw: string, end: number, cell: number, closed: boolean): AsyncGenerator<CsvRecordAt> {
    const again = Buffer.from(afterFirstLine(raw));
    const bytesBefore = stretch.bytes + end - again.length;
    yield { line: fileLine(line), bytes: bytesBefore, problems: [unclosedQuote(file, fileLine(line), cell, header, closed)], before: cellsBefore(raw, cell) };
    yield* stretchRecords({ input: Readable.from(chunks(again)), line: fileLine(line), bytes: bytesBefore }, file, header);
  }
  function* skippedUpTo(end: number): Generator<CsvRecordAt> {
    while (skipped.length && (skipped[0]?.line ?? 0) - overCounted <= end) {
      const { line: counted, problems } = skipped.shift() as { line: number; problems: Problem[] };
      const line = counted - overCounted;
      previousEnd = Math.max(previousEnd, line);
      yield { line: fileLine(line), bytes: stretch.bytes + bytes, problems: problems.map((p) => ({ ...p, line: fileLine(line) })) };
    }
  }
  for await (const { record, raw, info } of parser as AsyncIterable<ParsedRecord>) {
    const inCells = crlfCount(record);
    const end = info.lines - overCounted - inCells;
    yield* skippedUpTo(end);
    overCounted += inCells;
    const line = previousEnd + 1 + (info.empty_lines - previousEmpty);
    previousEnd = end;
    previousEmpty = info.empty_lines;
    bytes = info.bytes;
    header ??= record;
    // Only a record spanning lines can have swallowed rows; most records are read once.
    const runaway = end > line ? runawayCell(raw) : undefined;
    if (runaway === undefined) {
      yield { line: fileLine(line), bytes: stretch.bytes + bytes, cells: record };
      continue;
    }
    yield* failAndReadOn(line, raw, bytes, runaway, true);
  }
  yield* skippedUpTo(Infinity);
  if (!unclosed) return;
  // csv-parse read the rest of the file into the cell: the record starts where the next one would have.
  const { error, raw } = unclosed;
  const line = previousEnd + 1 + (typeof error.empty_lines === 'number' ? error.empty_lines - previousEmpty : 0);
  const cell = typeof error.column === 'number' ? error.column : 0;
  // The raw text runs to the end of the file (a few \n of blank lines before the record aside).
  yield* failAndReadOn(line, raw, bytes + Buffer.byteLength(raw), cell, false);
}

/**
 * The cells of a failed row's first line before the one whose quote is left open there, read as if it
 * closed at the line's end: its id is most often among them. Undefined when that cell opens on a later line.
 */
function cellsBefore(raw: string, cell: number): string[] | undefined {
  const [first] = parseCells(`${firstLine(raw)}"`, { ...CELLS, skip_records_with_error: true }) as unknown as ParsedRecord[];
  return first && first.record.length > cell ? first.record.slice(0, cell) : undefined;
}

function* chunks(bytes: Buffer): Generator<Buffer> {
  for (let from = 0; from < bytes.length; from += CHUNK_BYTES) yield bytes.subarray(from, from + CHUNK_BYTES);
}

function crlfCount(cells: readonly string[]): number {
  let count = 0;
  for (const cell of cells) for (let at = cell.indexOf('\r\n'); at !== -1; at = cell.indexOf('\r\n', at + 2)) count++;
  return count;
}
