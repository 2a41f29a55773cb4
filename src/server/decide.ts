import { randomUUID } from 'node:crypto';
import type { RecordedRequest } from '../audit/decision-record.js';
import type { DecisionRecorder } from '../audit/decision-recorder.js';
import { evaluationWithHashedIds } from '../audit/hash-ids.js';
import { evaluatePatient } from '../engine/evaluate-patient.js';
import type { Evaluation } from '../engine/types.js';
import type { Patient } from '../patient/load-patient.js';
import type { Problem } from '../problems/problem.js';
import type { RuleSetsSnapshot } from '../ruleset/live-rule-sets.js';

export interface Decision {
  evaluation: Evaluation;
  /** The audit record's id with --record; otherwise a fresh id, so CDS feedback can still name the decision. */
  decisionId: string;
  recorded: boolean;
  /** What `decide` was told would be shown (and, with --record, recorded). */
  request?: RecordedRequest;
}

/**
 * One patient through one snapshot of the rule sets, and with --record its audit record, durably,
 * before the caller may answer: no decision goes out unrecorded (the CLI's rule). `shown`: what the
 * caller will answer with (a CDS card, which names the decision), kept in the record beside it.
 */
export async function decide(patient: Patient, snapshot: RuleSetsSnapshot, recorder: DecisionRecorder | undefined, shown?: (evaluation: Evaluation, decisionId: string, hashedIds?: boolean) => RecordedRequest): Promise<{ decision?: Decision; problems: Problem[] }> {
  const evaluation = await evaluatePatient(patient, snapshot.rulesets);
  const decisionId = randomUUID();
  const request = shown?.(evaluation, decisionId);
  const answer = { evaluation, decisionId, ...(request ? { request } : {}) };
  if (!recorder) return { decision: { ...answer, recorded: false }, problems: [] };
  // With hashed ids, what was shown is recorded as shown to one who knows only the hashes: the card
  // built from the evaluation with hashed ids (its text names the patient), the hook's patient hashed.
  const recorded = request && recorder.hashIds && shown ? shown(evaluationWithHashedIds(evaluation), decisionId, true) : request;
  const { record, problems } = await recorder.record(patient, evaluation, snapshot.rulesets, { decisionId, ...(recorded ? { request: recorded } : {}) });
  if (!record) return { problems };
  return { decision: { ...answer, recorded: true }, problems: [] };
}
