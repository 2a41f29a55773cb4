/**
 * SINS and NESMS written by hand from the published tables (/work/shared/CLINICAL-REFERENCE.md: review
 * Table 4 / Fisher 2010 and Fourney 2011 for SINS; review Table 2 / Ghori 2015 and Schoenfeld 2016 for
 * NESMS), independently of the YAML rule sets. It is the reference the engine is checked against and the
 * speed a plain function reaches.
 *
 * Missing data follows the engine's contract: a missing component contributes every value it could take,
 * the total becomes a range [min, max] (after the ceiling), `score` is set only when min === max and
 * `category` only when the whole range lies in one band.
 */
import type { Lesion, Patient } from './cohort.js';

export type Range = [number, number];

export interface BaselineScore {
  score: number | null;
  range: Range;
  category: string | null;
}

export interface BaselineEvaluation {
  nesms: BaselineScore;
  /** The modified Bauer subscore as NESMS uses it (no bands). */
  modifiedBauer: { score: number | null; range: Range };
  /** One entry per listed lesion, in order. */
  sins: BaselineScore[];
}

const point = (p: number): Range => [p, p];
/** A component whose input is missing: anything from its lowest to its highest points. */
const open = (points: Record<string, number>): Range => {
  const values = Object.values(points);
  return [Math.min(...values), Math.max(...values)];
};
const component = (points: Record<string, number>, value: string | undefined): Range => {
  if (value === undefined) return open(points);
  const p = points[value];
  if (p === undefined) throw new Error(`no points for ${value}`);
  return point(p);
};
const add = (ranges: Range[]): Range => ranges.reduce<Range>((s, r) => [s[0] + r[0], s[1] + r[1]], [0, 0]);

interface Band {
  category: string;
  min: number;
  max: number;
}
const bandOf = (bands: readonly Band[], value: number): Band | undefined => bands.find((b) => value >= b.min && value <= b.max);

function scored(range: Range, bands: readonly Band[]): BaselineScore {
  const low = bandOf(bands, range[0]);
  const high = bandOf(bands, range[1]);
  return {
    score: range[0] === range[1] ? range[0] : null,
    range,
    category: low && low === high ? low.category : null,
  };
}

// ---------------------------------------------------------------- SINS (Fisher 2010; review Table 4)

/** Location: junctional occiput-C2, C7-T2, T11-L1, L5-S1 = 3; mobile C3-C6, L2-L4 = 2; semi-rigid T3-T10 = 1; rigid S2-S5 = 0. */
export function sinsLocationPoints(level: string): number {
  if (level === 'occiput') return 3;
  const match = /^([CTLS])(\d+)$/.exec(level);
  if (!match) throw new Error(`unknown level ${level}`);
  const region = match[1];
  const n = Number(match[2]);
  switch (region) {
    case 'C':
      return n <= 2 || n === 7 ? 3 : 2; // C1-C2 and C7 junctional, C3-C6 mobile
    case 'T':
      return n <= 2 || n >= 11 ? 3 : 1; // T1-T2, T11-T12 junctional; T3-T10 semi-rigid
    case 'L':
      return n === 1 || n === 5 ? 3 : 2; // L1, L5 junctional; L2-L4 mobile
    default:
      return n === 1 ? 3 : 0; // S1 junctional; S2-S5 rigid
  }
}

const SINS_PAIN = { mechanical: 3, occasional: 1, none: 0 };
const SINS_BONE = { lytic: 2, mixed: 1, blastic: 0 };
const SINS_ALIGNMENT = { subluxation: 4, de_novo_deformity: 2, normal: 0 };
const SINS_COLLAPSE = { over_50: 3, under_50: 2, none_over_50_involved: 1, none: 0 };
const SINS_POSTEROLATERAL = { bilateral: 3, unilateral: 1, none: 0 };
/** Fourney 2011. */
const SINS_BANDS: Band[] = [
  { category: 'stable', min: 0, max: 6 },
  { category: 'potentially_unstable', min: 7, max: 12 },
  { category: 'unstable', min: 13, max: 18 },
];

export function sinsBaseline(lesion: Lesion): BaselineScore {
  const location: Range = lesion.level === undefined ? [0, 3] : point(sinsLocationPoints(lesion.level));
  const total = add([
    location,
    component(SINS_PAIN, lesion.pain),
    component(SINS_BONE, lesion.boneLesion),
    component(SINS_ALIGNMENT, lesion.alignment),
    component(SINS_COLLAPSE, lesion.collapse),
    component(SINS_POSTEROLATERAL, lesion.posterolateral),
  ]);
  return scored(total, SINS_BANDS);
}

// ---------------------------------------------------------------- NESMS (review Table 2; Ghori 2015)

const LUNG = new Set(['lung_nsclc', 'lung_sclc']);
const BREAST_OR_KIDNEY = new Set(['breast', 'renal_cell']);
const NESMS_CEILING = 3;
const NESMS_BANDS: Band[] = [0, 1, 2, 3].map((n) => ({ category: `nesms_${n}`, min: n, max: n }));
const unknown: Range = [0, 1];

/** Albumin in g/dL (a bare number is g/dL; g/L is divided by 10), or undefined when missing. */
export function albuminGdl(albumin: Patient['albumin']): number | undefined {
  if (albumin === undefined) return undefined;
  if (typeof albumin === 'number') return albumin;
  return albumin.unit === 'g/L' ? albumin.value / 10 : albumin.value;
}

/** Solitary skeletal metastasis: one vertebra and no bone metastasis elsewhere. */
function solitary(patient: Patient): Range {
  const listed = patient.lesions?.length ?? 0;
  const spinal = patient.spinalMetastasisCount ?? (listed > 0 ? listed : undefined);
  const extraspinal = patient.extraspinalBoneMetastasisCount;
  // Either count alone can rule it out, whatever the other.
  if ((spinal !== undefined && spinal >= 2) || (extraspinal !== undefined && extraspinal >= 1)) return point(0);
  if (spinal === 1 && extraspinal === 0) return point(1);
  return unknown;
}

export function modifiedBauerRange(patient: Patient): Range {
  const primary = patient.primaryTumor;
  return add([
    primary === undefined ? unknown : point(LUNG.has(primary) ? 0 : 1),
    primary === undefined ? unknown : point(BREAST_OR_KIDNEY.has(primary) ? 1 : 0),
    solitary(patient),
    patient.visceralMetastases === undefined ? unknown : point(patient.visceralMetastases ? 0 : 1),
  ]);
}

export function nesmsBaseline(patient: Patient): { nesms: BaselineScore; modifiedBauer: { score: number | null; range: Range } } {
  const bauer = modifiedBauerRange(patient);
  // Modified Bauer <= 2 -> 0 points, >= 3 -> 2 points; a range straddling 2|3 leaves both.
  const bauerPoints: Range = [bauer[0] >= 3 ? 2 : 0, bauer[1] >= 3 ? 2 : 0];
  const albumin = albuminGdl(patient.albumin);
  const albuminPoints: Range = albumin === undefined ? unknown : point(albumin >= 3.5 ? 1 : 0);
  const status = patient.ambulatoryStatus;
  const ambulationPoints: Range = status === undefined ? unknown : point(status === 'non_ambulatory' ? 0 : 1);
  const sum = add([bauerPoints, albuminPoints, ambulationPoints]);
  const total: Range = [Math.min(NESMS_CEILING, Math.max(0, sum[0])), Math.min(NESMS_CEILING, Math.max(0, sum[1]))];
  return {
    nesms: scored(total, NESMS_BANDS),
    modifiedBauer: { score: bauer[0] === bauer[1] ? bauer[0] : null, range: bauer },
  };
}

export function evaluateBaseline(patient: Patient): BaselineEvaluation {
  return { ...nesmsBaseline(patient), sins: (patient.lesions ?? []).map(sinsBaseline) };
}
