import type { Evaluation, LesionEvaluation } from '../engine/types.js';
import { sha256Hex } from '../ruleset/hash.js';

/**
 * `sha256:<hex>` of an identifier. It stays a string, so a record's input is still a valid patient
 * and a replay yields the same hashed lesion ids as the recorded outputs. A plain hash links a
 * patient's decisions without naming the patient; it does not hide an id that can be guessed.
 */
export function hashId(id: string): string {
  return `sha256:${sha256Hex(id)}`;
}

/** The patient with its `id` and every lesion's `id` replaced by their hashes. */
export function patientWithHashedIds(patient: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...patient };
  if (typeof copy.id === 'string') copy.id = hashId(copy.id);
  if (Array.isArray(copy.lesions)) copy.lesions = copy.lesions.map((lesion: unknown) => withHashedId(lesion));
  return copy;
}

/** The evaluation as a record with hashed ids holds it: its patient's and lesions' ids hashed. */
export function evaluationWithHashedIds(evaluation: Evaluation): Evaluation {
  const id = evaluation.patient.id;
  return { ...evaluation, patient: { ...evaluation.patient, id: id === null ? null : hashId(id) }, lesions: lesionsWithHashedIds(evaluation.lesions) };
}

export function lesionsWithHashedIds(lesions: readonly LesionEvaluation[]): LesionEvaluation[] {
  return lesions.map((lesion) => (lesion.id === undefined ? lesion : { ...lesion, id: hashId(lesion.id) }));
}

function withHashedId(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  return typeof record.id === 'string' ? { ...record, id: hashId(record.id) } : record;
}
