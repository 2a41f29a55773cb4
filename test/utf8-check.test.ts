import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodingFaults, Utf8Check, type EncodingFault, type LineBreaks } from '../src/source/utf8-check.js';

const bytes = (...parts: Array<string | number[]>): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

/** The faults of `data` pushed in pieces cut at `cuts`. */
function inPieces(data: Uint8Array, cuts: readonly number[], lineBreaks: LineBreaks = 'lf'): EncodingFault[] {
  const check = new Utf8Check(lineBreaks);
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    check.push(data.subarray(from, cut));
    from = cut;
  }
  check.push(data.subarray(from));
  check.end();
  return check.faults;
}

describe('UTF-8 check', () => {
  it('finds no fault in UTF-8, whatever the characters and wherever the chunks cut them', () => {
    const text = bytes('title: Kim — SINS ≥ 7\nnote: "pulmón 🫁"\n');
    expect(encodingFaults(text)).toEqual([]);
    for (let cut = 0; cut <= text.length; cut++) expect(inPieces(text, [cut])).toEqual([]);
    // U+FFFD written as UTF-8 is a character of the text, not a byte lost.
    expect(encodingFaults(bytes('id: "\uFFFD"\n'))).toEqual([]);
  });

  it('places the first bad byte of each line at its line and column, counted as the text is decoded', () => {
    // Latin-1 "é" (0xE9) and "ó" (0xF3); the emoji before it is two UTF-16 units.
    const text = bytes('id: p1\nnote: "🫁 pulm', [0xf3], 'n ', [0xe9], '"\nage: 60\nx: ', [0xe9], '\n');
    expect(encodingFaults(text)).toEqual([
      { line: 2, column: 'note: "🫁 pulm'.length + 1, byte: 0xf3 },
      { line: 4, column: 4, byte: 0xe9 },
    ]);
    const decoded = text.toString('utf8').split('\n');
    expect(decoded[1]?.[encodingFaults(text)[0]!.column - 1]).toBe('\uFFFD');
  });

  it('faults what is not well-formed: a stray continuation, an overlong form, a surrogate, past U+10FFFF, a character cut off at the end', () => {
    for (const bad of [[0x80], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf5], [0xff]]) {
      expect(encodingFaults(bytes('a: ', bad, '\n'))).toEqual([{ line: 1, column: 4, byte: bad[0] }]);
    }
    expect(encodingFaults(bytes('a: b', [0xe2, 0x80]))).toEqual([{ line: 1, column: 5, byte: 0xe2 }]);
    // Cut off before a newline: the newline is the next character, the line still counted.
    expect(encodingFaults(bytes('a: ', [0xe2, 0x80], '\nb: ', [0xe9]))).toEqual([
      { line: 1, column: 4, byte: 0xe2 },
      { line: 2, column: 4, byte: 0xe9 },
    ]);
  });

  // readline ends a row at a return alone; counting only line feeds put a bad byte of row 2 on row 1,
  // which was refused while row 2 was read with U+FFFD (regression QA, helper-50).
  it('counts a return alone as a line break where the reader does, a return and a line feed as one', () => {
    const text = bytes('{"id":"a"}\r{"id":"b', [0xf3], '"}\r\n{"id":"c', [0xe9], '"}');
    expect(inPieces(text, [], 'any').map((f) => f.line)).toEqual([2, 3]);
    // Cut between the return and its line feed: still one break.
    const cut = text.indexOf(0x0a);
    expect(inPieces(text, [cut], 'any').map((f) => f.line)).toEqual([2, 3]);
    expect(inPieces(text, []).map((f) => f.line)).toEqual([1, 2]);
  });

  // csv-parse keeps to the line break it finds first: a stray return in a file of line feeds is in a
  // cell, and counting it as a break put the bad byte on a line no row had (regression QA, helper-51).
  it('breaks the lines of a CSV file as its first line breaks', () => {
    expect(inPieces(bytes('id,x\np1\r,Les', [0xe9], 'on\np2,y\n'), [], 'first')).toEqual([{ line: 2, column: 8, byte: 0xe9 }]);
    expect(inPieces(bytes('id,x\rp1,a\np2,', [0xe9], '\r'), [], 'first').map((f) => f.line)).toEqual([2]);
    expect(inPieces(bytes('id,x\r\np1,', [0xe9], '\r\n'), [4], 'first').map((f) => f.line)).toEqual([2]);
  });

  // A file starting with a byte-order mark had its bad bytes on line 1 one column further than its other problems.
  it('counts no column for a byte-order mark', () => {
    expect(encodingFaults(bytes('\uFEFFx: ', [0xe9]))).toEqual([{ line: 1, column: 4, byte: 0xe9 }]);
  });

  it('gives the same faults however the bytes arrive, each at a U+FFFD of the text as Node decodes it', () => {
    // Bytes that start, continue or break characters, among any.
    const byte = fc.oneof(fc.constantFrom(0x0a, 0x0d, 0x61, 0xc3, 0xa9, 0xe2, 0x80, 0x94, 0xf0, 0x9f, 0xed, 0xa0, 0xe9, 0xff), fc.integer({ min: 0, max: 255 }));
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 80 }), fc.array(fc.nat({ max: 80 }), { maxLength: 4 }), (values, cuts) => {
        const data = Buffer.from(values);
        const whole = encodingFaults(data);
        expect(inPieces(data, cuts.map((cut) => Math.min(cut, data.length)))).toEqual(whole);
        expect(whole.length === 0).toBe(Buffer.from(data.toString('utf8'), 'utf8').equals(data));
        const lines = data.toString('utf8').split('\n');
        for (const { line, column } of whole) expect(lines[line - 1]?.[column - 1]).toBe('\uFFFD');
        // Lines as readline reads them: a return alone ends one too.
        const text = data.toString('utf8');
        const rows = text.split(/\r\n|\r|\n/);
        const pieces = cuts.map((cut) => Math.min(cut, data.length));
        for (const { line, column } of inPieces(data, pieces, 'any')) expect(rows[line - 1]?.[column - 1]).toBe('\uFFFD');
        // Lines as csv-parse reads them: at the kind of break the first line ends with.
        const first = text.search(/[\r\n]/);
        const records = first !== -1 && text[first] === '\r' && text[first + 1] !== '\n' ? text.split('\r') : text.split('\n');
        for (const { line, column } of inPieces(data, pieces, 'first')) expect(records[line - 1]?.[column - 1]).toBe('\uFFFD');
      }),
      { seed: 20261207, numRuns: 2000 },
    );
  });
});
