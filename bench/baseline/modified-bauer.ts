/**
 * The modified Bauer score in its two printed forms (/work/shared/CLINICAL-REFERENCE.md): Leithner 2008's
 * stand-alone score, where breast, kidney, lymphoma and myeloma are the favourable primaries, with its
 * treatment-goal bands; and the subscore NESMS uses (review Table 2: breast or kidney only, no bands).
 * One point each, 0-4.
 */
import { Bands, NO_BANDS, type ScoreOutcome } from './outcomes.js';
import type { PatientFacts } from './patient-facts.js';
import { plus, type PointSet } from './point-set.js';
import { isIn, not, ONE_POINT_IF, truthOf } from './truth.js';

export type BauerComponent = 'noVisceral' | 'primaryNotLung' | 'primaryFavourable' | 'solitarySkeletal';
export type NesmsBauerComponent = 'primaryNotLung' | 'primaryBreastOrKidney' | 'solitarySkeletal' | 'noVisceral';

const LUNG = new Set(['lung_nsclc', 'lung_sclc']);
const FAVOURABLE_LEITHNER = new Set(['breast', 'renal_cell', 'lymphoma', 'myeloma']);
const FAVOURABLE_NESMS = new Set(['breast', 'renal_cell']);

/** Leithner 2008: 0-1 supportive care, no surgery; 2 short-term palliation; 3-4 surgery for middle-term local control. */
const LEITHNER_BANDS = new Bands([
  { category: 'supportive_care', min: 0, max: 1 },
  { category: 'short_term_palliation', min: 2, max: 2 },
  { category: 'middle_term_local_control', min: 3, max: 4 },
]);

/**
 * Both primary criteria read primaryTumor; when it is missing the engine adds them over the same value
 * (lung 0 + 0, favourable 1 + 1, any other 1 + 0), which gives {0, 1, 2}, the same as adding {0, 1} twice.
 */
function criteria(patient: PatientFacts, favourable: ReadonlySet<string>): { notLung: PointSet; favourable: PointSet; solitary: PointSet; noVisceral: PointSet; total: PointSet } {
  const notLung = ONE_POINT_IF[not(isIn(LUNG, patient.primaryTumor))] as PointSet;
  const isFavourable = ONE_POINT_IF[isIn(favourable, patient.primaryTumor)] as PointSet;
  const solitary = ONE_POINT_IF[patient.solitarySkeletal] as PointSet;
  const noVisceral = ONE_POINT_IF[not(truthOf(patient.visceralMetastases))] as PointSet;
  return { notLung, favourable: isFavourable, solitary, noVisceral, total: plus(plus(notLung, isFavourable), plus(solitary, noVisceral)) };
}

export function modifiedBauer(patient: PatientFacts): ScoreOutcome<BauerComponent> {
  const c = criteria(patient, FAVOURABLE_LEITHNER);
  return LEITHNER_BANDS.outcome(c.total, { noVisceral: c.noVisceral, primaryNotLung: c.notLung, primaryFavourable: c.favourable, solitarySkeletal: c.solitary });
}

/** As NESMS defines it (review Table 2): breast or kidney. */
export function nesmsModifiedBauer(patient: PatientFacts): ScoreOutcome<NesmsBauerComponent> {
  const c = criteria(patient, FAVOURABLE_NESMS);
  return NO_BANDS.outcome(c.total, { primaryNotLung: c.notLung, primaryBreastOrKidney: c.favourable, solitarySkeletal: c.solitary, noVisceral: c.noVisceral });
}
