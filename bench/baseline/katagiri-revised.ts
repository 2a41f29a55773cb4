/**
 * Revised Katagiri (Katagiri 2014, as CLINICAL-REFERENCE.md gives it): primary lesion slow 0 / moderate 2
 * / rapid 3, visceral or cerebral metastases nodular 1 / disseminated 2, laboratory abnormal 1 /
 * critical 2, ECOG 3-4 1, previous chemotherapy 1, multiple skeletal metastases 1; total 0-10.
 */
import { Bands, type ScoreOutcome } from './outcomes.js';
import type { PatientFacts } from './patient-facts.js';
import { groupTable, plus, pointOf, pointsFor, pointsOf, pointTable, type PointSet } from './point-set.js';
import { atLeast, below, FALSE, not, ONE_POINT_IF, or, TRUE, truthOf } from './truth.js';

export type KatagiriComponent = 'primaryLesion' | 'visceral' | 'laboratory' | 'performanceStatus' | 'previousChemotherapy' | 'multipleSkeletal';

/**
 * Histology -> growth group. Breast and prostate are slow when hormone-dependent, else moderate; lung is
 * moderate with molecularly targeted therapy, else rapid. uterine (endometrial moderate, cervical rapid),
 * seminoma and other are moderate or rapid; neuroendocrine has no row: like a missing histology it leaves
 * every group open.
 */
const PRIMARY = groupTable([
  [0, ['thyroid', 'myeloma', 'lymphoma']],
  [2, ['renal_cell', 'ovarian', 'sarcoma']],
  [3, ['colorectal', 'gastric', 'pancreatic', 'head_neck', 'esophageal', 'bladder', 'melanoma', 'hepatocellular', 'unknown_primary']],
]);
const MODERATE_OR_RAPID = new Set(['uterine', 'seminoma', 'other']);
const HORMONE_SPLIT = new Set(['breast', 'prostate']);
const LUNG = new Set(['lung_nsclc', 'lung_sclc']);
/** Indexed by the Truth of hormoneDependent: true 0, false 2. */
const BY_HORMONE: readonly PointSet[] = [0, pointOf(2), pointOf(0), pointsOf(0, 2)];
/** Indexed by the Truth of molecularTargetedTherapy: true 2, false 3. */
const BY_TARGETED_THERAPY: readonly PointSet[] = [0, pointOf(3), pointOf(2), pointsOf(2, 3)];

function primaryLesion(patient: PatientFacts): PointSet {
  const primary = patient.primaryTumor;
  if (primary !== undefined && HORMONE_SPLIT.has(primary)) return BY_HORMONE[truthOf(patient.hormoneDependent)] as PointSet;
  if (primary !== undefined && LUNG.has(primary)) return BY_TARGETED_THERAPY[truthOf(patient.molecularTargetedTherapy)] as PointSet;
  if (primary !== undefined && MODERATE_OR_RAPID.has(primary)) return pointsOf(2, 3);
  return pointsFor(PRIMARY, primary);
}

const VISCERAL = pointTable({ none: 0, nodular: 1, disseminated: 2 });
/** What the patient contract leaves of the pattern without visceral metastases, and with them. */
const VISCERAL_ABSENT = pointTable({ none: 0, disseminated: 2 });
const VISCERAL_PRESENT = pointTable({ nodular: 1, disseminated: 2 });

const [P0, P1, P2] = [pointOf(0), pointOf(1), pointOf(2)];

/**
 * Critical (2): platelets < 100 x 10^3/µL, calcium >= 10.3 mg/dL or bilirubin >= 1.4 mg/dL; otherwise
 * abnormal (1): CRP >= 0.4 mg/dL, LDH >= 250 IU/L or albumin < 3.7 g/dL; otherwise normal (0). The
 * critical and abnormal tests read different values, so "not critical" and "abnormal" combine freely.
 */
function laboratory(patient: PatientFacts): PointSet {
  const critical = or(or(below(patient.platelets, 100), atLeast(patient.calcium, 10.3)), atLeast(patient.bilirubin, 1.4));
  const abnormal = or(or(atLeast(patient.crp, 0.4), atLeast(patient.ldh, 250)), below(patient.albumin, 3.7));
  let points = critical & TRUE ? P2 : 0;
  if (critical & FALSE) points |= (abnormal & TRUE ? P1 : 0) | (abnormal & FALSE ? P0 : 0);
  return points;
}

const ZERO_OR_ONE = pointsOf(0, 1);
/** ECOG 0-2 0, 3-4 1. */
const performanceStatus = (ecog: number | undefined): PointSet => (ecog === undefined ? ZERO_OR_ONE : ecog <= 2 ? P0 : ecog >= 3 ? P1 : ZERO_OR_ONE);

const KATAGIRI_BANDS = new Bands([
  { category: 'low_risk', min: 0, max: 3 },
  { category: 'intermediate_risk', min: 4, max: 6 },
  { category: 'high_risk', min: 7, max: 10 },
]);

export function katagiriRevised(patient: PatientFacts): ScoreOutcome<KatagiriComponent> {
  const components = {
    primaryLesion: primaryLesion(patient),
    visceral: pointsFor(patient.visceralMetastases === undefined ? VISCERAL : patient.visceralMetastases ? VISCERAL_PRESENT : VISCERAL_ABSENT, patient.visceralMetastasesPattern),
    laboratory: laboratory(patient),
    performanceStatus: performanceStatus(patient.ecog),
    previousChemotherapy: ONE_POINT_IF[truthOf(patient.previousChemotherapy)] as PointSet,
    multipleSkeletal: ONE_POINT_IF[not(patient.solitarySkeletal)] as PointSet,
  };
  const total = plus(plus(plus(components.primaryLesion, components.visceral), plus(components.laboratory, components.performanceStatus)), plus(components.previousChemotherapy, components.multipleSkeletal));
  return KATAGIRI_BANDS.outcome(total, components);
}
