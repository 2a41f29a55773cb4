import { randomUUID } from 'node:crypto';
import type { Evaluation } from '../engine/types.js';
import type { LoadedRuleSet } from '../ruleset/types.js';
import { RECORD_FORMAT, recordedOutputs, type RecordBody, type RecordedRequest } from './decision-record.js';
import { engineIdentity } from './engine-identity.js';
import { lesionsWithHashedIds, patientWithHashedIds } from './hash-ids.js';
import { pinRuleSet, rulesetsUsed } from './pinned-ruleset.js';

export interface BuildOptions {
  /** Store `sha256:<hex>` of each `id` (patient and lesions) instead of the id. */
  hashIds?: boolean;
  now?: Date;
  /** The decision's id when it was shown before it was recorded (a CDS card carries it); else a new one. */
  decisionId?: string;
  request?: RecordedRequest;
}

/**
 * The record of one evaluation, before it is chained. The patient id also stands in the evaluation's
 * `patient`, which is left out: the input carries it (hashed when asked), and the outputs are the
 * results, lesions, missing inputs and warnings.
 */
export function buildRecordBody(patient: Record<string, unknown>, evaluation: Evaluation, rulesets: readonly LoadedRuleSet[], options: BuildOptions = {}): RecordBody {
  const hashIds = options.hashIds ?? false;
  return {
    format: RECORD_FORMAT,
    decisionId: options.decisionId ?? randomUUID(),
    timestamp: (options.now ?? new Date()).toISOString(),
    engine: engineIdentity(),
    rulesets: rulesetsUsed(evaluation, rulesets).map(pinRuleSet),
    input: hashIds ? patientWithHashedIds(patient) : patient,
    idsHashed: hashIds,
    outputs: recordedOutputs(evaluation, hashIds ? lesionsWithHashedIds(evaluation.lesions) : evaluation.lesions),
    trace: evaluation.trace,
    ...(options.request ? { request: options.request } : {}),
  };
}
