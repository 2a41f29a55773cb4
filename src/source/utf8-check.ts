import { isUtf8 } from 'node:buffer';
import type { Problem } from '../problems/problem.js';

/**
 * Where a byte stream stops being UTF-8: the first bad byte of each line, with its line and column.
 *
 * Node decodes a bad byte to U+FFFD without a word, so a file saved as Latin-1 or Windows-1252 would be
 * read with its "é" silently replaced (in a citation, a patient id, a reader's note). The text is still
 * decoded that way, so its other problems are found in the same run; these faults make it an error.
 * Chunks may split a character: its first bytes wait for the next chunk.
 */
export interface EncodingFault {
  line: number;
  /** In UTF-16 code units of the text as decoded (a bad byte is one U+FFFD), as every column is counted. */
  column: number;
  /** The bad byte, for the message (0xE9: Latin-1's "é"). */
  byte: number;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const BYTE_ORDER_MARK = [0xef, 0xbb, 0xbf];

/**
 * Where lines break for the reader the bytes go to: `lf` at a line feed (the YAML reader, the service's
 * lines); `any` also at a carriage return alone (readline: NDJSON rows); `first` at whichever the file
 * breaks its first line with, a line feed (alone or after a return) or a return alone (csv-parse, which
 * keeps to the record delimiter it finds first: a stray return in a file of line feeds is in a cell).
 */
export type LineBreaks = 'lf' | 'any' | 'first';

export class Utf8Check {
  readonly faults: EncodingFault[] = [];
  #line = 1;
  /** UTF-16 code units of the current line so far. */
  #units = 0;
  /** The first bytes of a character the last chunk cut off. */
  #carry: Buffer | undefined;
  #started = false;
  /** What breaks a line; `first` is decided at the first break (`undecided` until then). */
  #mode: 'lf' | 'any' | 'cr' | 'undecided';
  /** The last byte was a carriage return counted as a line break: a line feed after it ends no other line. */
  #afterReturn = false;

  constructor(lineBreaks: LineBreaks = 'lf') {
    this.#mode = lineBreaks === 'first' ? 'undecided' : lineBreaks;
  }

  /** Whether lines break at a return alone only (a `first` file whose first line so ended). */
  get returnsOnly(): boolean {
    return this.#mode === 'cr';
  }

  push(chunk: Uint8Array): void {
    const data = this.#carry ? Buffer.concat([this.#carry, chunk]) : chunk;
    this.#carry = undefined;
    // A byte-order mark is no column: the readers skip it (JSON lines, YAML).
    if (!this.#started && BYTE_ORDER_MARK.every((b, i) => data[i] === b)) this.#units = -1;
    this.#started = true;
    // Nearly every chunk of a patient file or cohort is valid (and mostly ASCII): one native check, then
    // only the lines and the last line's width are counted. Returns that may break lines are walked.
    if (isUtf8(data) && !this.#returnsMatter(data)) return this.#counted(data);
    let at = 0;
    while (at < data.length) {
      const byte = data[at] as number;
      if (this.#afterReturn) {
        this.#afterReturn = false;
        // After the first return of a `first` file, what follows it decides the file's line breaks.
        if (this.#mode === 'undecided') this.#mode = byte === NEWLINE ? 'lf' : 'cr';
        if (byte === NEWLINE && this.#mode !== 'cr') {
          at++;
          continue;
        }
      }
      if (byte < 0x80) {
        if (byte === NEWLINE && this.#mode !== 'cr') {
          if (this.#mode === 'undecided') this.#mode = 'lf';
          this.#newline();
        } else if (byte === CARRIAGE_RETURN && this.#mode !== 'lf') {
          this.#newline();
          this.#afterReturn = true;
        } else this.#units++;
        at++;
        continue;
      }
      const { length, next, cut } = sequence(data, at);
      if (cut) {
        // A character cut off at the end of the chunk, not (yet) a fault.
        this.#carry = Buffer.from(data.subarray(at));
        return;
      }
      if (length === 0) {
        this.#fault(byte);
        // One U+FFFD for the bad byte and any continuation bytes that began the character it failed.
        this.#units++;
        at = next;
        continue;
      }
      this.#units += length === 4 ? 2 : 1;
      at += length;
    }
  }

  /** The end of the input: a character cut off there is a fault. */
  end(): void {
    if (this.#carry) this.#fault(this.#carry[0] as number);
    this.#carry = undefined;
  }

  /** Whether a chunk has a byte that breaks a line otherwise than a line feed does. */
  #returnsMatter(data: Uint8Array): boolean {
    if (this.#mode === 'lf') return false;
    if (this.#afterReturn || data.includes(CARRIAGE_RETURN)) return true;
    // A file of returns: its line feeds are no breaks.
    return this.#mode === 'cr' && data.includes(NEWLINE);
  }

  #counted(data: Uint8Array): void {
    if (this.#mode === 'undecided' && data.includes(NEWLINE)) this.#mode = 'lf';
    let last = -1;
    for (let at = data.indexOf(NEWLINE); at !== -1; at = data.indexOf(NEWLINE, at + 1)) {
      this.#line++;
      last = at;
    }
    if (last !== -1) this.#units = 0;
    this.#units += utf16Units(data.subarray(last + 1));
  }

  #newline(): void {
    this.#line++;
    this.#units = 0;
  }

  #fault(byte: number): void {
    const last = this.faults[this.faults.length - 1];
    if (last?.line !== this.#line) this.faults.push({ line: this.#line, column: this.#units + 1, byte });
  }
}

/** The faults of a whole text's bytes. */
export function encodingFaults(bytes: Uint8Array): EncodingFault[] {
  if (isUtf8(bytes)) return [];
  const check = new Utf8Check();
  check.push(bytes);
  check.end();
  return check.faults;
}

/** `remedy`: what the sender of the text does about it (a request body is sent, not saved). */
export function encodingProblem({ line, column, byte }: EncodingFault, file: string, remedy = 'save the file as UTF-8'): Problem {
  const hex = byte.toString(16).toUpperCase().padStart(2, '0');
  const message = `byte 0x${hex} here is not UTF-8 (text saved as Latin-1 or Windows-1252 reads so); read as it is, the character would be lost: ${remedy}`;
  return { code: 'ENCODING_INVALID', severity: 'error', message, file, line, column };
}

/** UTF-16 code units of valid UTF-8: one per character, two for one of four bytes. */
function utf16Units(bytes: Uint8Array): number {
  let units = 0;
  for (const byte of bytes) {
    if ((byte & 0xc0) !== 0x80) units += byte >= 0xf0 ? 2 : 1;
  }
  return units;
}

/**
 * The well-formed character starting at `at` (Unicode Table 3-7): its `length`, or 0 when it is not one,
 * with `next` where reading resumes (past the bytes that began it, as a decoder replaces them); `cut`
 * when the data ends inside it.
 */
function sequence(data: Uint8Array, at: number): { length: number; next: number; cut?: true } {
  const lead = data[at] as number;
  let length: number;
  let low = 0x80;
  let high = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) length = 2;
  else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    if (lead === 0xe0) low = 0xa0;
    if (lead === 0xed) high = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    if (lead === 0xf0) low = 0x90;
    if (lead === 0xf4) high = 0x8f;
  } else return { length: 0, next: at + 1 };
  for (let k = 1; k < length; k++) {
    if (at + k >= data.length) return { length: 0, next: data.length, cut: true };
    const byte = data[at + k] as number;
    if (byte < low || byte > high) return { length: 0, next: at + k };
    low = 0x80;
    high = 0xbf;
  }
  return { length, next: at + length };
}
