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
    let pending: Buffer[] = [];
    let line = 0;
    for (let read = readSync(fd, chunk); read > 0; read = readSync(fd, chunk)) {
      const data = chunk.subarray(0, read);
      let start = 0;
      for (let newline = data.indexOf(0x0a); newline >= 0; newline = data.indexOf(0x0a, start)) {
        pending.push(data.subarray(start, newline));
        yield { line: ++line, text: Buffer.concat(pending).toString('utf8'), terminated: true };
        pending = [];
        start = newline + 1;
      }
      // Copied: the chunk buffer is reused by the next read.
      if (start < data.length) pending.push(Buffer.from(data.subarray(start)));
    }
    if (pending.length) yield { line: ++line, text: Buffer.concat(pending).toString('utf8'), terminated: false };
  } finally {
    closeSync(fd);
  }
}
