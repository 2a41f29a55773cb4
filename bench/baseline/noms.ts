/**
 * NOMS, one decision per lesion, as review Table 3 prints it (Laufer 2013; Chang 2019): neurologic
 * (Bilsky ESCC grade and myelopathy), oncologic (response to conventional radiotherapy), mechanical (SINS,
 * with Kim et al.'s >50% collapse rule for SINS 7-12), systemic (able to tolerate surgery), then the ten
 * rows of the decision table; and surgical consultation for SINS 7-12 (Fisher 2014).
 *
 * Each classification is a mask of its possible values (bit i = i-th value below); a missing input keeps
 * every value it could lead to, and the lesion's SINS is read as the set of totals still possible.
 */
import { classification, recommendationEntries, type ClassificationOutcome, type RecommendationOutcome } from './outcomes.js';
import type { PatientFacts } from './patient-facts.js';
import type { LesionFacts } from './lesion-facts.js';
import { pointsOf, type PointSet } from './point-set.js';
import type { SinsOutcome } from './sins.js';
import { among, EITHER, FALSE, TRUE, truthOf } from './truth.js';

const NEUROLOGIC = classification(['low_grade', 'high_grade']);
const ONCOLOGIC = classification(['radiosensitive', 'radioresistant']);
const MECHANICAL = classification(['unstable', 'stable']);
const SYSTEMIC = classification(['able', 'unable']);
const DECISION = classification(['cebrt', 'stabilization_then_cebrt', 'srs', 'stabilization_then_srs', 'separation_surgery_then_srs']);
// The bits of the two-valued classifications, in the order of the value lists above.
const [LOW_GRADE, HIGH_GRADE] = [1, 2];
const [RADIOSENSITIVE, RADIORESISTANT] = [1, 2];
const [UNSTABLE, STABLE] = [1, 2];
const [ABLE, UNABLE] = [1, 2];
const EITHER_VALUE = 3;

/** Bilsky 2010: 0, 1a, 1b low grade; 2, 3 high grade; 1c has no row (authors differ), so either. */
const ESCC = new Map([['0', LOW_GRADE], ['1a', LOW_GRADE], ['1b', LOW_GRADE], ['2', HIGH_GRADE], ['3', HIGH_GRADE]]);
/** Confirmed placements only (CLINICAL-REFERENCE.md, NOMS): other histologies leave the response open. */
const RESPONSE = new Map([
  ['lymphoma', RADIOSENSITIVE], ['myeloma', RADIOSENSITIVE], ['seminoma', RADIOSENSITIVE],
  ['renal_cell', RADIORESISTANT], ['melanoma', RADIORESISTANT], ['thyroid', RADIORESISTANT], ['colorectal', RADIORESISTANT],
]);

const SINS_UP_TO_6: PointSet = pointsOf(0, 1, 2, 3, 4, 5, 6);
const SINS_7_TO_12: PointSet = pointsOf(7, 8, 9, 10, 11, 12);
const SINS_13_UP: PointSet = ~(SINS_UP_TO_6 | SINS_7_TO_12);

// Review Table 3 by (neurologic, oncologic, mechanical, systemic), each the index of its value in the
// lists above (low 0 / high 1, ...); the entry is the decision's index in DECISION's values.
const [CEBRT, STABILIZATION_CEBRT, SRS, STABILIZATION_SRS, SEPARATION_SRS] = [0, 1, 2, 3, 4];
const TABLE_3: readonly number[] = [
  // low grade, radiosensitive: unstable (able, unable), stable (able, unable)
  STABILIZATION_CEBRT, STABILIZATION_CEBRT, CEBRT, CEBRT,
  // low grade, radioresistant
  STABILIZATION_SRS, STABILIZATION_SRS, SRS, SRS,
  // high grade, radiosensitive
  STABILIZATION_CEBRT, STABILIZATION_CEBRT, CEBRT, CEBRT,
  // high grade, radioresistant: only here does the ability to tolerate surgery matter
  SEPARATION_SRS, STABILIZATION_CEBRT, SEPARATION_SRS, CEBRT,
];

const CONSULTATION = recommendationEntries('surgical_consultation');
const CONSULTATION_LISTS: readonly (readonly RecommendationOutcome[])[] = CONSULTATION.map((entry) => (entry ? [entry] : []));

export interface NomsOutcome {
  classifications: {
    neurologic: ClassificationOutcome;
    oncologic: ClassificationOutcome;
    mechanical: ClassificationOutcome;
    systemic: ClassificationOutcome;
    decision: ClassificationOutcome;
  };
  recommendations: readonly RecommendationOutcome[];
}

export function noms(patient: PatientFacts, lesion: LesionFacts, sins: SinsOutcome): NomsOutcome {
  const escc = lesion.bilskyGrade === undefined ? EITHER_VALUE : (ESCC.get(lesion.bilskyGrade) ?? EITHER_VALUE);
  const myelopathy = truthOf(lesion.myelopathy);
  // Low grade needs low-grade ESCC and no myelopathy; myelopathy alone takes the high-grade row.
  const neurologic = (escc & LOW_GRADE && myelopathy & FALSE ? LOW_GRADE : 0) | (escc & HIGH_GRADE || myelopathy & TRUE ? HIGH_GRADE : 0);

  const given = patient.radiosensitivity;
  const primary = patient.primaryTumor;
  const oncologic = given !== undefined ? (given === 'radiosensitive' ? RADIOSENSITIVE : RADIORESISTANT) : primary === undefined ? EITHER_VALUE : (RESPONSE.get(primary) ?? EITHER_VALUE);

  // SINS and collapse are read as separate inputs (collapse also counts in SINS): every pair is a case.
  const s = sins.possible;
  const over50 = lesion.collapse === undefined ? EITHER : lesion.collapse === 'over_50' ? TRUE : FALSE;
  const unstable = s & SINS_13_UP || (s & SINS_7_TO_12 && over50 & TRUE);
  const stable = s & SINS_UP_TO_6 || (s & SINS_7_TO_12 && over50 & FALSE);
  const mechanical = (unstable ? UNSTABLE : 0) | (stable ? STABLE : 0);

  const tolerates = truthOf(patient.toleratesSurgery);
  const systemic = (tolerates & TRUE ? ABLE : 0) | (tolerates & FALSE ? UNABLE : 0);

  let decision = 0;
  for (let n = 0; n < 2; n += 1) {
    if (!(neurologic & (1 << n))) continue;
    for (let o = 0; o < 2; o += 1) {
      if (!(oncologic & (1 << o))) continue;
      for (let m = 0; m < 2; m += 1) {
        if (!(mechanical & (1 << m))) continue;
        for (let y = 0; y < 2; y += 1) if (systemic & (1 << y)) decision |= 1 << (TABLE_3[(n << 3) | (o << 2) | (m << 1) | y] as number);
      }
    }
  }

  return {
    classifications: {
      neurologic: NEUROLOGIC(neurologic),
      oncologic: ONCOLOGIC(oncologic),
      mechanical: MECHANICAL(mechanical),
      systemic: SYSTEMIC(systemic),
      decision: DECISION(decision),
    },
    recommendations: CONSULTATION_LISTS[among(s, SINS_7_TO_12)] as readonly RecommendationOutcome[],
  };
}
