/**
 * Tomita (Tomita 2001, as CLINICAL-REFERENCE.md gives it): primary tumor growth slow 1 / moderate 2 /
 * rapid 4, visceral metastases none 0 / treatable 2 / untreatable 4, bone metastases solitary 1 /
 * multiple 2; total 2-10 in four treatment-goal bands.
 */
import { Bands, type ScoreOutcome } from './outcomes.js';
import type { PatientFacts } from './patient-facts.js';
import { groupTable, plus, pointOf, pointsFor, pointsOf, pointTable, type PointSet } from './point-set.js';

export type TomitaComponent = 'growth' | 'visceral' | 'bone';

/**
 * Histology -> growth. The shared reference gives only the classes: these rows are the rule file's
 * (marked unconfirmed there). Histologies placed nowhere (colorectal, melanoma, sarcoma, ...) leave the
 * growth open, as a missing histology does.
 */
const GROWTH = groupTable([
  [1, ['breast', 'thyroid', 'prostate']],
  [2, ['renal_cell', 'uterine']],
  [4, ['lung_nsclc', 'lung_sclc', 'gastric', 'hepatocellular', 'unknown_primary']],
]);
const VISCERAL = pointTable({ none: 0, treatable: 2, untreatable: 4 });
/** The same with visceral metastases present, where the patient contract leaves only treatable or untreatable. */
const VISCERAL_PRESENT = pointTable({ treatable: 2, untreatable: 4 });
/** Solitary (one vertebra, none outside the spine) 1, multiple 2; indexed by the Truth of "solitary". */
const BONE: readonly PointSet[] = [0, pointOf(2), pointOf(1), pointsOf(1, 2)];

const TOMITA_BANDS = new Bands([
  { category: 'long_term_local_control', min: 2, max: 3 },
  { category: 'middle_term_local_control', min: 4, max: 5 },
  { category: 'short_term_palliation', min: 6, max: 7 },
  { category: 'supportive_care', min: 8, max: 10 },
]);

export function tomita(patient: PatientFacts): ScoreOutcome<TomitaComponent> {
  const growth = pointsFor(GROWTH, patient.primaryTumor);
  const visceral = pointsFor(patient.visceralMetastases === true ? VISCERAL_PRESENT : VISCERAL, patient.visceralMetastasesTreatability);
  const bone = BONE[patient.solitarySkeletal] as PointSet;
  return TOMITA_BANDS.outcome(plus(plus(growth, visceral), bone), { growth, visceral, bone });
}
