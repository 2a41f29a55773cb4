import { closeSync, fsyncSync, openSync } from 'node:fs';
import { writeAllSync } from '../audit/durable-write.js';
import type { Problem } from '../problems/problem.js';

/** One CDS Hooks feedback entry as stored: what the clinician did with the card of a decision. */
export interface FeedbackEntry {
  decisionId: string;
  service: string;
  outcome: 'accepted' | 'overridden';
  outcomeTimestamp: string;
  receivedAt: string;
  acceptedSuggestions?: Array<{ id: string }>;
  overrideReason?: { reason?: { system: string; code: string; display?: string }; userComment?: string };
}

export interface FeedbackStore {
  /** Stored durably before the service acknowledges; problems (data) when it could not be. */
  append(entries: readonly FeedbackEntry[]): Problem[];
}

/**
 * Feedback is appended to a JSON Lines file (one write and fsync per request), kept beside the audit
 * log so a reviewer finds the decision and what was done with it together. Without a file it is
 * acknowledged and not kept (serve says so at start): a copy in memory that nothing reads only grew
 * with every entry until the process ran out of heap.
 */
export function createFeedbackStore(file: string | undefined): FeedbackStore {
  return {
    append(batch) {
      if (!file) return [];
      let fd: number | undefined;
      try {
        fd = openSync(file, 'a');
        writeAllSync(fd, Buffer.from(batch.map((e) => JSON.stringify(e) + '\n').join(''), 'utf8'));
        fsyncSync(fd);
        return [];
      } catch (err) {
        const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
        return [{ code: 'FEEDBACK_WRITE_FAILED', severity: 'error', message: `cannot store the feedback (${reason})` }];
      } finally {
        if (fd !== undefined) closeSync(fd);
      }
    },
  };
}
