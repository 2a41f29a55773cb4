import type { DecisionRecorder } from '../audit/decision-recorder.js';
import type { Evaluation } from '../engine/types.js';
import { formatProblems } from '../problems/format.js';
import type { LoadedRuleSet } from '../ruleset/types.js';
import { EXIT, Exit } from './exit-codes.js';
import { usageError } from './usage-error.js';

export interface RecordOptions {
  record?: string;
  hashIds?: boolean;
}

export interface CliRecorder {
  /** Appends the decision record and gives its decision id, or prints why it could not and exits 3: no decision goes out unrecorded. */
  record(patient: Record<string, unknown>, evaluation: Evaluation, rulesets: readonly LoadedRuleSet[]): Promise<string>;
  /** One line on standard error naming what was recorded where; standard output stays the result contract. */
  report(): void;
}

/** --hash-ids without --record has nothing to apply to (evaluate, batch, serve): exit 64. */
export function refuseHashIdsAlone(options: { record?: string; hashIds?: boolean }): void {
  if (options.hashIds && !options.record) usageError('OPTION_CONFLICT', '--hash-ids applies to the decision record; give --record <log> too');
}

/** The --record log of evaluate and batch, or undefined without --record. */
export function openRecorder(options: RecordOptions): CliRecorder | undefined {
  refuseHashIdsAlone(options);
  if (!options.record) return undefined;
  const log = options.record;
  // The audit modules (hashing, canonical JSON, locking) load with the first record, not with every command.
  let recorder: DecisionRecorder | undefined;
  let count = 0;
  let lastId = '';
  return {
    async record(patient, evaluation, rulesets) {
      recorder ??= (await import('../audit/decision-recorder.js')).createDecisionRecorder(log, { hashIds: options.hashIds ?? false });
      const { record, problems } = await recorder.record(patient, evaluation, rulesets);
      if (!record) {
        process.stderr.write(formatProblems(problems) + '\n');
        throw new Exit(EXIT.audit);
      }
      count++;
      lastId = record.decisionId;
      return record.decisionId;
    },
    report() {
      process.stderr.write(count === 1 ? `decision ${lastId} recorded in ${log}\n` : `${count} decisions recorded in ${log}\n`);
    },
  };
}
