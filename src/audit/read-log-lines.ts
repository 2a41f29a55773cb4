import { closeSync, openSync, readSync } from 'node:fs';

export interface LogLine {
  /** 1-based. */
  line: number;
  text: string;
  /** False only for a last line with no newline after it. */
  terminated: boolean;
}

const CHUNK_BYTES = 1024 * 1024;

/**
 * The lines of a file, one at a time (a log outgrows memory), each saying whether a newline ended it:
 * readline hides that, and a missing final newline is how a torn last record shows.
 */
export function* readLogLines(file: string): Generator<LogLine> {
  const fd = openSync(file, 'r');
  try {
    const chunk = Buffer.alloc(CHUNK_BYTES);
    const pending: Buffer[] = [];
    let line = 0;
    for (let read = readSync(fd, chunk); read > 0; read = readSync(fd, chunk)) {
      for (const text of splitChunk(chunk.subarray(0, read), pending).lines) yield { line: ++line, text: text.toString('utf8'), terminated: true };
    }
    if (pending.length) yield { line: ++line, text: Buffer.concat(pending).toString('utf8'), terminated: false };
  } finally {
    closeSync(fd);
  }
}

/**
 * The lines a chunk of a file completes (without their newlines), joined to the unfinished line of the
 * chunks before (`pending`, which keeps the unfinished rest of this one, copied: a reader reuses its
 * chunk buffer), and how many bytes of the chunk those lines take.
 */
export function splitChunk(data: Buffer, pending: Buffer[]): { lines: Buffer[]; consumed: number } {
  const lines: Buffer[] = [];
  let start = 0;
  for (let newline = data.indexOf(0x0a); newline >= 0; newline = data.indexOf(0x0a, start)) {
    pending.push(data.subarray(start, newline));
    lines.push(pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending));
    pending.length = 0;
    start = newline + 1;
  }
  if (start < data.length) pending.push(Buffer.from(data.subarray(start)));
  return { lines, consumed: start };
}
