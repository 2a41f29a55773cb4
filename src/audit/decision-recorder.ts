import type { Evaluation } from '../engine/types.js';
import type { Problem } from '../problems/problem.js';
import type { LoadedRuleSet } from '../ruleset/types.js';
import { appendRecord, type AppendResult } from './append-record.js';
import { buildRecordBody, type BuildOptions } from './build-record.js';
import type { LockOptions } from './file-lock.js';
import { rulesetsUsed } from './pinned-ruleset.js';
import { storeRuleSets } from './ruleset-store.js';

export interface DecisionRecorder {
  readonly log: string;
  /** Ids are kept as their hashes (--hash-ids): what a caller shows beside the decision must be recorded so too. */
  readonly hashIds: boolean;
  /** Stores the rule sets the evaluation used (the first time), then appends its record durably. */
  record(patient: Record<string, unknown>, evaluation: Evaluation, rulesets: readonly LoadedRuleSet[], shown?: Pick<BuildOptions, 'decisionId' | 'request'>): Promise<AppendResult>;
}

export interface RecorderOptions {
  hashIds?: boolean;
  lock?: LockOptions;
}

/** One per log and process: it remembers which rule sets it already found in the store. */
export function createDecisionRecorder(log: string, options: RecorderOptions = {}): DecisionRecorder {
  const known = new Set<string>();
  return {
    log,
    hashIds: options.hashIds ?? false,
    async record(patient, evaluation, rulesets, shown = {}) {
      let problems: Problem[];
      try {
        const { edited } = storeRuleSets(log, rulesetsUsed(evaluation, rulesets), known);
        problems = edited.map((file) => ({ code: 'AUDIT_RULESET_EDITED', severity: 'error', message: 'the stored rule set has been changed: its content no longer has the hash it is named by', file, line: 1, column: 1 }));
      } catch (err) {
        const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
        problems = [{ code: 'AUDIT_WRITE_FAILED', severity: 'error', message: `cannot store the rule sets beside the log (${reason})`, file: log }];
      }
      if (problems.length) return { problems };
      const body = buildRecordBody(patient, evaluation, rulesets, { ...shown, hashIds: options.hashIds ?? false });
      return appendRecord(log, body, { lock: options.lock });
    },
  };
}
