import type { RowOutcome } from './evaluate-row.js';

/**
 * A chunk's outcomes as a worker posts them: the output texts packed into one buffer that is transferred,
 * not copied, and each outcome's text as its length in it (-1: none, the main thread formats it). Posted
 * as strings, the texts were copied into the main thread's heap — about 100 kB a patient with --trace
 * rules — and V8 let that heap grow past 100 MB between collections.
 */
export interface PackedOutcomes {
  outcomes: RowOutcome[];
  textBytes: number[];
  texts: Uint8Array<ArrayBuffer>;
}

const encoder = new TextEncoder();

/** Packs the texts; post `texts.buffer` in the transfer list. */
export function packOutcomes(outcomes: readonly RowOutcome[]): PackedOutcomes {
  const textBytes = outcomes.map(({ text }) => (text === undefined ? -1 : Buffer.byteLength(text)));
  // Its own ArrayBuffer (not a slice of Buffer's shared pool): the whole of it is transferred.
  const texts = new Uint8Array(textBytes.reduce((sum, n) => sum + Math.max(n, 0), 0));
  let at = 0;
  const rest = outcomes.map(({ text, ...outcome }) => {
    if (typeof text === 'string') at += encoder.encodeInto(text, texts.subarray(at)).written;
    else if (text !== undefined) at += (texts.set(text, at), text.byteLength);
    return outcome;
  });
  return { outcomes: rest, textBytes, texts };
}

/** The outcomes with their texts as views into the transferred buffer, written out as they are. */
export function unpackOutcomes({ outcomes, textBytes, texts }: PackedOutcomes): RowOutcome[] {
  let at = 0;
  return outcomes.map((outcome, i) => {
    const length = textBytes[i] ?? -1;
    if (length < 0) return outcome;
    const text = texts.subarray(at, at + length);
    at += length;
    return { ...outcome, text };
  });
}
