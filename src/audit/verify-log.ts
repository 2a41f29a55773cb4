import { accessSync, constants, statSync } from 'node:fs';
import type { Problem, ProblemCode } from '../problems/problem.js';
import { explainChainBreak } from './chain-break.js';
import { canonicalDecisionId, GENESIS_HASH, hashHolds, type DecisionRecord } from './decision-record.js';
import { readLogLines, type LogLine } from './read-log-lines.js';
import { recordShapeProblem } from './record-shape.js';
import { hasKeyProblem } from '../source/json-syntax.js';
import { storedRuleSetFile, storedRuleSetStatus, type StoredStatus } from './ruleset-store.js';

export interface LogVerification {
  /** Records intact before the first problem (all of them when there is none). */
  records: number;
  /** The hash of the last intact record: the chain head to keep elsewhere to detect a truncated log. */
  head: string;
  /** Empty, or the first problem: after a break nothing later can be vouched for. */
  problems: Problem[];
}

/**
 * Reads the log line by line and stops at the first line that is incomplete, not JSON, not a record,
 * whose hash does not match its content, whose `prev` is not the hash of the line before, that names
 * a rule set the store lacks or holds changed, or that repeats an earlier record's decision id.
 */
export function verifyLog(log: string): LogVerification {
  const unreadable = whyUnreadable(log);
  if (unreadable) return unreadableLog(log, unreadable);
  const verifier = logVerifier(log);
  for (const entry of readLogLines(log)) if (!verifier.next(entry)) break;
  return verifier.verification();
}

/** The lines of a log checked one at a time, for a reader that also wants each record (report). */
export interface LogVerifier {
  /** The line's record when it is intact and continues the chain; undefined from the first problem on. */
  next(entry: LogLine): DecisionRecord | undefined;
  /** What verifyLog gives, over the lines seen so far. */
  verification(): LogVerification;
}

export function logVerifier(log: string): LogVerifier {
  const store = new Map<string, StoredStatus>();
  // One decision, one record: feedback, `report --id` and `replay --id` find a decision by its id.
  const decisions = new Map<string, number>();
  let head = GENESIS_HASH;
  let records = 0;
  let problem: Problem | undefined;
  return {
    next(entry) {
      if (problem) return undefined;
      const checked = checkLine(log, entry, head, store);
      if ('problem' in checked) {
        problem = checked.problem;
        return undefined;
      }
      const id = canonicalDecisionId(checked.record.decisionId);
      const first = decisions.get(id);
      if (first !== undefined) {
        problem = { code: 'AUDIT_DUPLICATE_DECISION', severity: 'error', message: `decision ${checked.record.decisionId} is recorded already, at line ${first}: a record copied, or an id given twice`, file: log, line: entry.line, column: 1 };
        return undefined;
      }
      decisions.set(id, entry.line);
      head = checked.record.hash;
      records++;
      return checked.record;
    },
    verification: () => ({ records, head, problems: problem ? [problem] : [] }),
  };
}

/** Why a log cannot be read at all (missing, a folder, no permission), or undefined. */
export function whyUnreadable(log: string): string | undefined {
  try {
    accessSync(log, constants.R_OK);
    return statSync(log).isFile() ? undefined : 'not a file';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? 'unknown error';
  }
}

function unreadableLog(log: string, reason: string): LogVerification {
  return { records: 0, head: GENESIS_HASH, problems: [{ code: 'FILE_UNREADABLE', severity: 'error', message: `cannot read the log (${reason})`, file: log, line: 1, column: 1 }] };
}

function checkLine(log: string, { line, text, terminated }: LogLine, expectedPrev: string, store: Map<string, StoredStatus>): { record: DecisionRecord } | { problem: Problem } {
  const fail = (code: ProblemCode, message: string) => ({ problem: { code, severity: 'error' as const, message, file: log, line, column: 1 } });
  if (!terminated) return fail('AUDIT_TORN_LINE', 'the last line is incomplete (no newline ends it): a write was interrupted or the log was truncated');
  if (text.trim() === '') return fail('AUDIT_INVALID_JSON', 'empty line where a record should be');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return fail('AUDIT_INVALID_JSON', `not valid JSON: ${(err as Error).message}`);
  }
  // JSON.parse keeps the last of a repeated key: the line would show one value and be hashed with another.
  if (hasKeyProblem(text)) return fail('AUDIT_INVALID_RECORD', 'a key is repeated within one object (or is a forbidden key): the line shows a value its hash does not cover');
  const shape = recordShapeProblem(value);
  if (shape) return fail('AUDIT_INVALID_RECORD', shape);
  const record = value as DecisionRecord;
  if (!hashHolds(record)) return fail('AUDIT_RECORD_EDITED', recordEditedMessage(record.decisionId));
  if (record.prev !== expectedPrev) return fail('AUDIT_CHAIN_BROKEN', explainChainBreak(log, line, record.prev, expectedPrev, record.hash));
  for (const { id, version, documentSha256 } of record.rulesets) {
    let status = store.get(documentSha256);
    if (!status) store.set(documentSha256, (status = storedRuleSetStatus(log, documentSha256)));
    if (status === 'missing') return fail('AUDIT_RULESET_MISSING', `the record uses ${id} ${version}, whose copy is missing from the store (${storedRuleSetFile(log, documentSha256)})`);
    if (status === 'edited') return fail('AUDIT_RULESET_EDITED', `the record uses ${id} ${version}, whose stored copy has been changed (${storedRuleSetFile(log, documentSha256)})`);
    if (status === 'unreadable') return fail('AUDIT_RULESET_MISSING', `the record uses ${id} ${version}, whose stored copy cannot be read (${storedRuleSetFile(log, documentSha256)})`);
  }
  return { record };
}

/** What AUDIT_RECORD_EDITED says, wherever a record's hash is checked (a log, or a record read on its own). */
export function recordEditedMessage(decisionId: unknown): string {
  return `the record's content does not match its hash: it was changed after it was written (decision ${String(decisionId)})`;
}
