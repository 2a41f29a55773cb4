/**
 * The hand-written baseline the benchmark compares the engine with: plain functions per rule set in
 * bench/baseline/, written from the published tables (/work/shared/CLINICAL-REFERENCE.md) and the rule
 * files' statement of them, independently of src/ and of the YAML. Two entry points, one per benchmark
 * pipeline: SINS + NESMS, and the full pipeline (SINS, NESMS, NOMS, the plan and the prognostic scores the
 * plan requires).
 *
 * Missing data follows the engine's contract: a missing input gives a component every value it could
 * take; a score keeps every total still possible (its range), sets `score` only when one remains and
 * `category` only when every possible total falls in one band; a classification is null with the values
 * it could still take; a recommendation is listed as applying, or as possible for some missing value.
 */
import { nesms, type NesmsOutcome } from './baseline/nesms.js';
import type { PipelineLesion, PipelinePatient } from './baseline/patient.js';
import { LesionFacts } from './baseline/lesion-facts.js';
import { PatientFacts } from './baseline/patient-facts.js';
import { sins, type SinsOutcome } from './baseline/sins.js';

export { evaluatePipeline, type PipelineOutcome } from './baseline/pipeline.js';
export type { PipelinePatient } from './baseline/patient.js';

export interface SinsNesmsOutcome {
  results: { nesms: NesmsOutcome };
  /** One entry per listed lesion, in order. */
  lesions: Array<{ sins: SinsOutcome }>;
}

export function evaluateBaseline(patient: PipelinePatient): SinsNesmsOutcome {
  const listed = patient.lesions ?? [];
  const lesions: SinsNesmsOutcome['lesions'] = new Array(listed.length);
  for (let i = 0; i < listed.length; i += 1) lesions[i] = { sins: sins(new LesionFacts(listed[i] as PipelineLesion)) };
  return { results: { nesms: nesms(new PatientFacts(patient)) }, lesions };
}
