import { fstatSync, readSync } from 'node:fs';

export interface LastLine {
  text: string;
  /** False when the file does not end with a newline: the last write did not complete. */
  terminated: boolean;
}

const CHUNK_BYTES = 64 * 1024;

/** The last line of an open file, read backwards from its end: appending must not cost a read of the whole log. */
export function readLastLine(fd: number): LastLine | undefined {
  const size = fstatSync(fd).size;
  if (size === 0) return undefined;
  const terminated = readAt(fd, size - 1, 1)[0] === 0x0a;
  const parts: Buffer[] = [];
  for (let end = terminated ? size - 1 : size; end > 0; ) {
    const start = Math.max(0, end - CHUNK_BYTES);
    const chunk = readAt(fd, start, end - start);
    const newline = chunk.lastIndexOf(0x0a);
    if (newline >= 0) {
      parts.unshift(chunk.subarray(newline + 1));
      break;
    }
    parts.unshift(chunk);
    end = start;
  }
  return { text: Buffer.concat(parts).toString('utf8'), terminated };
}

/**
 * The number (1-based) of the line `readLastLine` gave: the newlines before it, plus one. It reads the
 * whole file, so only a refusal to append asks, to say where the problem is.
 */
export function lastLineNumber(fd: number, last: LastLine): number {
  const size = fstatSync(fd).size;
  let newlines = 0;
  for (let start = 0; start < size; start += CHUNK_BYTES) {
    const chunk = readAt(fd, start, Math.min(CHUNK_BYTES, size - start));
    for (let i = 0; i < chunk.length; i++) if (chunk[i] === 0x0a) newlines++;
  }
  // A line the file's final newline ends is counted by it already.
  return last.terminated ? newlines : newlines + 1;
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  for (let offset = 0; offset < length; ) {
    const read = readSync(fd, buffer, offset, length - offset, position + offset);
    if (read === 0) return buffer.subarray(0, offset);
    offset += read;
  }
  return buffer;
}
