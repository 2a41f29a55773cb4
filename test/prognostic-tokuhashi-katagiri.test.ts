/**
 * The bundled revised Tokuhashi (rules/tokuhashi-revised) and revised Katagiri (rules/katagiri-revised)
 * rule sets against a hand-written implementation of the published tables (Tokuhashi 2005, Katagiri 2014,
 * as /work/shared/CLINICAL-REFERENCE.md gives them), on seeded random patients with and without missing
 * inputs, plus hand-made patients at every band edge. The oracle shares nothing with the engine or the
 * YAML: points, histology groups, laboratory thresholds and unit factors are typed in again here, and a
 * missing input is handled by enumerating the values it could take, component by component (no input is
 * read by two components, so the possible totals are the sums of one possible value per component).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { LEVELS, mulberry32, PRIMARY_TUMORS, type PrimaryTumor } from '../bench/cohort.js';
import { evaluatePatient } from '../src/engine/evaluate-patient.js';
import type { Evaluation, RuleSetResult } from '../src/engine/types.js';
import type { LoadedRuleSet } from '../src/ruleset/types.js';
import { validator } from '../src/source/schemas.js';
import { bundledRuleSets } from './support/bundled.js';
import { listedVertebrae } from '../src/patient/listed-vertebrae.js';

// ------------------------------------------------------------------------------------------ patients

type Frankel = 'A' | 'B' | 'C' | 'D' | 'E';
type Resectability = 'none' | 'removable' | 'unremovable';
type Pattern = 'none' | 'nodular' | 'disseminated';
interface Quantity<U extends string> {
  value: number;
  unit: U;
}

/** The fields of the patient contract the two scores read. Every field is optional (absent = missing). */
interface Patient {
  id: string;
  primaryTumor?: PrimaryTumor;
  colorectalSite?: 'colon' | 'rectum';
  hormoneDependent?: boolean;
  molecularTargetedTherapy?: boolean;
  karnofsky?: number;
  ecog?: number;
  frankelGrade?: Frankel;
  visceralMetastases?: boolean;
  visceralMetastasesResectability?: Resectability;
  visceralMetastasesPattern?: Pattern;
  previousChemotherapy?: boolean;
  spinalMetastasisCount?: number;
  extraspinalBoneMetastasisCount?: number;
  lesions?: Array<{ level: string }>;
  albumin?: number | Quantity<'g/dL' | 'g/L'>;
  crp?: Quantity<'mg/dL' | 'mg/L'>;
  ldh?: Quantity<'U/L' | 'IU/L'>;
  platelets?: Quantity<'10^3/µL' | '10^9/L' | '/µL'>;
  calcium?: Quantity<'mg/dL' | 'mmol/L'>;
  bilirubin?: Quantity<'mg/dL' | 'µmol/L'>;
}

// ------------------------------------------------------------------------------------------ the oracle

interface Outcome {
  score: number | null;
  range: [number, number];
  category: string | null;
  /** Points per component: a number when only one value is possible, else null. */
  components: Record<string, number | null>;
}

const only = (values: ReadonlySet<number>): number | null => (values.size === 1 ? ([...values][0] as number) : null);

/** Sums of one value from each set; the score, its range and the band when every sum falls in one. */
function outcome(components: Record<string, Set<number>>, bands: ReadonlyArray<{ category: string; min: number; max: number }>): Outcome {
  let totals = new Set([0]);
  for (const points of Object.values(components)) {
    const next = new Set<number>();
    for (const t of totals) for (const p of points) next.add(t + p);
    totals = next;
  }
  const sorted = [...totals].sort((a, b) => a - b);
  const categories = new Set(sorted.map((t) => bands.find((b) => t >= b.min && t <= b.max)?.category));
  return {
    score: sorted.length === 1 ? (sorted[0] as number) : null,
    range: [sorted[0] as number, sorted[sorted.length - 1] as number],
    category: categories.size === 1 ? ([...categories][0] ?? null) : null,
    components: Object.fromEntries(Object.entries(components).map(([id, points]) => [id, only(points)])),
  };
}

/**
 * The numbers of vertebrae involved the patient could have: given, else the levels the lesions list (each
 * once; from the least to the most when a lesion has no level, as it may share a listed one), else unknown.
 */
function vertebrae(p: Patient): number[] | undefined {
  if (p.spinalMetastasisCount !== undefined) return [p.spinalMetastasisCount];
  if (!p.lesions?.length) return undefined;
  const { least, most } = listedVertebrae(p.lesions);
  return Array.from({ length: most - least + 1 }, (_, i) => least + i);
}

// --- Revised Tokuhashi (Tokuhashi 2005) --------------------------------------------------------------

const TOKUHASHI_BANDS = [
  { category: 'under_6_months', min: 0, max: 8 },
  { category: 'at_least_6_months', min: 9, max: 11 },
  { category: 'at_least_1_year', min: 12, max: 15 },
];

/**
 * Primary site: 0 lung, osteosarcoma, stomach, bladder, esophagus, pancreas; 1 liver, gallbladder,
 * unidentified; 2 others; 3 kidney, uterus; 4 rectum; 5 thyroid, breast, prostate, carcinoid.
 * 'colorectal': rectum 4, colon 2 (not named, so "others"). sarcoma: osteosarcoma 0 or another sarcoma 2.
 * Not listed: neuroendocrine (carcinoid 5 or not) and other - their class is unknown.
 */
const TOKUHASHI_SITE: Partial<Record<PrimaryTumor, number | 'colorectal' | number[]>> = {
  lung_nsclc: 0, lung_sclc: 0, gastric: 0, bladder: 0, esophageal: 0, pancreatic: 0, sarcoma: [0, 2],
  hepatocellular: 1, unknown_primary: 1,
  melanoma: 2, myeloma: 2, lymphoma: 2, seminoma: 2, ovarian: 2, head_neck: 2,
  renal_cell: 3, uterine: 3,
  thyroid: 5, breast: 5, prostate: 5,
  colorectal: 'colorectal',
};
/** Every class of the table: what an unknown or unlisted histology could be. */
const TOKUHASHI_CLASSES: Array<number | 'colorectal'> = [0, 1, 2, 3, 5, 'colorectal'];

function tokuhashi(p: Patient): Outcome {
  const all = (...values: number[]): Set<number> => new Set(values);
  const kps = p.karnofsky;
  // 10-40% 0, 50-70% 1, 80-100% 2 (the contract starts at 10).
  const generalCondition = kps === undefined ? all(0, 1, 2) : all(kps <= 40 ? 0 : kps <= 70 ? 1 : 2);
  const extra = p.extraspinalBoneMetastasisCount;
  const extraspinalBone = extra === undefined ? all(0, 1, 2) : all(extra >= 3 ? 0 : extra >= 1 ? 1 : 2);
  const spine = vertebrae(p);
  const vertebralBody = spine === undefined ? all(0, 1, 2) : all(...spine.map((n) => (n >= 3 ? 0 : n === 2 ? 1 : 2)));
  const organs = { unremovable: 0, removable: 1, none: 2 };
  // No visceral metastases at all means none to the major internal organs; with visceral metastases an
  // absent resectability is removable or unremovable (the contract allows nothing else in either case).
  const visceral = visceralMetastases(p);
  const resectability = p.visceralMetastasesResectability ?? (visceral === false ? 'none' : undefined);
  const majorOrgans = resectability !== undefined ? all(organs[resectability]) : visceral === true ? all(organs.unremovable, organs.removable) : all(0, 1, 2);
  const frankel = { A: 0, B: 0, C: 1, D: 1, E: 2 };
  const palsy = p.frankelGrade === undefined ? all(0, 1, 2) : all(frankel[p.frankelGrade]);
  const listed = p.primaryTumor === undefined ? undefined : TOKUHASHI_SITE[p.primaryTumor];
  const classes = listed === undefined ? TOKUHASHI_CLASSES : Array.isArray(listed) ? listed : [listed];
  const colorectal = p.colorectalSite === undefined ? [2, 4] : [p.colorectalSite === 'rectum' ? 4 : 2];
  const primarySite = new Set(classes.flatMap((c) => (c === 'colorectal' ? colorectal : [c])));
  return outcome({ generalCondition, extraspinalBone, vertebralBody, majorOrgans, primarySite, palsy }, TOKUHASHI_BANDS);
}

// --- Revised Katagiri (Katagiri 2014) ----------------------------------------------------------------

const KATAGIRI_BANDS = [
  { category: 'low_risk', min: 0, max: 3 },
  { category: 'intermediate_risk', min: 4, max: 6 },
  { category: 'high_risk', min: 7, max: 10 },
];

type Growth = 'slow' | 'moderate' | 'rapid' | 'hormone' | 'targeted';
/**
 * slow 0: hormone-dependent breast and prostate, thyroid, myeloma, lymphoma; moderate 2: molecularly
 * targeted lung, hormone-independent breast and prostate, renal cell, endometrial, ovarian, sarcoma, others;
 * rapid 3: other lung, colorectal, gastric, pancreatic, head and neck, esophageal, other urological
 * (bladder), melanoma, hepatocellular, gallbladder, cervical, unknown origin. Moderate or rapid: uterine
 * (endometrial or cervical), seminoma (others or other urological), other (others or a rapid site the
 * contract does not list, such as gallbladder). Not listed (unknown group): neuroendocrine.
 */
const KATAGIRI_GROUP: Partial<Record<PrimaryTumor, Growth | Growth[]>> = {
  uterine: ['moderate', 'rapid'], seminoma: ['moderate', 'rapid'], other: ['moderate', 'rapid'],
  thyroid: 'slow', myeloma: 'slow', lymphoma: 'slow',
  breast: 'hormone', prostate: 'hormone', lung_nsclc: 'targeted', lung_sclc: 'targeted',
  renal_cell: 'moderate', ovarian: 'moderate', sarcoma: 'moderate',
  colorectal: 'rapid', gastric: 'rapid', pancreatic: 'rapid', head_neck: 'rapid', esophageal: 'rapid',
  bladder: 'rapid', melanoma: 'rapid', hepatocellular: 'rapid', unknown_primary: 'rapid',
};
const GROUPS: Growth[] = ['slow', 'moderate', 'rapid', 'hormone', 'targeted'];

function growthPoints(group: Growth, p: Patient): number[] {
  const flag = (value: boolean | undefined): boolean[] => (value === undefined ? [true, false] : [value]);
  switch (group) {
    case 'slow': return [0];
    case 'moderate': return [2];
    case 'rapid': return [3];
    case 'hormone': return flag(p.hormoneDependent).map((dependent) => (dependent ? 0 : 2));
    case 'targeted': return flag(p.molecularTargetedTherapy).map((targeted) => (targeted ? 2 : 3));
  }
}

/**
 * Each laboratory value as "is it past the threshold?", compared in the unit it was given in: platelets
 * <100,000/µL (= 100 x 10^3/µL = 100 x 10^9/L); calcium >=10.3 mg/dL (mmol/L x 4.008, molar mass 40.08);
 * bilirubin >=1.4 mg/dL (µmol/L x 0.05848, i.e. / 17.1 rounded); CRP >=0.4 mg/dL (= 4 mg/L); LDH >=250 IU/L
 * (= U/L); albumin <3.7 g/dL (= 37 g/L). undefined when not measured.
 */
function labFlags(p: Patient): Record<'platelets' | 'calcium' | 'bilirubin' | 'crp' | 'ldh' | 'albumin', boolean | undefined> {
  const plt = p.platelets;
  const ca = p.calcium;
  const bili = p.bilirubin;
  const alb = p.albumin;
  return {
    platelets: plt && (plt.unit === '/µL' ? plt.value < 100_000 : plt.value < 100),
    calcium: ca && (ca.unit === 'mmol/L' ? ca.value * 4.008 >= 10.3 : ca.value >= 10.3),
    bilirubin: bili && (bili.unit === 'µmol/L' ? bili.value * 0.05848 >= 1.4 : bili.value >= 1.4),
    crp: p.crp && (p.crp.unit === 'mg/L' ? p.crp.value >= 4 : p.crp.value >= 0.4),
    ldh: p.ldh && p.ldh.value >= 250,
    albumin: alb === undefined ? undefined : typeof alb === 'number' ? alb < 3.7 : alb.unit === 'g/L' ? alb.value < 37 : alb.value < 3.7,
  };
}

/** Critical 2 (any critical value), else abnormal 1 (any abnormal value), else normal 0, over every way the missing values could be. */
function laboratoryPoints(p: Patient): Set<number> {
  const flags = labFlags(p);
  const choices = (flag: boolean | undefined): boolean[] => (flag === undefined ? [false, true] : [flag]);
  const points = new Set<number>();
  for (const plt of choices(flags.platelets)) for (const ca of choices(flags.calcium)) for (const bili of choices(flags.bilirubin))
    for (const crp of choices(flags.crp)) for (const ldh of choices(flags.ldh)) for (const alb of choices(flags.albumin))
      points.add(plt || ca || bili ? 2 : crp || ldh || alb ? 1 : 0);
  return points;
}

/**
 * Whether there are visceral metastases, as the patient contract ties the answers: given, or a
 * resectability of none (no) or a grade (yes), or a pattern of none (no) or nodular (yes).
 */
function visceralMetastases(p: Patient): boolean | undefined {
  const resectability = p.visceralMetastasesResectability;
  const pattern = p.visceralMetastasesPattern;
  return p.visceralMetastases ?? (resectability !== undefined ? resectability !== 'none' : pattern === 'none' || pattern === 'nodular' ? pattern === 'nodular' : undefined);
}

function katagiri(p: Patient): Outcome {
  const all = (...values: number[]): Set<number> => new Set(values);
  const listed = p.primaryTumor === undefined ? undefined : KATAGIRI_GROUP[p.primaryTumor];
  const primaryLesion = new Set((listed === undefined ? GROUPS : Array.isArray(listed) ? listed : [listed]).flatMap((g) => growthPoints(g, p)));
  const pattern = { none: 0, nodular: 1, disseminated: 2 };
  // An absent pattern: none or disseminated without visceral metastases, nodular or disseminated with them.
  const known = visceralMetastases(p);
  const visceral = p.visceralMetastasesPattern !== undefined ? all(pattern[p.visceralMetastasesPattern]) : known === undefined ? all(0, 1, 2) : known ? all(1, 2) : all(0, 2);
  const laboratory = laboratoryPoints(p);
  const performanceStatus = p.ecog === undefined ? all(0, 1) : all(p.ecog >= 3 ? 1 : 0);
  const previousChemotherapy = p.previousChemotherapy === undefined ? all(0, 1) : all(p.previousChemotherapy ? 1 : 0);
  // Multiple skeletal metastases: more than one bone metastasis in all (vertebrae + elsewhere).
  const spines = vertebrae(p) ?? [1, 2];
  const extras = p.extraspinalBoneMetastasisCount === undefined ? [0, 1] : [p.extraspinalBoneMetastasisCount];
  const multipleSkeletal = new Set(spines.flatMap((s) => extras.map((e) => (s + e > 1 ? 1 : 0))));
  return outcome({ primaryLesion, visceral, laboratory, performanceStatus, previousChemotherapy, multipleSkeletal }, KATAGIRI_BANDS);
}

// ------------------------------------------------------------------------------------------ the cohort

/** Laboratory values in every unit the contract admits, with values exactly at and just around each threshold. */
const LAB_VALUES = {
  platelets: [
    [100, '10^3/µL'], [99, '10^3/µL'], [101, '10^3/µL'], [250, '10^3/µL'], [40, '10^3/µL'],
    [100_000, '/µL'], [99_000, '/µL'], [230_000, '/µL'], [100, '10^9/L'], [80, '10^9/L'], [310, '10^9/L'],
  ],
  calcium: [[10.3, 'mg/dL'], [10.2, 'mg/dL'], [9.1, 'mg/dL'], [12.4, 'mg/dL'], [2.57, 'mmol/L'], [2.56, 'mmol/L'], [2.3, 'mmol/L'], [2.9, 'mmol/L']],
  bilirubin: [[1.4, 'mg/dL'], [1.3, 'mg/dL'], [0.5, 'mg/dL'], [3.2, 'mg/dL'], [24, 'µmol/L'], [23.94, 'µmol/L'], [10, 'µmol/L'], [60, 'µmol/L']],
  crp: [[0.4, 'mg/dL'], [0.39, 'mg/dL'], [0.05, 'mg/dL'], [6.3, 'mg/dL'], [4, 'mg/L'], [3.9, 'mg/L'], [1, 'mg/L'], [85, 'mg/L']],
  ldh: [[250, 'IU/L'], [249, 'IU/L'], [180, 'IU/L'], [600, 'IU/L'], [250, 'U/L'], [249, 'U/L'], [150, 'U/L'], [410, 'U/L']],
  albumin: [3.7, 3.69, 4.3, 2.8, [3.7, 'g/dL'], [3.6, 'g/dL'], [37, 'g/L'], [36, 'g/L'], [44, 'g/L'], [25, 'g/L']],
} as const;

const KARNOFSKY = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
const FIELDS = [
  'primaryTumor', 'colorectalSite', 'hormoneDependent', 'molecularTargetedTherapy', 'karnofsky', 'ecog', 'frankelGrade',
  'visceralMetastasesResectability', 'visceralMetastasesPattern', 'previousChemotherapy', 'spinalMetastasisCount',
  'extraspinalBoneMetastasisCount', 'albumin', 'crp', 'ldh', 'platelets', 'calcium', 'bilirubin',
] as const;

/**
 * `n` patients from `seed`. Each field is left out with probability `missingRate`; the flags that matter
 * only for some histologies (hormone dependence, targeted therapy, colorectal site) are usually given for
 * those and sometimes for others (where they must not matter); some patients list their lesions instead of
 * (or as well as) giving the number of vertebrae.
 */
function generate(n: number, seed: number, missingRate: number): Patient[] {
  const next = mulberry32(seed);
  const chance = (p: number): boolean => next() < p;
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)] as T;
  const quantity = <U extends string>(values: ReadonlyArray<readonly [number, U]>): Quantity<U> => {
    const [value, unit] = pick(values);
    return { value, unit };
  };
  return Array.from({ length: n }, (_, i): Patient => {
    const primaryTumor = pick(PRIMARY_TUMORS);
    const p: Patient = {
      id: `TK${seed}-${i}`,
      primaryTumor,
      karnofsky: pick(KARNOFSKY),
      ecog: Math.floor(next() * 5),
      frankelGrade: pick(['A', 'B', 'C', 'D', 'E'] as const),
      visceralMetastasesResectability: pick(['none', 'removable', 'unremovable'] as const),
      previousChemotherapy: chance(0.5),
      spinalMetastasisCount: pick([1, 1, 1, 2, 2, 3, 4, 7]),
      extraspinalBoneMetastasisCount: pick([0, 0, 0, 1, 2, 3, 5]),
      platelets: quantity(LAB_VALUES.platelets),
      calcium: quantity(LAB_VALUES.calcium),
      bilirubin: quantity(LAB_VALUES.bilirubin),
      crp: quantity(LAB_VALUES.crp),
      ldh: quantity(LAB_VALUES.ldh),
    };
    const albumin = pick(LAB_VALUES.albumin);
    p.albumin = typeof albumin === 'number' ? albumin : { value: albumin[0], unit: albumin[1] };
    if (primaryTumor === 'colorectal' ? chance(0.9) : chance(0.1)) p.colorectalSite = chance(0.5) ? 'colon' : 'rectum';
    if (primaryTumor === 'breast' || primaryTumor === 'prostate' ? chance(0.9) : chance(0.15)) p.hormoneDependent = chance(0.5);
    if (primaryTumor === 'lung_nsclc' || primaryTumor === 'lung_sclc' ? chance(0.9) : chance(0.15)) p.molecularTargetedTherapy = chance(0.5);
    // Whether there are visceral metastases, sometimes recorded beside (or, once resectability is dropped,
    // instead of) their resectability: false implies none; true leaves removable or unremovable. The
    // pattern agrees: none or disseminated without them, nodular or disseminated with them.
    const visceral = p.visceralMetastasesResectability !== 'none';
    if (chance(0.5)) p.visceralMetastases = visceral;
    p.visceralMetastasesPattern = visceral ? pick(['nodular', 'disseminated'] as const) : pick(['none', 'disseminated'] as const);
    for (const field of FIELDS) if (chance(missingRate)) delete p[field];
    // Lesions listed: sometimes as the only source of the vertebra count, never more than the count given.
    if (chance(0.3)) {
      const count = Math.min(p.spinalMetastasisCount ?? 4, 1 + Math.floor(next() * 4));
      const levels = new Set<string>();
      while (levels.size < count) levels.add(pick(LEVELS));
      p.lesions = [...levels].map((level) => ({ level }));
    }
    return p;
  });
}

/** Complete patients at every band edge, both scores computed by hand. */
const EDGE_PATIENTS: Array<{ patient: Patient; tokuhashi: number; katagiri: number }> = [
  {
    // Tokuhashi 2+2+2+2+5+2 = 15; Katagiri 0+0+0+0+0+0 = 0.
    patient: { id: 'edge-15-0', primaryTumor: 'breast', hormoneDependent: true, karnofsky: 100, ecog: 0, frankelGrade: 'E', visceralMetastasesResectability: 'none', visceralMetastasesPattern: 'none', previousChemotherapy: false, spinalMetastasisCount: 1, extraspinalBoneMetastasisCount: 0, platelets: { value: 250, unit: '10^3/µL' }, calcium: { value: 9.4, unit: 'mg/dL' }, bilirubin: { value: 0.6, unit: 'mg/dL' }, crp: { value: 0.1, unit: 'mg/dL' }, ldh: { value: 180, unit: 'IU/L' }, albumin: 4.2 },
    tokuhashi: 15, katagiri: 0,
  },
  {
    // Tokuhashi 0+0+0+0+0+0 = 0; Katagiri 3+2+2+1+1+1 = 10.
    patient: { id: 'edge-0-10', primaryTumor: 'lung_nsclc', molecularTargetedTherapy: false, karnofsky: 20, ecog: 4, frankelGrade: 'A', visceralMetastasesResectability: 'unremovable', visceralMetastasesPattern: 'disseminated', previousChemotherapy: true, spinalMetastasisCount: 5, extraspinalBoneMetastasisCount: 4, platelets: { value: 60_000, unit: '/µL' }, calcium: { value: 2.6, unit: 'mmol/L' }, bilirubin: { value: 30, unit: 'µmol/L' }, crp: { value: 40, unit: 'mg/L' }, ldh: { value: 500, unit: 'U/L' }, albumin: { value: 28, unit: 'g/L' } },
    tokuhashi: 0, katagiri: 10,
  },
  {
    // Tokuhashi 0 (KPS 40) + 1 + 1 + 0 + 5 + 1 = 8; Katagiri 0 + 1 + 1 (CRP 4 mg/L) + 0 (ECOG 2) + 0 + 1 (four bone metastases) = 3.
    patient: { id: 'edge-8-3', primaryTumor: 'thyroid', karnofsky: 40, ecog: 2, frankelGrade: 'C', visceralMetastasesResectability: 'unremovable', visceralMetastasesPattern: 'nodular', previousChemotherapy: false, spinalMetastasisCount: 2, extraspinalBoneMetastasisCount: 2, platelets: { value: 100, unit: '10^9/L' }, calcium: { value: 10.2, unit: 'mg/dL' }, bilirubin: { value: 1.3, unit: 'mg/dL' }, crp: { value: 4, unit: 'mg/L' }, ldh: { value: 249, unit: 'IU/L' }, albumin: 3.7 },
    tokuhashi: 8, katagiri: 3,
  },
  {
    // Tokuhashi 1 (KPS 50) + 1 + 1 + 0 + 5 + 1 = 9; Katagiri 0 + 1 + 1 (CRP 0.4 mg/dL) + 1 (ECOG 3) + 0 + 1 = 4.
    patient: { id: 'edge-9-4', primaryTumor: 'thyroid', karnofsky: 50, ecog: 3, frankelGrade: 'C', visceralMetastasesResectability: 'unremovable', visceralMetastasesPattern: 'nodular', previousChemotherapy: false, spinalMetastasisCount: 2, extraspinalBoneMetastasisCount: 2, platelets: { value: 100, unit: '10^9/L' }, calcium: { value: 10.2, unit: 'mg/dL' }, bilirubin: { value: 1.3, unit: 'mg/dL' }, crp: { value: 0.4, unit: 'mg/dL' }, ldh: { value: 249, unit: 'IU/L' }, albumin: 3.7 },
    tokuhashi: 9, katagiri: 4,
  },
  {
    // Tokuhashi 1 (KPS 70) + 2 + 2 + 1 + 3 + 2 = 11; Katagiri 2 + 2 (disseminated) + 1 (LDH 250 U/L) + 0 + 1 + 0 (one lesion listed) = 6.
    patient: { id: 'edge-11-6', primaryTumor: 'renal_cell', karnofsky: 70, ecog: 0, frankelGrade: 'E', visceralMetastasesResectability: 'removable', visceralMetastasesPattern: 'disseminated', previousChemotherapy: true, extraspinalBoneMetastasisCount: 0, lesions: [{ level: 'L2' }], platelets: { value: 100_000, unit: '/µL' }, calcium: { value: 2.56, unit: 'mmol/L' }, bilirubin: { value: 22, unit: 'µmol/L' }, crp: { value: 0.39, unit: 'mg/dL' }, ldh: { value: 250, unit: 'U/L' }, albumin: { value: 37, unit: 'g/L' } },
    tokuhashi: 11, katagiri: 6,
  },
  {
    // Tokuhashi 2 (KPS 80) + 2 + 2 + 1 + 3 + 2 = 12; Katagiri 2 + 2 (disseminated) + 2 (calcium 10.3 mg/dL) + 0 + 1 + 0 = 7.
    patient: { id: 'edge-12-7', primaryTumor: 'renal_cell', karnofsky: 80, ecog: 0, frankelGrade: 'E', visceralMetastasesResectability: 'removable', visceralMetastasesPattern: 'disseminated', previousChemotherapy: true, spinalMetastasisCount: 1, extraspinalBoneMetastasisCount: 0, platelets: { value: 100, unit: '10^3/µL' }, calcium: { value: 10.3, unit: 'mg/dL' }, bilirubin: { value: 0.6, unit: 'mg/dL' }, crp: { value: 0.1, unit: 'mg/dL' }, ldh: { value: 180, unit: 'IU/L' }, albumin: 4.2 },
    tokuhashi: 12, katagiri: 7,
  },
];

// ------------------------------------------------------------------------------------------ the tests

const COHORTS = [
  { name: 'complete records', n: 400, seed: 5101, missingRate: 0 },
  { name: '15% of fields missing', n: 250, seed: 5202, missingRate: 0.15 },
  { name: '50% of fields missing', n: 80, seed: 5303, missingRate: 0.5 },
] as const;
/** Evaluating takes a few ms per patient; this is a ceiling for slow machines, not a timing test. */
const COHORT_TIMEOUT = 120_000;
const SHOW = 5;
const IDS = ['tokuhashi-revised', 'katagiri-revised'] as const;

let rulesets: LoadedRuleSet[] = [];
beforeAll(async () => {
  rulesets = await bundledRuleSets(IDS);
});

const engineOutcome = (r: RuleSetResult | undefined): Outcome | undefined =>
  r && {
    score: r.score ?? null,
    range: r.range as [number, number],
    category: r.category ?? null,
    components: Object.fromEntries(Object.entries(r.components ?? {}).map(([id, c]) => [id, c.points])),
  };

function differences(patients: readonly Patient[], evaluations: readonly Evaluation[]): unknown[] {
  return patients.flatMap((patient, i) => {
    const engine = { tokuhashi: engineOutcome(evaluations[i]?.results['tokuhashi-revised']), katagiri: engineOutcome(evaluations[i]?.results['katagiri-revised']) };
    const oracle = { tokuhashi: tokuhashi(patient), katagiri: katagiri(patient) };
    return JSON.stringify(engine) === JSON.stringify(oracle) ? [] : [{ patient, engine, oracle }];
  });
}

describe('band edges (hand-made complete patients)', () => {
  const evaluations: Evaluation[] = [];
  beforeAll(async () => {
    for (const { patient } of EDGE_PATIENTS) evaluations.push(await evaluatePatient(patient as unknown as Record<string, unknown>, rulesets));
  });

  it('are in the patient contract', () => {
    const validate = validator('patient');
    expect(EDGE_PATIENTS.filter(({ patient }) => !validate(patient)).map(({ patient }) => patient.id)).toEqual([]);
  });

  it('the oracle gives the totals worked out by hand, at every edge of both scores', () => {
    expect(EDGE_PATIENTS.map(({ patient }) => [patient.id, tokuhashi(patient).score, katagiri(patient).score])).toEqual(
      EDGE_PATIENTS.map(({ patient, tokuhashi: t, katagiri: k }) => [patient.id, t, k]),
    );
    expect(new Set(EDGE_PATIENTS.map((e) => e.tokuhashi))).toEqual(new Set([0, 8, 9, 11, 12, 15]));
    expect(new Set(EDGE_PATIENTS.map((e) => e.katagiri))).toEqual(new Set([0, 3, 4, 6, 7, 10]));
  });

  it('score, range, category and component points equal the oracle', () => {
    expect(differences(EDGE_PATIENTS.map((e) => e.patient), evaluations)).toEqual([]);
  });
});

describe.each(COHORTS)('revised Tokuhashi and revised Katagiri vs the published tables: $name ($n patients, seed $seed)', ({ n, seed, missingRate }) => {
  const cohort = generate(n, seed, missingRate);
  const evaluations: Evaluation[] = [];

  beforeAll(async () => {
    for (const patient of cohort) evaluations.push(await evaluatePatient(patient as unknown as Record<string, unknown>, rulesets));
  }, COHORT_TIMEOUT);

  it('the cohort is in the patient contract', () => {
    const validate = validator('patient');
    expect(cohort.filter((p) => !validate(p)).slice(0, SHOW)).toEqual([]);
  });

  it('score, range, category and component points of both scores equal the oracle for every patient', () => {
    expect(differences(cohort, evaluations).slice(0, SHOW)).toEqual([]);
  });

  it('reaches every band of both scores, and their edges', () => {
    const scores = (f: (p: Patient) => Outcome): Set<number | null> => new Set(cohort.map((p) => f(p).score));
    const categories = (f: (p: Patient) => Outcome): Set<string | null> => new Set(cohort.map((p) => f(p).category));
    if (missingRate === 0) {
      for (const edge of [8, 9, 11, 12]) expect(scores(tokuhashi), `Tokuhashi ${edge}`).toContain(edge);
      for (const edge of [3, 4, 6, 7]) expect(scores(katagiri), `Katagiri ${edge}`).toContain(edge);
    }
    // With half the fields missing, a whole result rarely stays in the top Tokuhashi band; the others reach every band.
    if (missingRate <= 0.15) {
      for (const band of TOKUHASHI_BANDS) expect(categories(tokuhashi), band.category).toContain(band.category);
      for (const band of KATAGIRI_BANDS) expect(categories(katagiri), band.category).toContain(band.category);
    } else {
      expect(categories(tokuhashi)).toContain('under_6_months');
      expect(categories(katagiri)).toContain('high_risk');
    }
  });

  it('has open results that still fall in one band, and open results that do not', () => {
    for (const f of [tokuhashi, katagiri]) {
      const open = cohort.map(f).filter((o) => o.score === null);
      if (missingRate === 0) {
        // Only the histologies without a row leave a complete record open.
        expect(open.length).toBeGreaterThan(10);
      } else {
        expect(open.filter((o) => o.category !== null).length).toBeGreaterThan(2);
        expect(open.filter((o) => o.category === null).length).toBeGreaterThan(2);
      }
    }
  });
});

describe('the random cohort', () => {
  const complete = generate(400, 5101, 0);

  it('is deterministic for a seed', () => {
    expect(generate(50, 5202, 0.15)).toEqual(generate(250, 5202, 0.15).slice(0, 50));
    expect(generate(50, 5203, 0.15)).not.toEqual(generate(50, 5202, 0.15));
  });

  it('leaves out each field sometimes, including resectability where visceralMetastases implies none or narrows it', () => {
    const sparse = generate(250, 5202, 0.15);
    for (const field of FIELDS) expect(sparse.some((p) => p[field] === undefined), field).toBe(true);
    expect(sparse.some((p) => p.visceralMetastases === false && p.visceralMetastasesResectability === undefined)).toBe(true);
    expect(sparse.some((p) => p.visceralMetastases === true && p.visceralMetastasesResectability === undefined)).toBe(true);
    expect(sparse.some((p) => p.spinalMetastasisCount === undefined && p.lesions !== undefined)).toBe(true);
  });

  it('has every histology, Karnofsky 10, and laboratory values exactly at each threshold in each unit', () => {
    expect(new Set(complete.map((p) => p.primaryTumor))).toEqual(new Set(PRIMARY_TUMORS));
    expect(complete.some((p) => p.karnofsky === 10)).toBe(true);
    const has = (field: keyof Patient, value: unknown): boolean => complete.some((p) => JSON.stringify(p[field]) === JSON.stringify(value));
    expect(has('platelets', { value: 100, unit: '10^3/µL' })).toBe(true);
    expect(has('platelets', { value: 100_000, unit: '/µL' })).toBe(true);
    expect(has('platelets', { value: 100, unit: '10^9/L' })).toBe(true);
    expect(has('calcium', { value: 10.3, unit: 'mg/dL' })).toBe(true);
    expect(has('bilirubin', { value: 1.4, unit: 'mg/dL' })).toBe(true);
    expect(has('crp', { value: 0.4, unit: 'mg/dL' })).toBe(true);
    expect(has('crp', { value: 4, unit: 'mg/L' })).toBe(true);
    expect(has('ldh', { value: 250, unit: 'IU/L' })).toBe(true);
    expect(has('ldh', { value: 250, unit: 'U/L' })).toBe(true);
    expect(has('albumin', 3.7)).toBe(true);
    expect(has('albumin', { value: 37, unit: 'g/L' })).toBe(true);
  });
});
