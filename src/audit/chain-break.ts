import { GENESIS_HASH } from './decision-record.js';
import { readLogLines } from './read-log-lines.js';

/**
 * Why the `prev` of the record on `line` is not the hash of the record before it: records reordered
 * (the hash it names is elsewhere in the log), one removed (it is nowhere), or a chain restarted.
 * Only run once a break is found, so it may read the log again.
 */
export function explainChainBreak(log: string, line: number, prev: string, expected: string, hash: string): string {
  const before = line === 1 ? 'the genesis value' : `the hash of line ${line - 1} (${short(expected)})`;
  // A line copied within the log names the same record before it as the copy does.
  const twin = lineOfHash(log, hash, line);
  if (twin !== undefined) return `the record repeats line ${twin} (the same decision and hash): a record was duplicated`;
  if (prev === GENESIS_HASH) return `"prev" is the genesis value, not ${before}: the record starts a new chain (the records before it were removed, or another log was joined on)`;
  const found = lineOfHash(log, prev);
  if (found === undefined) {
    // On line 1 there is no line before it to have been changed: records before it were removed.
    const why = line === 1 ? 'the first records of the log are missing (removed from its start)' : `the record before it is missing, or line ${line - 1} was changed and sealed again`;
    return `"prev" is ${short(prev)}, the hash of no record in the log, instead of ${before}: ${why}`;
  }
  return `"prev" is the hash of line ${found}, not ${before}: records are out of order`;
}

/** The first line whose record has `hash` (other than line `except`). */
function lineOfHash(log: string, hash: string, except?: number): number | undefined {
  for (const { line, text } of readLogLines(log)) {
    if (line === except) continue;
    try {
      if ((JSON.parse(text) as { hash?: unknown } | null)?.hash === hash) return line;
    } catch {
      // Not a record; it cannot be the one named.
    }
  }
  return undefined;
}

const short = (hash: string): string => `${hash.slice(0, 12)}…`;
