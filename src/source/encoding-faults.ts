import { pipeline, Transform, type Readable } from 'node:stream';
import type { Problem } from '../problems/problem.js';
import { encodingProblem, Utf8Check, type LineBreaks } from './utf8-check.js';

/**
 * A stream's bytes checked as UTF-8 on their way to the reader (utf8-check.ts): a row (a batch line, a CSV
 * record) with a byte that is not is a bad row (ENCODING_INVALID), never a patient read with U+FFFD in
 * place of a character. The reader gets no line before its bytes have passed the check, so a row's faults
 * are known when the row is.
 */
export class EncodingFaults {
  readonly checked: Readable;
  #check: Utf8Check;
  /** Faults before this one belong to rows already handed out. */
  #next = 0;

  /**
   * `lineBreaks`: where the reader breaks lines (readline: `any`; csv-parse: `first`; see Utf8Check);
   * `remedy`: what the sender does about a fault (encodingProblem).
   */
  constructor(
    input: Readable,
    readonly name: string,
    lineBreaks: LineBreaks,
    private readonly remedy?: string,
  ) {
    const check = (this.#check = new Utf8Check(lineBreaks));
    const pass = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        check.push(chunk);
        done(null, chunk);
      },
      flush(done) {
        check.end();
        done();
      },
    });
    // The input's errors reach the reader, as they did when it read the input itself.
    this.checked = pipeline(input, pass, () => undefined);
  }

  /** Whether the input's lines break at a return alone only (a CSV file whose first line so ends). */
  get returnsOnly(): boolean {
    return this.#check.returnsOnly;
  }

  /** The problems of the faults on lines `from` to `to`. */
  within(from: number, to: number): Problem[] {
    const { faults } = this.#check;
    while ((faults[this.#next]?.line ?? Infinity) < from) this.#next++;
    const problems: Problem[] = [];
    for (let fault = faults[this.#next]; fault && fault.line <= to; fault = faults[++this.#next]) problems.push(encodingProblem(fault, this.name, this.remedy));
    return problems;
  }
}
