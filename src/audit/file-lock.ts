import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Problem } from '../problems/problem.js';

export interface LockOptions {
  /** Give up waiting after this long. Longer than staleMs, so that a waiter outlives an abandoned lock. */
  timeoutMs?: number;
  /** A lock older than this is abandoned whoever holds it: a writer holds it for one append, milliseconds. */
  staleMs?: number;
}

export const DEFAULT_LOCK_OPTIONS = { timeoutMs: 60_000, staleMs: 30_000 } as const;

/** What a lock file holds, so that a waiter can tell a live holder from a crashed one. */
interface LockOwner {
  pid: number;
  host: string;
  token: string;
  acquiredAt: string;
}

export interface HeldLock {
  path: string;
  token: string;
}

/**
 * An exclusive lock: a file created with O_EXCL ('wx'), which only one process can create; removing it
 * releases the lock. A waiter retries with capped exponential backoff and jitter. A lock whose holder
 * is gone (same host, pid no longer running) or that is older than staleMs is broken, under a second
 * lock file so that two waiters never both break it and then one of them removes the other's fresh lock.
 */
export async function acquireLock(path: string, options: LockOptions = {}): Promise<{ lock: HeldLock } | { problem: Problem }> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_LOCK_OPTIONS.timeoutMs;
  const staleMs = options.staleMs ?? DEFAULT_LOCK_OPTIONS.staleMs;
  const deadline = Date.now() + timeoutMs;
  const token = randomUUID();
  for (let delay = 1; ; delay = Math.min(delay * 2, 25)) {
    if (tryCreate(path, token)) return { lock: { path, token } };
    const seen = observe(path);
    if (!seen) continue; // released meanwhile: try again at once
    // Once broken, try again at once; if another waiter is breaking it, wait like for a live holder.
    if (isStale(seen, staleMs) && breakStale(path, seen.identity, staleMs)) continue;
    if (Date.now() >= deadline) {
      const holder = seen.owner ? `; held by pid ${seen.owner.pid} on ${seen.owner.host} since ${seen.owner.acquiredAt}` : '';
      return { problem: { code: 'AUDIT_LOCK_TIMEOUT', severity: 'error', message: `could not lock the log within ${timeoutMs} ms${holder}`, file: path } };
    }
    await sleep(delay * (0.5 + Math.random()));
  }
}

/** Removes the lock if it is still ours (it is not, only if it was broken as stale while held). */
export function releaseLock(lock: HeldLock): void {
  const seen = observe(lock.path);
  if (seen?.owner?.token === lock.token) unlinkQuietly(lock.path);
}

function tryCreate(path: string, token: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    const owner: LockOwner = { pid: process.pid, host: hostname(), token, acquiredAt: new Date().toISOString() };
    writeSync(fd, JSON.stringify(owner));
  } catch (err) {
    closeSync(fd);
    unlinkQuietly(path);
    throw err;
  }
  closeSync(fd);
  return true;
}

interface Observation {
  owner?: LockOwner;
  ageMs: number;
  /** Changes whenever the lock file is replaced: inode, modification time and content. */
  identity: string;
}

function observe(path: string): Observation | undefined {
  try {
    const stat = statSync(path);
    const text = readFileSync(path, 'utf8');
    return { owner: parseOwner(text), ageMs: Date.now() - stat.mtimeMs, identity: `${stat.ino}:${stat.mtimeMs}:${text}` };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function isStale(seen: Observation, staleMs: number): boolean {
  // A lock just created has no content yet; only its age can make it stale.
  if (seen.owner && seen.owner.host === hostname() && !processAlive(seen.owner.pid)) return true;
  return seen.ageMs > staleMs;
}

/** Removes the lock observed as stale if it is still that same lock; true when it did. */
function breakStale(path: string, identity: string, staleMs: number): boolean {
  const breaker = `${path}.break`;
  let fd: number;
  try {
    fd = openSync(breaker, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // Someone else is breaking it; a breaker that crashed meanwhile leaves a file to clear after staleMs.
    const other = observe(breaker);
    if (other && other.ageMs > staleMs) unlinkQuietly(breaker);
    return false;
  }
  closeSync(fd);
  try {
    if (observe(path)?.identity !== identity) return false;
    unlinkQuietly(path);
    return true;
  } finally {
    unlinkQuietly(breaker);
  }
}

function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.token === 'string') {
      return { pid: value.pid, host: value.host, token: value.token, acquiredAt: String(value.acquiredAt) };
    }
  } catch {
    // Empty (just created) or partly written: no owner known yet.
  }
  return undefined;
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
