import { CsvError } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import type { Problem } from '../problems/problem.js';

/**
 * A quote that opens a cell and is not closed on its line (`p2,"6,T4`) turns the lines after it into that
 * cell: up to the end of the file when no quote follows, else up to the next quote, which relax_quotes
 * takes as the closing one. The row is then read as ending at its own line, and the lines after it as rows.
 */

/** Blank lines csv-parse skipped before a record are in its raw text (a \r\n there as \r alone). */
const BLANK_LINES = /^(?:[ \t]*(?:\r\n?|\n))*/;
const LINE_BREAK = /\r\n?|\n/;
const FINAL_LINE_BREAK = /(?:\r\n?|\n)$/;

/**
 * The raw text of a record after its first line: where reading goes on after a quote opened by mistake.
 * Without its last line break, of which csv-parse's raw text keeps only the \r of a \r\n: a lone \r
 * after a closing quote would keep the quote from closing.
 */
export function afterFirstLine(raw: string): string {
  const record = raw.replace(BLANK_LINES, '');
  const lineBreak = LINE_BREAK.exec(record);
  return lineBreak ? record.slice(lineBreak.index + lineBreak[0].length).replace(FINAL_LINE_BREAK, '') : '';
}

/** The raw text of a record's first line: the line a row whose quote opened by mistake is taken to end at. */
export function firstLine(raw: string): string {
  const record = raw.replace(BLANK_LINES, '');
  return record.slice(0, LINE_BREAK.exec(record)?.index);
}

/**
 * The cell (counted from 0) of a record spanning lines whose quoted cell is closed, on a later line, by a
 * quote followed by neither a comma nor a line end. A cell that truly spans lines is closed by a quote
 * before a comma or a line end; csv-parse without relax_quotes says which cell was not.
 */
export function runawayCell(raw: string): number | undefined {
  let cell: number | undefined;
  parse(raw.replace(BLANK_LINES, ''), {
    ltrim: true,
    rtrim: true,
    relax_column_count: true,
    skip_records_with_error: true,
    on_skip: (error: CsvError | undefined) => {
      // An invalid closing quote on the record's first line is a stray quote inside a cell, which fails as that cell.
      if (cell === undefined && error?.code === 'CSV_INVALID_CLOSING_QUOTE' && typeof error.lines === 'number' && error.lines > 1 && typeof error.column === 'number') cell = error.column;
      return undefined;
    },
  });
  return cell;
}

/** The problem of a row whose quote opened in `cell` is not closed on its line. */
export function unclosedQuote(file: string, line: number, cell: number, header: readonly string[] | undefined, closed: boolean): Problem {
  const where = header?.[cell] === undefined ? `cell ${cell + 1}` : `column "${header[cell]}"`;
  const how = closed ? 'is not closed on its line (the next quote, on a later line, is followed by neither a comma nor a line end)' : 'is never closed';
  return { code: 'CSV_SYNTAX', severity: 'error', message: `a quote opened in ${where} ${how}; the row is taken to end at this line`, file, line, column: cell + 1 };
}
