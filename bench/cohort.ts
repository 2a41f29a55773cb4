/**
 * A seeded synthetic cohort in the patient contract (schemas/patient.schema.json), for the benchmark and
 * for the published-tables test. Deterministic: the same (n, seed, options) always gives the same patients.
 */

export const PRIMARY_TUMORS = [
  'breast', 'prostate', 'lung_nsclc', 'lung_sclc', 'renal_cell', 'thyroid', 'colorectal', 'hepatocellular', 'melanoma',
  'sarcoma', 'myeloma', 'lymphoma', 'seminoma', 'gastric', 'pancreatic', 'esophageal', 'bladder', 'uterine', 'ovarian',
  'head_neck', 'neuroendocrine', 'unknown_primary', 'other',
] as const;
export const AMBULATORY_STATUSES = ['intact', 'impaired', 'non_ambulatory'] as const;
export const LEVELS = [
  'occiput', 'C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'T8', 'T9', 'T10',
  'T11', 'T12', 'L1', 'L2', 'L3', 'L4', 'L5', 'S1', 'S2', 'S3', 'S4', 'S5',
] as const;
export const PAIN = ['mechanical', 'occasional', 'none'] as const;
export const BONE_LESION = ['lytic', 'mixed', 'blastic'] as const;
export const ALIGNMENT = ['subluxation', 'de_novo_deformity', 'normal'] as const;
export const COLLAPSE = ['over_50', 'under_50', 'none_over_50_involved', 'none'] as const;
export const POSTEROLATERAL = ['bilateral', 'unilateral', 'none'] as const;

export type PrimaryTumor = (typeof PRIMARY_TUMORS)[number];
export type AmbulatoryStatus = (typeof AMBULATORY_STATUSES)[number];
export type Level = (typeof LEVELS)[number];
export type AlbuminQuantity = { value: number; unit: 'g/dL' | 'g/L' };

export interface Lesion {
  id?: string;
  level?: Level;
  pain?: (typeof PAIN)[number];
  boneLesion?: (typeof BONE_LESION)[number];
  alignment?: (typeof ALIGNMENT)[number];
  collapse?: (typeof COLLAPSE)[number];
  posterolateral?: (typeof POSTEROLATERAL)[number];
}

/** The subset of the patient contract this cohort fills. Every field is optional (absent = missing data). */
export interface Patient {
  id?: string;
  age?: number;
  primaryTumor?: PrimaryTumor;
  ambulatoryStatus?: AmbulatoryStatus;
  /** A bare number is g/dL. */
  albumin?: number | AlbuminQuantity;
  visceralMetastases?: boolean;
  spinalMetastasisCount?: number;
  extraspinalBoneMetastasisCount?: number;
  lesions?: Lesion[];
}

export interface CohortOptions {
  /**
   * Probability that each optional field (patient fields and each lesion's fields) is omitted; 0 gives
   * complete records. The whole `lesions` list is left out with probability missingRate / 4.
   */
  missingRate?: number;
}

/** mulberry32: a small, fast 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Draw {
  constructor(readonly next: () => number) {}
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(values: readonly T[]): T {
    const value = values[Math.floor(this.next() * values.length)];
    if (value === undefined) throw new Error('pick from an empty list');
    return value;
  }
  /** Uniform in [min, max], rounded to `decimals`. */
  decimal(min: number, max: number, decimals: number): number {
    const f = 10 ** decimals;
    return Math.round((min + this.next() * (max - min)) * f) / f;
  }
  /** `count` distinct values. */
  distinct<T>(values: readonly T[], count: number): T[] {
    const pool = [...values];
    const chosen: T[] = [];
    while (chosen.length < count && pool.length > 0) chosen.push(pool.splice(this.int(0, pool.length - 1), 1)[0] as T);
    return chosen;
  }
}

/**
 * Serum albumin in one of the contract's forms: a bare g/dL number, {value, unit: 'g/L'} or (rarely)
 * {value, unit: 'g/dL'}. About one in six values sits exactly on the NESMS threshold (3.5 g/dL / 35 g/L),
 * and some just below it.
 */
function albumin(d: Draw): number | AlbuminQuantity {
  const form = d.next();
  const kind = d.next();
  // g/dL value first, then expressed in the chosen unit.
  let gdl: number;
  if (kind < 0.17) gdl = 3.5;
  else if (kind < 0.25) gdl = d.pick([3.4, 3.49, 3.45, 3.6, 3.51]);
  else gdl = d.decimal(1.2, 5.6, d.chance(0.5) ? 1 : 2);
  if (form < 0.5) return gdl;
  if (form < 0.9) return { value: Math.round(gdl * 1000) / 100, unit: 'g/L' }; // 3.5 -> 35, 3.49 -> 34.9
  return { value: gdl, unit: 'g/dL' };
}

function lesion(d: Draw, level: Level, index: number, omit: () => boolean): Lesion {
  const l: Lesion = {};
  if (d.chance(0.2)) l.id = `L${index + 1}`;
  if (!omit()) l.level = level;
  if (!omit()) l.pain = d.pick(PAIN);
  if (!omit()) l.boneLesion = d.pick(BONE_LESION);
  if (!omit()) l.alignment = d.pick(ALIGNMENT);
  if (!omit()) l.collapse = d.pick(COLLAPSE);
  if (!omit()) l.posterolateral = d.pick(POSTEROLATERAL);
  return l;
}

function generatePatient(d: Draw, index: number, missingRate: number, seed: number): Patient {
  const omit = (): boolean => missingRate > 0 && d.chance(missingRate);
  const p: Patient = { id: `S${seed}-P${index}` };
  if (d.chance(0.3)) p.age = d.int(18, 95);
  if (!omit()) p.primaryTumor = d.pick(PRIMARY_TUMORS);
  if (!omit()) p.ambulatoryStatus = d.pick(AMBULATORY_STATUSES);
  if (!omit()) p.albumin = albumin(d);
  if (!omit()) p.visceralMetastases = d.chance(0.45);
  if (!omit()) p.extraspinalBoneMetastasisCount = d.chance(0.45) ? 0 : d.int(1, 12);

  const withLesions = !(missingRate > 0 && d.chance(missingRate / 4));
  const count = d.int(1, 4);
  if (withLesions) {
    const levels = d.distinct(LEVELS, count);
    p.lesions = levels.map((level, i) => lesion(d, level, i, omit));
  }
  // Sometimes given explicitly (mostly consistent with the lesions listed: at least as many vertebrae).
  if (d.chance(0.4)) {
    const listed = p.lesions?.length ?? 0;
    p.spinalMetastasisCount = listed > 0 ? Math.min(33, listed + (d.chance(0.5) ? 0 : d.int(1, 6))) : d.chance(0.4) ? 1 : d.int(2, 10);
  }
  return p;
}

/** `n` patients from `seed`; see CohortOptions for missing data. */
export function generateCohort(n: number, seed: number, options: CohortOptions = {}): Patient[] {
  const missingRate = options.missingRate ?? 0;
  if (!(missingRate >= 0 && missingRate <= 1)) throw new RangeError(`missingRate must be in [0, 1], got ${missingRate}`);
  const d = new Draw(mulberry32(seed));
  return Array.from({ length: n }, (_, i) => generatePatient(d, i, missingRate, seed));
}

/**
 * The cohort plus what NOMS, the prognostic scores and the plan read (performance status, Frankel grade,
 * Bilsky grade, radiosensitivity, ...), each given with probability 0.75: the whole pipeline, with every
 * rule set exploring missing values. Deterministic like generateCohort; used by the compiled-evaluator
 * differential (CI and bench/differential.ts) and the pipeline benchmark.
 */
export function generatePipelineCohort(n: number, seed: number, options: CohortOptions = {}): Array<Record<string, unknown>> {
  const next = mulberry32(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)] as T;
  const maybe = (p: Record<string, unknown>, key: string, value: unknown): void => {
    if (next() > 0.25) p[key] = value;
  };
  return generateCohort(n, seed, options).map((base) => {
    const p: Record<string, unknown> = { ...base, lesions: base.lesions?.map((l) => ({ ...l })) };
    maybe(p, 'toleratesSurgery', next() < 0.7);
    maybe(p, 'estimatedSurvivalMonths', pick([1, 3, 4, 12, 24, 36]));
    maybe(p, 'karnofsky', pick([10, 40, 50, 70, 80, 100]));
    maybe(p, 'ecog', pick([0, 1, 2, 3, 4]));
    maybe(p, 'frankelGrade', pick(['A', 'B', 'C', 'D', 'E']));
    maybe(p, 'previousChemotherapy', next() < 0.5);
    maybe(p, 'radiosensitivity', pick(['radiosensitive', 'radioresistant']));
    maybe(p, 'metastasisTiming', pick(['synchronous', 'metachronous']));
    maybe(p, 'srsAvailable', next() < 0.8);
    maybe(p, 'age', pick([40, 55, 56, 70]));
    maybe(p, 'crp', { value: pick([0.2, 0.4, 5]), unit: pick(['mg/dL', 'mg/L']) });
    if (p.visceralMetastases === false) maybe(p, 'visceralMetastasesResectability', 'none');
    for (const lesion of (p.lesions as Array<Record<string, unknown>> | undefined) ?? []) {
      maybe(lesion, 'bilskyGrade', pick(['0', '1a', '1b', '1c', '2', '3']));
      maybe(lesion, 'myelopathy', next() < 0.3);
    }
    return p;
  });
}
