/**
 * The integrated plan, patient part: expected survival (the clinician's estimate when given, else
 * revised Tokuhashi) and the surgical gate, more than 3 months of expected survival and a performance
 * status that allows surgery (review refs [59,60]); en bloc resection for an isolated slow-growing
 * lesion with over 2 years expected (ref [82]) or where SRS is not available (ref [83]).
 *
 * Classifications are masks of their possible values (bit i = i-th value below).
 */
import { classification, recommendationEntries, type ClassificationOutcome, type RecommendationOutcome, type ScoreOutcome } from './outcomes.js';
import type { PatientFacts } from './patient-facts.js';
import { pointOf, pointsOf } from './point-set.js';
import { among, and, FALSE, not, TRUE, truthOf } from './truth.js';

const CLINICIAN_SURVIVAL = classification(['over_3_months', 'up_to_3_months']);
const SCORE_SURVIVAL = classification(['over_3_months', 'uncertain']);
// Its values are those of the two it takes precedence over, in their order.
const EXPECTED_SURVIVAL = classification(['over_3_months', 'up_to_3_months', 'uncertain']);
const SURGICAL_GATE = classification(['passes', 'fails', 'uncertain']);
const OVER_2_YEARS = classification(['over_2_years', 'up_to_2_years']);
// The bits of each classification's values, in the order of the lists above.
const [OVER_3_MONTHS, UP_TO_3_MONTHS, UNCERTAIN] = [1, 2, 4]; // clinicianSurvival uses the first two
const [SCORE_OVER_3_MONTHS, SCORE_UNCERTAIN] = [1, 2];
const [PASSES, FAILS, GATE_UNCERTAIN] = [1, 2, 4];
const [OVER_2_YEARS_BIT, UP_TO_2_YEARS_BIT] = [1, 2];

/** Revised Tokuhashi 9-15 (bands at_least_6_months, at_least_1_year) predicts 6 months or more; 0-8 does not say. */
const TOKUHASHI_9_UP = ~pointsOf(0, 1, 2, 3, 4, 5, 6, 7, 8);
const TOMITA_SLOW_GROWTH = pointOf(1);

const NOT_INDICATED = recommendationEntries('surgery_not_indicated');
const MDT_REVIEW = recommendationEntries('mdt_survival_review');
const EN_BLOC_ISOLATED = recommendationEntries('en_bloc_isolated_slow_growing');
const EN_BLOC_NO_SRS = recommendationEntries('en_bloc_srs_unavailable');

export interface PlanOutcome {
  classifications: {
    clinicianSurvival: ClassificationOutcome;
    scoreSurvival: ClassificationOutcome;
    expectedSurvival: ClassificationOutcome;
    surgicalGate: ClassificationOutcome;
    clinicianSurvivalOver2Years: ClassificationOutcome;
  };
  recommendations: RecommendationOutcome[];
}

const listIn = (list: RecommendationOutcome[], entry: RecommendationOutcome | undefined): void => {
  if (entry) list.push(entry);
};

export function plan(patient: PatientFacts, tokuhashi: ScoreOutcome, tomita: ScoreOutcome<'growth' | 'visceral' | 'bone'>): PlanOutcome {
  const months = patient.estimatedSurvivalMonths;
  const clinician = months === undefined ? OVER_3_MONTHS | UP_TO_3_MONTHS : months > 3 ? OVER_3_MONTHS : UP_TO_3_MONTHS;
  const score = (tokuhashi.possible & TOKUHASHI_9_UP ? SCORE_OVER_3_MONTHS : 0) | (tokuhashi.possible & ~TOKUHASHI_9_UP ? SCORE_UNCERTAIN : 0);
  // The clinician's estimate when given, else the score's prediction, decided or not.
  const fromScore = (score & SCORE_OVER_3_MONTHS ? OVER_3_MONTHS : 0) | (score & SCORE_UNCERTAIN ? UNCERTAIN : 0);
  const expected = months !== undefined ? clinician : fromScore;

  const tolerates = truthOf(patient.toleratesSurgery);
  const passes = expected & OVER_3_MONTHS && tolerates & TRUE;
  const fails = expected & UP_TO_3_MONTHS || tolerates & FALSE;
  const uncertain = expected & UNCERTAIN && tolerates & TRUE;
  const gate = (passes ? PASSES : 0) | (fails ? FAILS : 0) | (uncertain ? GATE_UNCERTAIN : 0);

  const over2Years = months === undefined ? OVER_2_YEARS_BIT | UP_TO_2_YEARS_BIT : months > 24 ? OVER_2_YEARS_BIT : UP_TO_2_YEARS_BIT;
  // Tomita growth 1 point is slow growth (tomita2001 in plan.yaml); isolated also means no visceral metastasis.
  const isolated = and(patient.solitarySkeletal, not(truthOf(patient.visceralMetastases)));
  const isolatedSlowGrowing = and(and(isolated, among(tomita.components.growth, TOMITA_SLOW_GROWTH)), and(among(over2Years, OVER_2_YEARS_BIT), tolerates));
  const recommendations: RecommendationOutcome[] = [];
  listIn(recommendations, NOT_INDICATED[among(gate, FAILS)]);
  listIn(recommendations, MDT_REVIEW[among(gate, GATE_UNCERTAIN)]);
  listIn(recommendations, EN_BLOC_ISOLATED[isolatedSlowGrowing]);
  listIn(recommendations, EN_BLOC_NO_SRS[and(not(truthOf(patient.srsAvailable)), among(gate, PASSES))]);

  return {
    classifications: {
      clinicianSurvival: CLINICIAN_SURVIVAL(clinician),
      scoreSurvival: SCORE_SURVIVAL(score),
      expectedSurvival: EXPECTED_SURVIVAL(expected),
      surgicalGate: SURGICAL_GATE(gate),
      clinicianSurvivalOver2Years: OVER_2_YEARS(over2Years),
    },
    recommendations,
  };
}
