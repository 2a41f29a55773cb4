/**
 * Seeded patients that fill every field a bundled rule set reads, in every unit the contract admits and
 * on both sides of every threshold (the benchmark cohort leaves out most laboratory values, the
 * Katagiri and Tokuhashi splits, ESCC 1c, LMNOP's and the advisories' fields, ...). Each field is left
 * out with probability `missing`. test/hand-written-baseline.test.ts checks them against the baseline and
 * that they fill every input; bench/differential.ts alternates them with the benchmark cohort.
 * Visceral resectability and treatability follow the contract: none exactly when there are no visceral
 * metastases, recorded or not; so does Katagiri's pattern (nodular only with them, none only without). The vertebrae involved are never fewer than the lesions listed.
 */
import { LEVELS, mulberry32, PRIMARY_TUMORS } from './cohort.js';

export function widePatients(n: number, seed: number, missing = 0.3): Array<Record<string, unknown>> {
  const next = mulberry32(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)] as T;
  const fill = (target: Record<string, unknown>, key: string, value: () => unknown): void => {
    if (next() >= missing) target[key] = value();
  };
  const quantity = (units: Record<string, readonly number[]>) => (): { value: number; unit: string } => {
    const unit = pick(Object.keys(units));
    return { value: pick(units[unit] ?? []), unit };
  };
  return Array.from({ length: n }, (_, i) => {
    const p: Record<string, unknown> = { id: `W${seed}-${i}` };
    fill(p, 'primaryTumor', () => pick(PRIMARY_TUMORS));
    fill(p, 'colorectalSite', () => pick(['colon', 'rectum']));
    fill(p, 'hormoneDependent', () => next() < 0.5);
    fill(p, 'molecularTargetedTherapy', () => next() < 0.5);
    fill(p, 'radiosensitivity', () => pick(['radiosensitive', 'radioresistant']));
    fill(p, 'ambulatoryStatus', () => pick(['intact', 'impaired', 'non_ambulatory']));
    fill(p, 'toleratesSurgery', () => next() < 0.6);
    fill(p, 'srsAvailable', () => next() < 0.6);
    fill(p, 'estimatedSurvivalMonths', () => pick([0, 1, 2.9, 3, 3.1, 6, 24, 24.5, 60]));
    fill(p, 'karnofsky', () => pick([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]));
    fill(p, 'ecog', () => pick([0, 1, 2, 3, 4]));
    fill(p, 'frankelGrade', () => pick(['A', 'B', 'C', 'D', 'E']));
    // Whether there are visceral metastases is decided even when it is left out: both grades agree with it.
    const visceral = next() < 0.5;
    fill(p, 'visceralMetastases', () => visceral);
    fill(p, 'visceralMetastasesResectability', () => (visceral ? pick(['removable', 'unremovable']) : 'none'));
    fill(p, 'visceralMetastasesTreatability', () => (visceral ? pick(['treatable', 'untreatable']) : 'none'));
    fill(p, 'visceralMetastasesPattern', () => (visceral ? pick(['nodular', 'disseminated']) : pick(['none', 'disseminated'])));
    fill(p, 'previousChemotherapy', () => next() < 0.5);
    fill(p, 'metastasisTiming', () => pick(['synchronous', 'metachronous']));
    fill(p, 'priorTreatmentResponse', () => pick(['responding', 'stable', 'progressing', 'not_treated']));
    // The advisories' risk factors; lesion-plan's age advisory starts above 55.
    fill(p, 'age', () => pick([40, 55, 55.5, 56, 80]));
    for (const factor of ['diabetes', 'smoker', 'obesity', 'adjuvantRadiotherapy', 'adjuvantSystemicTherapy', 'longConstructPlanned', 'chestWallResectionPlanned']) fill(p, factor, () => next() < 0.4);
    fill(p, 'spinalMetastasisCount', () => pick([1, 1, 2, 3, 5]));
    fill(p, 'extraspinalBoneMetastasisCount', () => pick([0, 0, 1, 2, 3, 6]));
    fill(p, 'albumin', () => (next() < 0.4 ? pick([3.49, 3.5, 3.69, 3.7, 4.2]) : quantity({ 'g/dL': [3.49, 3.5, 3.69, 3.7], 'g/L': [34.9, 35, 36.9, 37, 30] })()));
    fill(p, 'crp', quantity({ 'mg/dL': [0.39, 0.4, 2], 'mg/L': [3.9, 4, 0.4] }));
    fill(p, 'ldh', quantity({ 'U/L': [249, 250], 'IU/L': [249.9, 250, 400] }));
    fill(p, 'platelets', quantity({ '10^3/µL': [99.9, 100, 250], '10^9/L': [99, 100], '/µL': [99_999, 100_000, 250_000] }));
    fill(p, 'calcium', quantity({ 'mg/dL': [10.29, 10.3, 9], 'mmol/L': [2.569, 2.57, 2.5699, 2.2] }));
    fill(p, 'bilirubin', quantity({ 'mg/dL': [1.39, 1.4, 0.5], 'µmol/L': [23.94, 24, 10] }));
    fill(p, 'lesions', () => Array.from({ length: 1 + Math.floor(next() * 4) }, () => {
      const l: Record<string, unknown> = {};
      fill(l, 'level', () => pick(LEVELS));
      fill(l, 'pain', () => pick(['mechanical', 'occasional', 'none']));
      fill(l, 'boneLesion', () => pick(['lytic', 'mixed', 'blastic']));
      fill(l, 'alignment', () => pick(['subluxation', 'de_novo_deformity', 'normal']));
      fill(l, 'collapse', () => pick(['over_50', 'under_50', 'none_over_50_involved', 'none']));
      fill(l, 'posterolateral', () => pick(['bilateral', 'unilateral', 'none']));
      fill(l, 'bilskyGrade', () => pick(['0', '1a', '1b', '1c', '2', '3']));
      fill(l, 'myelopathy', () => next() < 0.3);
      fill(l, 'priorRadiotherapyAtLevel', () => next() < 0.3);
      return l;
    }));
    // The loader rejects fewer vertebrae involved than lesions listed (INCONSISTENT_INPUT): raised to the count listed.
    const listed = Array.isArray(p.lesions) ? p.lesions.length : 0;
    if (typeof p.spinalMetastasisCount === 'number' && p.spinalMetastasisCount < listed) p.spinalMetastasisCount = listed;
    return p;
  });
}
