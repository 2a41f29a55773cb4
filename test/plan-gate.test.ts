/**
 * The surgical gate of the integrated plan (rules/plan) and its effect on each lesion's management
 * (rules/lesion-plan), on seeded synthetic patients with and without missing data.
 *
 * The safety property (review refs [59,60]: more than 3 months of expected survival and a performance
 * status that allows surgery are prerequisites for surgery):
 *  - a patient whose clinician estimates 3 months or less, or who does not tolerate surgery, fails the
 *    gate, and no lesion of theirs is managed surgically;
 *  - when the gate is uncertain (survival beyond 3 months not established) or undetermined (null), no
 *    lesion is managed surgically either: null, mdt_review, or a non-surgical treatment.
 * Beyond it, a small oracle of the gate and of the management mapping (NOMS decision x gate), written
 * from the rule files' own statement of them, checks that the gate does not block more than it should.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ALIGNMENT, BONE_LESION, COLLAPSE, generateCohort, mulberry32, PAIN, POSTEROLATERAL, type Patient as CohortPatient } from '../bench/cohort.js';
import { evaluatePatient } from '../src/engine/evaluate-patient.js';
import type { Evaluation } from '../src/engine/types.js';
import { validator } from '../src/source/schemas.js';
import { bundledRuleSets } from './support/bundled.js';

const SURGICAL = ['stabilization_then_cebrt', 'stabilization_then_srs', 'separation_surgery_then_srs'] as const;
const isSurgical = (management: unknown): boolean => (SURGICAL as readonly unknown[]).includes(management);

// ------------------------------------------------------------------------------------------ the cohort

/** Dense around the 3-month and 24-month thresholds, plus a spread. */
const SURVIVAL_ESTIMATES = [0, 0.5, 1, 2, 2.5, 2.9, 3, 3.1, 3.5, 4, 6, 9, 12, 18, 24, 24.5, 30, 36, 60] as const;

type PlanLesion = NonNullable<CohortPatient['lesions']>[number] & { bilskyGrade?: '0' | '1a' | '1b' | '1c' | '2' | '3'; myelopathy?: boolean };

interface PlanPatient extends Omit<CohortPatient, 'lesions'> {
  lesions?: PlanLesion[];
  estimatedSurvivalMonths?: number;
  toleratesSurgery?: boolean;
  srsAvailable?: boolean;
  radiosensitivity?: 'radiosensitive' | 'radioresistant';
  karnofsky?: number;
  ecog?: number;
  frankelGrade?: 'A' | 'B' | 'C' | 'D' | 'E';
  visceralMetastasesResectability?: 'none' | 'removable' | 'unremovable';
  visceralMetastasesTreatability?: 'none' | 'treatable' | 'untreatable';
  visceralMetastasesPattern?: 'none' | 'nodular' | 'disseminated';
  previousChemotherapy?: boolean;
  hormoneDependent?: boolean;
  molecularTargetedTherapy?: boolean;
  crp?: { value: number; unit: 'mg/dL' };
  ldh?: { value: number; unit: 'U/L' };
  platelets?: { value: number; unit: '10^3/µL' };
  calcium?: { value: number; unit: 'mg/dL' };
  bilirubin?: { value: number; unit: 'mg/dL' };
  diabetes?: boolean;
  smoker?: boolean;
  obesity?: boolean;
  adjuvantRadiotherapy?: boolean;
  adjuvantSystemicTherapy?: boolean;
  longConstructPlanned?: boolean;
  chestWallResectionPlanned?: boolean;
}

/**
 * bench/cohort.ts's patients (histology, albumin, visceral metastases, bone metastasis counts, SINS
 * lesions; 15% of fields missing), completed with what the plan and NOMS read: the clinician's estimate
 * (70%), fitness for surgery (85%), Karnofsky and Frankel (revised Tokuhashi), the visceral details
 * consistent with visceralMetastases, a known radiosensitivity (half of the patients, so that many NOMS
 * decisions are decided), the ESCC grade and myelopathy per lesion (most missing SINS inputs put back),
 * revised Katagiri's inputs, and the advisories' risk factors (always given, with the age). Missing data
 * is kept where it reaches the gate or the NOMS decision: the estimate, fitness for surgery, the revised
 * Tokuhashi inputs, the histology, the ESCC grade, myelopathy and some SINS inputs.
 */
function generatePlanCohort(n: number, seed: number): PlanPatient[] {
  const next = mulberry32(seed ^ 0x5eed);
  const chance = (p: number): boolean => next() < p;
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)] as T;
  return generateCohort(n, seed, { missingRate: 0.15 }).map((base): PlanPatient => {
    const p: PlanPatient = { ...base, ...(base.lesions ? { lesions: base.lesions.map((l) => ({ ...l })) } : {}) };
    if (chance(0.7)) p.estimatedSurvivalMonths = pick(SURVIVAL_ESTIMATES);
    if (chance(0.85)) p.toleratesSurgery = chance(0.7);
    if (chance(0.8)) p.srsAvailable = chance(0.8);
    if (chance(0.5)) p.radiosensitivity = chance(0.35) ? 'radiosensitive' : 'radioresistant';
    if (chance(0.85)) p.karnofsky = 10 * (1 + Math.floor(next() * 10));
    if (chance(0.5)) p.ecog = Math.floor(next() * 5);
    if (chance(0.85)) p.frankelGrade = pick(['A', 'B', 'C', 'D', 'E'] as const);
    // Whether there are visceral metastases, also when it is not recorded: the grades must agree with it and with each other.
    const visceral = p.visceralMetastases ?? chance(0.5);
    if (chance(0.85)) p.visceralMetastasesResectability = visceral ? pick(['removable', 'unremovable'] as const) : 'none';
    if (chance(0.85)) p.visceralMetastasesTreatability = visceral ? pick(['treatable', 'untreatable'] as const) : 'none';
    // Revised Katagiri is shown beside the gate but decides nothing in it: its inputs are always given,
    // so that the run time goes to what is tested here rather than to exploring its missing data.
    p.visceralMetastasesPattern = visceral ? pick(['nodular', 'disseminated'] as const) : 'none';
    p.previousChemotherapy = chance(0.5);
    p.hormoneDependent = chance(0.5);
    p.molecularTargetedTherapy = chance(0.3);
    p.crp = { value: pick([0.1, 0.39, 0.4, 2]), unit: 'mg/dL' };
    p.ldh = { value: pick([180, 249, 250, 400]), unit: 'U/L' };
    p.platelets = { value: pick([60, 99, 100, 250]), unit: '10^3/µL' };
    p.calcium = { value: pick([9.2, 10.2, 10.3, 11.5]), unit: 'mg/dL' };
    p.bilirubin = { value: pick([0.6, 1.3, 1.4, 2.2]), unit: 'mg/dL' };
    // The advisories' inputs do not enter the gate or the management: always given, for the same reason
    // (missing ones are explored jointly across the lesion-plan recommendations, for nothing tested here).
    p.age ??= 18 + Math.floor(next() * 78);
    for (const field of ['diabetes', 'smoker', 'obesity', 'adjuvantRadiotherapy', 'adjuvantSystemicTherapy', 'longConstructPlanned', 'chestWallResectionPlanned'] as const) {
      p[field] = chance(0.25);
    }
    for (const lesion of p.lesions ?? []) {
      // The cohort leaves SINS inputs out as often as patient fields; most are put back, some stay
      // missing (they reach NOMS's mechanical assessment, hence the management).
      for (const [field, values] of [['pain', PAIN], ['boneLesion', BONE_LESION], ['alignment', ALIGNMENT], ['collapse', COLLAPSE], ['posterolateral', POSTEROLATERAL]] as const) {
        if (lesion[field] === undefined && chance(0.7)) (lesion as Record<string, string>)[field] = pick(values);
      }
      // High-grade ESCC (separation surgery, rows 7 and 9) and low-grade ESCC (stabilization, rows 2 and 4) both frequent.
      if (chance(0.9)) lesion.bilskyGrade = chance(0.45) ? pick(['2', '3'] as const) : pick(['0', '1a', '1b', '1c'] as const);
      if (chance(0.85)) lesion.myelopathy = chance(0.2);
    }
    return p;
  });
}

// ------------------------------------------------------------------------------------------ the oracle

type Gate = 'passes' | 'fails' | 'uncertain';

/** The gate when the clinician's estimate decides it, or fitness for surgery alone fails it; undefined otherwise. */
function gateFromClinician(p: PlanPatient): Gate | undefined {
  if (p.toleratesSurgery === false) return 'fails';
  if (p.estimatedSurvivalMonths === undefined) return undefined;
  if (p.estimatedSurvivalMonths <= 3) return 'fails';
  return p.toleratesSurgery === true ? 'passes' : undefined;
}

/** lesion-plan's management for a decided NOMS decision, mechanical assessment and gate. */
function management(decision: string, mechanical: string, gate: Gate): string {
  if (!isSurgical(decision) || gate === 'passes') return decision;
  if (gate === 'uncertain') return 'mdt_review';
  return decision === 'separation_surgery_then_srs' && mechanical === 'stable' ? 'cebrt' : 'mdt_review';
}

// ------------------------------------------------------------------------------------------ the tests

const PATIENTS = 300;
const SEED = 20261127;
/** A ceiling for slow machines, not a timing test. */
const COHORT_TIMEOUT = 120_000;
const SHOW = 5;

interface LesionCase {
  patient: PlanPatient;
  index: number;
  gate: unknown;
  decision: unknown;
  mechanical: unknown;
  management: unknown;
}

describe(`surgical gate and lesion management (${PATIENTS} seeded patients, seed ${SEED})`, () => {
  const cohort = generatePlanCohort(PATIENTS, SEED);
  const evaluations: Evaluation[] = [];
  const lesions: LesionCase[] = [];

  beforeAll(async () => {
    const rulesets = await bundledRuleSets(['lesion-plan']);
    // Every requirement is loaded: a missing prognostic score would silently leave the gate open.
    expect(rulesets.map((r) => r.document.id).sort()).toEqual(
      ['katagiri-revised', 'lesion-plan', 'modified-bauer', 'nesms', 'noms', 'plan', 'sins', 'tokuhashi-revised', 'tomita'],
    );
    for (const patient of cohort) {
      const evaluation = await evaluatePatient(patient as unknown as Record<string, unknown>, rulesets);
      evaluations.push(evaluation);
      (patient.lesions ?? []).forEach((_, index) => {
        const noms = evaluation.lesions[index]?.results.noms;
        lesions.push({
          patient,
          index,
          gate: evaluation.results.plan?.surgicalGate,
          decision: noms?.decision,
          mechanical: noms?.mechanical,
          management: evaluation.lesions[index]?.results['lesion-plan']?.management,
        });
      });
    }
  }, COHORT_TIMEOUT);

  it('the cohort is in the patient contract', () => {
    const validate = validator('patient');
    expect(cohort.filter((p) => !validate(p)).slice(0, SHOW)).toEqual([]);
  });

  it('exercises every gate with surgical NOMS decisions, and surgery where the gate passes', () => {
    const surgicalDecision = lesions.filter((c) => isSurgical(c.decision));
    const count = (keep: (c: LesionCase) => boolean): number => surgicalDecision.filter(keep).length;
    expect(count((c) => c.patient.estimatedSurvivalMonths !== undefined && c.patient.estimatedSurvivalMonths <= 3), 'estimate <= 3').toBeGreaterThan(10);
    expect(count((c) => c.patient.estimatedSurvivalMonths !== undefined && c.patient.estimatedSurvivalMonths < 3), 'estimate < 3').toBeGreaterThan(10);
    expect(count((c) => c.patient.toleratesSurgery === false), 'does not tolerate surgery').toBeGreaterThan(10);
    expect(count((c) => c.gate === 'uncertain'), 'gate uncertain').toBeGreaterThan(5);
    expect(count((c) => c.gate === null), 'gate undetermined').toBeGreaterThan(5);
    expect(count((c) => c.gate === 'passes'), 'gate passes').toBeGreaterThan(10);
    for (const m of SURGICAL) expect(lesions.some((c) => c.management === m), `management ${m}`).toBe(true);
  });

  it('estimated survival of 3 months or less, or surgery not tolerated: the gate fails and no lesion is managed surgically', () => {
    const violations = cohort.flatMap((patient, i) => {
      const short = patient.estimatedSurvivalMonths !== undefined && patient.estimatedSurvivalMonths <= 3;
      if (!short && patient.toleratesSurgery !== false) return [];
      const evaluation = evaluations[i] as Evaluation;
      const gate = evaluation.results.plan?.surgicalGate;
      const managements = evaluation.lesions.map((l) => l.results['lesion-plan']?.management);
      return gate === 'fails' && !managements.some(isSurgical) ? [] : [{ patient, gate, managements }];
    });
    expect(cohort.filter((p) => (p.estimatedSurvivalMonths ?? Infinity) <= 3 || p.toleratesSurgery === false).length).toBeGreaterThan(50);
    expect(violations.slice(0, SHOW)).toEqual([]);
  });

  it('gate uncertain or undetermined: no lesion is managed surgically (null, mdt_review, cEBRT or SRS)', () => {
    const open = lesions.filter((c) => c.gate === 'uncertain' || c.gate === null);
    const violations = open.filter((c) => !(c.management === null || c.management === 'mdt_review' || c.management === 'cebrt' || c.management === 'srs'));
    expect(open.length).toBeGreaterThan(50);
    expect(violations.slice(0, SHOW)).toEqual([]);
  });

  it('a lesion is managed surgically only when the gate passes, and then as NOMS decided', () => {
    const violations = lesions.filter((c) => isSurgical(c.management) && (c.gate !== 'passes' || c.management !== c.decision));
    expect(violations.slice(0, SHOW)).toEqual([]);
  });

  it('the gate equals the clinician-decided gate whenever the estimate or fitness for surgery decides it', () => {
    const differences = cohort.flatMap((patient, i) => {
      const expected = gateFromClinician(patient);
      const actual = evaluations[i]?.results.plan?.surgicalGate;
      return expected === undefined || actual === expected ? [] : [{ patient, expected, actual }];
    });
    expect(differences.slice(0, SHOW)).toEqual([]);
  });

  it('with the NOMS decision and the gate decided, management follows the mapping (stands, cEBRT, MDT review)', () => {
    const decided = lesions.filter((c) => typeof c.decision === 'string' && typeof c.mechanical === 'string' && typeof c.gate === 'string');
    const differences = decided.flatMap((c) => {
      const expected = management(c.decision as string, c.mechanical as string, c.gate as Gate);
      return c.management === expected ? [] : [{ patient: c.patient, lesion: c.index, gate: c.gate, decision: c.decision, mechanical: c.mechanical, expected, actual: c.management }];
    });
    expect(decided.length).toBeGreaterThan(100);
    expect(differences.slice(0, SHOW)).toEqual([]);
  });
});

// With no clinician estimate, a decided Tokuhashi gave the expected survival while an open one was
// pooled with every estimate the clinician might have given: the gate could then 'fail' on a survival
// of 3 months or less that nothing in the record could give (QA pass, clinical edge cases).
describe('expected survival without a clinician estimate is revised Tokuhashi, decided or open', () => {
  // Renal 3 + Karnofsky 0-2 + 3 extraspinal foci 0 + one vertebra 2 + no visceral 2 + Frankel C 1 = 8-10.
  const patient = { primaryTumor: 'renal_cell', frankelGrade: 'C', extraspinalBoneMetastasisCount: 3, visceralMetastases: false, toleratesSurgery: true, lesions: [{ level: 'T6', bilskyGrade: '3' }] };

  it('an open Tokuhashi leaves it over 3 months or uncertain, and the gate passes or is uncertain', async () => {
    const rulesets = await bundledRuleSets(['lesion-plan']);
    const { results } = await evaluatePatient(patient, rulesets, { trace: 'none' });
    expect(results['tokuhashi-revised']).toMatchObject({ score: null, range: [8, 10] });
    const plan = results.plan?.classifications;
    expect(plan?.expectedSurvival).toMatchObject({ value: null, possible: ['over_3_months', 'uncertain'] });
    expect(plan?.expectedSurvival?.missing).toEqual(expect.arrayContaining(['estimatedSurvivalMonths', 'karnofsky']));
    expect(plan?.surgicalGate).toMatchObject({ value: null, possible: ['passes', 'uncertain'] });
    expect(results.plan?.recommendations?.map((r) => r.id)).not.toContain('surgery_not_indicated');
  });

  it('a decided Tokuhashi decides it, as before', async () => {
    const rulesets = await bundledRuleSets(['lesion-plan']);
    const { results } = await evaluatePatient({ ...patient, karnofsky: 90 }, rulesets, { trace: 'none' });
    expect(results.plan?.classifications?.expectedSurvival).toMatchObject({ value: 'over_3_months' });
    expect(results.plan?.classifications?.surgicalGate).toMatchObject({ value: 'passes' });
  });
});
