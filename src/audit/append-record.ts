import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Problem, ProblemCode } from '../problems/problem.js';
import { GENESIS_HASH, recordHash, SHA256_HEX, type DecisionRecord, type RecordBody } from './decision-record.js';
import { fsyncDirectory, writeAllSync } from './durable-write.js';
import { acquireLock, releaseLock, type LockOptions } from './file-lock.js';
import { lastLineNumber, readLastLine } from './read-last-line.js';

export interface AppendResult {
  /** The record as written, with its `prev` and `hash`; absent when nothing was written. */
  record?: DecisionRecord;
  problems: Problem[];
}

/**
 * Appends one record to the log and returns only once it is on disk. Under the log's lock: read the
 * last record's hash (the new `prev`), seal the record, write it as one line (one write call) to a file
 * opened for appending, fsync. A crash can leave only this last line incomplete, never touch the
 * records before it; the writer refuses to chain onto a log whose last line is incomplete or unreadable.
 */
export async function appendRecord(log: string, body: RecordBody, options: { lock?: LockOptions } = {}): Promise<AppendResult> {
  // Hashed as a reader will parse it back (JSON drops undefined, turns -0 into 0), outside the lock.
  const plain = JSON.parse(JSON.stringify(body)) as RecordBody;
  let acquired: Awaited<ReturnType<typeof acquireLock>>;
  try {
    acquired = await acquireLock(`${log}.lock`, options.lock);
  } catch (err) {
    return { problems: [writeFailed(log, err)] };
  }
  if ('problem' in acquired) return { problems: [acquired.problem] };
  try {
    return appendUnderLock(log, plain);
  } catch (err) {
    return { problems: [writeFailed(log, err)] };
  } finally {
    releaseLock(acquired.lock);
  }
}

function appendUnderLock(log: string, body: RecordBody): AppendResult {
  const created = !existsSync(log);
  // 'a+': every write goes to the end (O_APPEND) and the tail can still be read.
  const fd = openSync(log, 'a+');
  try {
    const tail = chainTail(log, fd);
    if ('problem' in tail) return { problems: [tail.problem] };
    const unsealed = { ...body, prev: tail.hash };
    const record: DecisionRecord = { ...unsealed, hash: recordHash(unsealed) };
    const sizeBefore = fstatSync(fd).size;
    try {
      writeAllSync(fd, Buffer.from(JSON.stringify(record) + '\n', 'utf8'));
      fsyncSync(fd);
    } catch (err) {
      // A partial line of ours, never acknowledged, under our lock: take it back rather than leave the log torn.
      try {
        ftruncateSync(fd, sizeBefore);
        fsyncSync(fd);
      } catch {
        // The torn line stays; the next writer refuses to chain onto it and verify reports it.
      }
      throw err;
    }
    if (created) fsyncDirectory(dirname(log));
    return { record, problems: [] };
  } finally {
    closeSync(fd);
  }
}

/** The hash the next record chains to, or why none can be trusted. */
function chainTail(log: string, fd: number): { hash: string } | { problem: Problem } {
  const last = readLastLine(fd);
  if (!last) return { hash: GENESIS_HASH };
  // Placed at the last line, as audit verify places it.
  const refuse = (code: ProblemCode, message: string) => ({ problem: { code, severity: 'error' as const, message: `${message}; nothing is appended until it is resolved (run spinemets audit verify)`, file: log, line: lastLineNumber(fd, last), column: 1 } });
  if (!last.terminated) return refuse('AUDIT_TORN_LINE', 'the log ends in an incomplete record (a write was interrupted)');
  let parsed: unknown;
  try {
    parsed = JSON.parse(last.text);
  } catch {
    return refuse('AUDIT_INVALID_JSON', 'the last line of the log is not JSON');
  }
  const hash = (parsed as { hash?: unknown } | null)?.hash;
  if (typeof hash !== 'string' || !SHA256_HEX.test(hash)) return refuse('AUDIT_INVALID_RECORD', 'the last line of the log has no record hash');
  return { hash };
}

function writeFailed(log: string, err: unknown): Problem {
  const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
  return { code: 'AUDIT_WRITE_FAILED', severity: 'error', message: `cannot append to the log (${reason})`, file: log };
}
