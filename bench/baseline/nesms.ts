/**
 * NESMS (review Table 2; Ghori 2015, Schoenfeld 2016): modified Bauer 3 or more earns 2 points, albumin
 * of 3.5 g/dL (35 g/L) or more 1, intact or impaired ambulation 1, with a ceiling of 3 (Ghori 2015).
 */
import { nesmsModifiedBauer, type NesmsBauerComponent } from './modified-bauer.js';
import { Bands, type ScoreOutcome } from './outcomes.js';
import type { PatientFacts } from './patient-facts.js';
import { capped, plus, pointOf, pointsFor, pointsOf, pointTable } from './point-set.js';

export type NesmsComponent = 'bauer' | 'albumin' | 'ambulation';
export interface NesmsOutcome extends ScoreOutcome<NesmsComponent> {
  subscores: { modifiedBauer: ScoreOutcome<NesmsBauerComponent> };
}

const BAUER_UP_TO_2 = pointsOf(0, 1, 2);
const BAUER_3_OR_MORE = ~BAUER_UP_TO_2;
const AMBULATION = pointTable({ non_ambulatory: 0, intact: 1, impaired: 1 });
const EITHER_POINT = pointsOf(0, 1);
const CEILING = 3;
const NESMS_BANDS = new Bands([0, 1, 2, 3].map((n) => ({ category: `nesms_${n}`, min: n, max: n })));

export function nesms(patient: PatientFacts): NesmsOutcome {
  const modifiedBauer = nesmsModifiedBauer(patient);
  // Each modified Bauer total still possible gives its points: <= 2 -> 0, >= 3 -> 2.
  const bauer = (modifiedBauer.possible & BAUER_UP_TO_2 ? pointOf(0) : 0) | (modifiedBauer.possible & BAUER_3_OR_MORE ? pointOf(2) : 0);
  const albumin = patient.albumin === undefined ? EITHER_POINT : pointOf(patient.albumin >= 3.5 ? 1 : 0);
  const ambulation = pointsFor(AMBULATION, patient.ambulatoryStatus);
  const total = capped(plus(plus(bauer, albumin), ambulation), CEILING);
  return NESMS_BANDS.outcome(total, { bauer, albumin, ambulation }, { modifiedBauer }) as NesmsOutcome;
}
