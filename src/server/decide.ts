import { randomUUID } from 'node:crypto';
import type { DecisionRecorder } from '../audit/decision-recorder.js';
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
}

/**
 * One patient through one snapshot of the rule sets, and with --record its audit record, durably,
 * before the caller may answer: no decision goes out unrecorded (the CLI's rule).
 */
export async function decide(patient: Patient, snapshot: RuleSetsSnapshot, recorder: DecisionRecorder | undefined): Promise<{ decision?: Decision; problems: Problem[] }> {
  const evaluation = await evaluatePatient(patient, snapshot.rulesets);
  if (!recorder) return { decision: { evaluation, decisionId: randomUUID(), recorded: false }, problems: [] };
  const { record, problems } = await recorder.record(patient, evaluation, snapshot.rulesets);
  if (!record) return { problems };
  return { decision: { evaluation, decisionId: record.decisionId, recorded: true }, problems: [] };
}
