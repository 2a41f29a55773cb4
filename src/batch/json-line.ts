/**
 * The UTF-8 bytes of `JSON.stringify(value) + '\n'`, byte for byte, for the plain data an evaluation is
 * (objects, arrays, strings, numbers, booleans, null), built piece by piece.
 *
 * Why not the one string: JSON.stringify builds a single string, and one character above U+00FF in it
 * (the "—" of a rule set's title, the "≥" of a quoted reference) makes the whole of it two bytes a
 * character from there on. V8 flattens and encodes such a string to UTF-8 several times slower than a
 * one-byte one; at --trace rules (about 100 kB a patient) that was about a third of a batch. Here the
 * outer levels are written by hand and each value below them is stringified on its own, so only the
 * pieces that hold such a character pay for it. Every value below `depth` (and every primitive) is
 * JSON.stringify's own output, so escaping and number formatting are exactly JSON's.
 */
const encoder = new TextEncoder();

/** Levels written by hand: the evaluation, and its results, lesions and trace entries. */
const DEPTH = 2;

export function jsonLine(value: unknown): Uint8Array {
  const writer = new LineWriter();
  writer.value(value, DEPTH);
  writer.put('\n');
  return writer.bytes();
}

/** One buffer reused by every line of a thread (lines are written one at a time), up to 4 MB. */
const MAX_SCRATCH = 4 * 1024 * 1024;
let scratch = new Uint8Array(256 * 1024);

/** Object keys as JSON with their colon, made once per key. */
const keyTexts = new Map<string, string>();
const MAX_KEY_TEXTS = 10_000;

class LineWriter {
  #buffer = scratch;
  #at = 0;

  put(text: string): void {
    // encodeInto writes at most 3 bytes per UTF-16 unit.
    const needed = this.#at + text.length * 3;
    if (needed > this.#buffer.length) {
      const grown = new Uint8Array(Math.max(needed, this.#buffer.length * 2));
      grown.set(this.#buffer.subarray(0, this.#at));
      this.#buffer = grown;
      if (grown.length <= MAX_SCRATCH) scratch = grown;
    }
    this.#at += encoder.encodeInto(text, this.#buffer.subarray(this.#at)).written;
  }

  value(value: unknown, depth: number): void {
    // toJSON, and anything not a plain object or array, is left to JSON.stringify whole.
    if (depth === 0 || value === null || typeof value !== 'object' || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
      // undefined at the top level: JSON.stringify gives undefined, which `+ '\n'` makes "undefined".
      this.put(String(JSON.stringify(value)));
      return;
    }
    if (Array.isArray(value)) {
      this.put('[');
      for (let i = 0; i < value.length; i++) {
        if (i > 0) this.put(',');
        const item: unknown = value[i];
        // JSON writes null for what it cannot write as an array item.
        if (item === undefined || typeof item === 'function' || typeof item === 'symbol') this.put('null');
        else this.value(item, depth - 1);
      }
      this.put(']');
      return;
    }
    this.put('{');
    let first = true;
    for (const key of Object.keys(value)) {
      const item: unknown = (value as Record<string, unknown>)[key];
      // JSON leaves out a key whose value it cannot write.
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      if (!first) this.put(',');
      first = false;
      this.put(keyText(key));
      this.value(item, depth - 1);
    }
    this.put('}');
  }

  /** A copy, as the scratch buffer is reused by the next line; not zero-filled first, as every byte is copied over. */
  bytes(): Uint8Array {
    const line = Buffer.allocUnsafe(this.#at);
    line.set(this.#buffer.subarray(0, this.#at));
    return line;
  }
}

function keyText(key: string): string {
  let text = keyTexts.get(key);
  if (text === undefined) {
    if (keyTexts.size >= MAX_KEY_TEXTS) keyTexts.clear();
    keyTexts.set(key, (text = `${JSON.stringify(key)}:`));
  }
  return text;
}
