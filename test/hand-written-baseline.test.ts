/**
 * The hand-written baseline of the benchmark (bench/baseline.ts) on its own: patients worked out by hand
 * from the published tables (/work/shared/CLINICAL-REFERENCE.md), complete and with missing inputs; then
 * every output it computes against the engine on seeded patients that fill every field the pipeline
 * reads, in every unit and around every threshold (the benchmark cohort leaves many of them out).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { disagreements } from '../bench/agreement.js';
import { evaluatePipeline, type PipelinePatient } from '../bench/baseline.js';
import { evaluatePatient } from '../src/engine/evaluate-patient.js';
import { parsePatientJson } from '../src/patient/load-patient.js';
import type { LoadedRuleSet } from '../src/ruleset/types.js';
import { bundledRuleSets } from './support/bundled.js';
import { widePatients } from '../bench/wide-cohort.js';

const SHOW = 5;

const values = (o: { classifications: Record<string, { value: string | null }> }): Record<string, string | null> =>
  Object.fromEntries(Object.entries(o.classifications).map(([id, c]) => [id, c.value]));
const recommended = (o: { recommendations: readonly { id: string; status: string }[] }): string[] => o.recommendations.map((r) => `${r.id}: ${r.status}`);

describe('the baseline on patients worked out by hand', () => {
  it('a complete patient: every score, classification and recommendation', () => {
    const patient: PipelinePatient = {
      primaryTumor: 'breast', hormoneDependent: true, radiosensitivity: 'radiosensitive', visceralMetastases: false, visceralMetastasesPattern: 'none',
      spinalMetastasisCount: 1, extraspinalBoneMetastasisCount: 0, albumin: 4.0, ambulatoryStatus: 'intact', karnofsky: 90, ecog: 1, frankelGrade: 'E',
      previousChemotherapy: false, toleratesSurgery: true, estimatedSurvivalMonths: 36, srsAvailable: false,
      platelets: { value: 250, unit: '10^3/µL' }, calcium: { value: 9.5, unit: 'mg/dL' }, bilirubin: { value: 0.5, unit: 'mg/dL' },
      crp: { value: 1, unit: 'mg/L' }, ldh: { value: 180, unit: 'U/L' },
      lesions: [{ level: 'T12', pain: 'mechanical', boneLesion: 'lytic', alignment: 'normal', collapse: 'under_50', posterolateral: 'unilateral', bilskyGrade: '1b', myelopathy: false }],
    };
    const { results, lesions } = evaluatePipeline(patient);
    // SINS: junctional T12 3 + mechanical 3 + lytic 2 + normal 0 + <50% collapse 2 + unilateral 1 = 11.
    const [lesion] = lesions;
    expect(lesion?.sins).toMatchObject({ score: 11, range: [11, 11], category: 'potentially_unstable' });
    // NOMS: ESCC 1b without myelopathy is low grade; SINS 7-12 without >50% collapse is stable: row 1, cEBRT.
    expect(lesion && values(lesion.noms)).toEqual({ neurologic: 'low_grade', oncologic: 'radiosensitive', mechanical: 'stable', systemic: 'able', decision: 'cebrt' });
    expect(lesion && recommended(lesion.noms)).toEqual(['surgical_consultation: applies']);
    // NESMS: modified Bauer 4 (not lung, breast, solitary, no visceral) -> 2, albumin 4.0 -> 1, intact -> 1: 4, ceiling 3.
    expect(results.nesms).toMatchObject({ score: 3, range: [3, 3], category: 'nesms_3' });
    expect(results.nesms.subscores.modifiedBauer).toMatchObject({ score: 4, range: [4, 4], category: null });
    expect(results['modified-bauer']).toMatchObject({ score: 4, category: 'middle_term_local_control' });
    // Tokuhashi: Karnofsky 90 2, no extraspinal 2, one vertebra 2, no organ metastases 2, breast 5, Frankel E 2.
    expect(results['tokuhashi-revised']).toMatchObject({ score: 15, category: 'at_least_1_year' });
    // Tomita: slow growth 1, no visceral 0, solitary 1.
    expect(results.tomita).toMatchObject({ score: 2, category: 'long_term_local_control' });
    // Katagiri: hormone-dependent breast 0 and every other factor 0 (CRP 1 mg/L is 0.1 mg/dL).
    expect(results['katagiri-revised']).toMatchObject({ score: 0, category: 'low_risk' });
    expect(values(results.plan)).toEqual({ clinicianSurvival: 'over_3_months', scoreSurvival: 'over_3_months', expectedSurvival: 'over_3_months', surgicalGate: 'passes', clinicianSurvivalOver2Years: 'over_2_years' });
    expect(recommended(results.plan)).toEqual(['en_bloc_isolated_slow_growing: applies', 'en_bloc_srs_unavailable: applies']);
  });

  it('a missing SINS component keeps every total it allows, and NOMS reads that set, not the range', () => {
    // L3 mobile 2 + occasional 1 + mixed 1 + collapse none 0 + posterolateral none 0, alignment missing (0, 2 or 4).
    const { lesions } = evaluatePipeline({ lesions: [{ level: 'L3', pain: 'occasional', boneLesion: 'mixed', collapse: 'none', posterolateral: 'none', bilskyGrade: '2' }], toleratesSurgery: false, radiosensitivity: 'radioresistant' });
    const [lesion] = lesions;
    expect(lesion?.sins).toMatchObject({ score: null, range: [4, 8], category: null, possibleCategories: ['stable', 'potentially_unstable'] });
    // 4 and 6 are stable; 8 without >50% collapse is stable for NOMS too; high-grade, radioresistant, unable: row 8, cEBRT.
    expect(lesion && values(lesion.noms)).toMatchObject({ mechanical: 'stable', neurologic: 'high_grade', decision: 'cebrt' });
    expect(lesion && recommended(lesion.noms)).toEqual(['surgical_consultation: possible']);
  });

  it('NESMS with the primary tumor and ambulation missing', () => {
    // Modified Bauer 2-4 (not lung 0-1, breast or kidney 0-1, solitary 1, no visceral 1) -> 0 or 2; 35 g/L = 3.5 g/dL -> 1; ambulation 0 or 1.
    const { nesms } = evaluatePipeline({ visceralMetastases: false, spinalMetastasisCount: 1, extraspinalBoneMetastasisCount: 0, albumin: { value: 35, unit: 'g/L' } }).results;
    expect(nesms.subscores.modifiedBauer).toMatchObject({ score: null, range: [2, 4] });
    expect(nesms).toMatchObject({ score: null, range: [1, 3], category: null, possibleCategories: ['nesms_1', 'nesms_2', 'nesms_3'] });
  });

  it('Katagiri laboratory values in SI units, each deciding the component alone', () => {
    const laboratory = (patient: PipelinePatient): number => evaluatePipeline(patient).results['katagiri-revised'].components.laboratory;
    // 2.57 mmol/L x 4.008 = 10.30 mg/dL >= 10.3: critical whatever is missing.
    expect(laboratory({ calcium: { value: 2.57, unit: 'mmol/L' } })).toBe(1 << 2);
    // 23.94 µmol/L x 0.05848 = 1.4000112 mg/dL >= 1.4: critical. (The factor rounds 1/17.1 up, so 23.94 lands
    // just above the threshold, not just under it as a note in katagiri-revised.yaml says.)
    expect(laboratory({ bilirubin: { value: 23.94, unit: 'µmol/L' } })).toBe(1 << 2);
    // 23.93 µmol/L = 1.39943 mg/dL; platelets 100,000/µL = 100 x 10^3/µL, not under 100; calcium 9 mg/dL: not critical.
    // 37 g/L = 3.7 g/dL is not under 3.7, but CRP 4 mg/L = 0.4 mg/dL is at least 0.4: abnormal, LDH unknown.
    const abnormal = {
      bilirubin: { value: 23.93, unit: 'µmol/L' }, platelets: { value: 100_000, unit: '/µL' }, calcium: { value: 9, unit: 'mg/dL' },
      albumin: { value: 37, unit: 'g/L' }, crp: { value: 4, unit: 'mg/L' },
    } as const satisfies PipelinePatient;
    expect(laboratory(abnormal)).toBe(1 << 1);
    // CRP 3.9 mg/L instead: normal or abnormal, as the missing LDH decides.
    expect(laboratory({ ...abnormal, crp: { value: 3.9, unit: 'mg/L' } })).toBe((1 << 0) | (1 << 1));
  });

  it('the plan takes revised Tokuhashi when the clinician gives no estimate', () => {
    // Tokuhashi: Karnofsky 40 0, 3+ extraspinal 0, 3+ vertebrae 0, unremovable 0, lung 0, Frankel A 0 = 0, under 6 months.
    const { results } = evaluatePipeline({
      karnofsky: 40, extraspinalBoneMetastasisCount: 3, spinalMetastasisCount: 3, visceralMetastases: true, visceralMetastasesResectability: 'unremovable',
      primaryTumor: 'lung_nsclc', frankelGrade: 'A', toleratesSurgery: true,
    });
    expect(results['tokuhashi-revised']).toMatchObject({ score: 0, category: 'under_6_months' });
    expect(values(results.plan)).toMatchObject({ clinicianSurvival: null, scoreSurvival: 'uncertain', expectedSurvival: 'uncertain', surgicalGate: 'uncertain' });
    expect(results.plan.classifications.clinicianSurvival.possible).toEqual(['over_3_months', 'up_to_3_months']);
    expect(recommended(results.plan)).toEqual(['mdt_survival_review: applies']);
  });
});

describe('the baseline against the engine, every output, on patients that fill every field', () => {
  let rulesets: LoadedRuleSet[] = [];
  beforeAll(async () => {
    rulesets = await bundledRuleSets(['sins', 'nesms', 'noms', 'plan']);
  });

  it.each([
    { missing: 0.05, seed: 1 },
    { missing: 0.3, seed: 2 },
    { missing: 0.7, seed: 3 },
  ])('$missing of the fields missing (seed $seed)', async ({ missing, seed }) => {
    const patients = widePatients(150, seed, missing);
    // Loadable as a patient file: the schema and the loader's consistency check.
    expect(patients.flatMap((p) => parsePatientJson(JSON.stringify(p), String(p.id)).problems).slice(0, SHOW)).toEqual([]);
    const found: string[] = [];
    for (const patient of patients) {
      const differences = disagreements(await evaluatePatient(patient, rulesets, { trace: 'none' }), evaluatePipeline(patient as PipelinePatient));
      if (differences.length) found.push(`${String(patient.id)}: ${differences.join('; ')}`);
    }
    expect(found.slice(0, SHOW)).toEqual([]);
  });
});
