/**
 * The bundled modified Bauer (rules/modified-bauer) and Tomita (rules/tomita) rule sets against a
 * hand-written implementation of both published scores (/work/shared/CLINICAL-REFERENCE.md), on seeded
 * synthetic patients with and without missing data. The oracle shares nothing with the engine or the
 * YAML: points, bands and the Tomita histology classes are typed in again below, and a missing input is
 * handled by enumerating every value it could take.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { LEVELS, mulberry32, PRIMARY_TUMORS, type PrimaryTumor } from '../bench/cohort.js';
import { evaluatePatient } from '../src/engine/evaluate-patient.js';
import type { Evaluation, RuleSetResult } from '../src/engine/types.js';
import type { LoadedRuleSet } from '../src/ruleset/types.js';
import { validator } from '../src/source/schemas.js';
import { bundledRuleSets } from './support/bundled.js';
import { listedVertebrae } from '../src/patient/listed-vertebrae.js';

// ------------------------------------------------------------------------------------------ the oracle

type Treatability = 'none' | 'treatable' | 'untreatable';
const TREATABILITIES: readonly Treatability[] = ['none', 'treatable', 'untreatable'];

interface Patient {
  id: string;
  primaryTumor?: PrimaryTumor;
  visceralMetastases?: boolean;
  visceralMetastasesTreatability?: Treatability;
  spinalMetastasisCount?: number;
  extraspinalBoneMetastasisCount?: number;
  lesions?: Array<{ level: string }>;
}

/** Values a missing count is tried with: every allowed spinal count, and extraspinal counts well past 1. */
const SPINAL_COUNTS = Array.from({ length: 33 }, (_, i) => i + 1);
const EXTRASPINAL_COUNTS = Array.from({ length: 16 }, (_, i) => i);

/**
 * The numbers of vertebrae the patient could have: as given, else the levels the lesions list (each
 * once; from the least to the most when a lesion has no level), else every count.
 */
function spinalCounts(p: Patient): readonly number[] {
  if (p.spinalMetastasisCount !== undefined) return [p.spinalMetastasisCount];
  if (!p.lesions?.length) return SPINAL_COUNTS;
  const { least, most } = listedVertebrae(p.lesions);
  return Array.from({ length: most - least + 1 }, (_, i) => least + i);
}
const onlyOne = (p: Patient): boolean => spinalCounts(p).length === 1 && spinalCounts(p)[0] === 1;

const valuesOf = <T>(value: T | undefined, all: readonly T[]): readonly T[] => (value === undefined ? all : [value]);

/** Every (spinal, extraspinal) pair the patient could have. */
function countPairs(p: Patient): Array<[number, number]> {
  const spinal = spinalCounts(p);
  const extra = valuesOf(p.extraspinalBoneMetastasisCount, EXTRASPINAL_COUNTS);
  return spinal.flatMap((s) => extra.map((e): [number, number] => [s, e]));
}

interface OracleResult {
  /** Every total still possible. */
  totals: number[];
  score: number | null;
  range: [number, number];
  category: string | null;
  possibleCategories: string[];
  /** Points per component; null when more than one value is possible. */
  components: Record<string, number | null>;
  /** The inputs named as missing: those behind a component left open. */
  missing: string[];
}

interface Band {
  category: string;
  min: number;
  max: number;
}

/** Collects the points each component can give and the totals of every joint combination. */
function summarize(bands: readonly Band[], combinations: Array<Record<string, number>>, openInputs: Record<string, string[]>): OracleResult {
  const totals = [...new Set(combinations.map((c) => Object.values(c).reduce((s, v) => s + v, 0)))].sort((a, b) => a - b);
  const components: Record<string, number | null> = {};
  const missing = new Set<string>();
  for (const id of Object.keys(combinations[0] ?? {})) {
    const points = new Set(combinations.map((c) => c[id]));
    components[id] = points.size === 1 ? ([...points][0] as number) : null;
    if (points.size > 1) (openInputs[id] ?? []).forEach((input) => missing.add(input));
  }
  const bandOf = (t: number): string => {
    const band = bands.find((b) => t >= b.min && t <= b.max);
    if (!band) throw new Error(`no band for ${t}`);
    return band.category;
  };
  const categories = [...new Set(totals.map(bandOf))];
  return {
    totals,
    score: totals.length === 1 ? (totals[0] as number) : null,
    range: [totals[0] as number, totals[totals.length - 1] as number],
    category: categories.length === 1 ? (categories[0] as string) : null,
    possibleCategories: categories.sort(),
    components,
    missing: [...missing].sort(),
  };
}

/** Which of the missing inputs feed each component (for the expected `missing`). */
function openCountInputs(p: Patient): string[] {
  return [
    ...(spinalCounts(p).length > 1 ? ['spinalMetastasisCount'] : []),
    ...(p.extraspinalBoneMetastasisCount === undefined ? ['extraspinalBoneMetastasisCount'] : []),
  ];
}

// Modified Bauer (Leithner 2008): one point each; 0-1 supportive care, 2 short-term palliation, 3-4 middle-term local control.
const BAUER_LUNG: readonly PrimaryTumor[] = ['lung_nsclc', 'lung_sclc'];
const BAUER_FAVOURABLE: readonly PrimaryTumor[] = ['breast', 'renal_cell', 'lymphoma', 'myeloma'];
const BAUER_BANDS: readonly Band[] = [
  { category: 'supportive_care', min: 0, max: 1 },
  { category: 'short_term_palliation', min: 2, max: 2 },
  { category: 'middle_term_local_control', min: 3, max: 4 },
];

/** Visceral metastases as recorded, else as a treatability given instead implies (none: no; a grade: yes). */
function visceralMetastases(p: Patient): boolean | undefined {
  return p.visceralMetastases ?? (p.visceralMetastasesTreatability === undefined ? undefined : p.visceralMetastasesTreatability !== 'none');
}

function bauerOracle(p: Patient): OracleResult {
  const combinations: Array<Record<string, number>> = [];
  for (const primary of valuesOf(p.primaryTumor, PRIMARY_TUMORS))
    for (const visceral of valuesOf(visceralMetastases(p), [true, false]))
      for (const [spinal, extra] of countPairs(p))
        combinations.push({
          noVisceral: visceral ? 0 : 1,
          primaryNotLung: BAUER_LUNG.includes(primary) ? 0 : 1,
          primaryFavourable: BAUER_FAVOURABLE.includes(primary) ? 1 : 0,
          solitarySkeletal: spinal === 1 && extra === 0 ? 1 : 0,
        });
  return summarize(BAUER_BANDS, combinations, {
    noVisceral: ['visceralMetastases'],
    primaryNotLung: ['primaryTumor'],
    primaryFavourable: ['primaryTumor'],
    solitarySkeletal: openCountInputs(p),
  });
}

// Tomita 2001: growth slow 1 / moderate 2 / rapid 4; visceral none 0 / treatable 2 / untreatable 4;
// bone metastases solitary 1 (one in all) / multiple 2. Bands 2-3, 4-5, 6-7, 8-10.
type Growth = 'slow' | 'moderate' | 'rapid';
const GROWTH_POINTS: Record<Growth, number> = { slow: 1, moderate: 2, rapid: 4 };
const VISCERAL_POINTS: Record<Treatability, number> = { none: 0, treatable: 2, untreatable: 4 };
/** The histologies the rule file maps (all unconfirmed there); any other has no growth class. */
const TOMITA_GROWTH: Partial<Record<PrimaryTumor, Growth>> = {
  breast: 'slow', thyroid: 'slow', prostate: 'slow',
  renal_cell: 'moderate', uterine: 'moderate',
  lung_nsclc: 'rapid', lung_sclc: 'rapid', gastric: 'rapid', hepatocellular: 'rapid', unknown_primary: 'rapid',
};
const MAPPED = Object.keys(TOMITA_GROWTH) as PrimaryTumor[];
const UNMAPPED = PRIMARY_TUMORS.filter((t) => !MAPPED.includes(t));
const TOMITA_BANDS: readonly Band[] = [
  { category: 'long_term_local_control', min: 2, max: 3 },
  { category: 'middle_term_local_control', min: 4, max: 5 },
  { category: 'short_term_palliation', min: 6, max: 7 },
  { category: 'supportive_care', min: 8, max: 10 },
];

/** A missing histology could be any, so any class; an unmapped one leaves the class open too. */
function growthClasses(p: Patient): Growth[] {
  const growth = p.primaryTumor && TOMITA_GROWTH[p.primaryTumor];
  return growth ? [growth] : ['slow', 'moderate', 'rapid'];
}

/**
 * The grades an absent or given treatability may be (Tomita 2001): no visceral metastases means none to
 * grade; with visceral metastases, treatable or untreatable (the patient contract allows no other).
 */
function treatabilities(p: Patient): readonly Treatability[] {
  if (p.visceralMetastasesTreatability) return [p.visceralMetastasesTreatability];
  if (p.visceralMetastases === false) return ['none'];
  return p.visceralMetastases === true ? TREATABILITIES.filter((t) => t !== 'none') : TREATABILITIES;
}

function tomitaOracle(p: Patient): OracleResult {
  const combinations: Array<Record<string, number>> = [];
  for (const growth of growthClasses(p))
    for (const visceral of treatabilities(p))
      for (const [spinal, extra] of countPairs(p))
        combinations.push({ growth: GROWTH_POINTS[growth], visceral: VISCERAL_POINTS[visceral], bone: spinal + extra === 1 ? 1 : 2 });
  return summarize(TOMITA_BANDS, combinations, {
    // Missing histology: the input; an unmapped one: the derived fact, as the engine names it.
    growth: p.primaryTumor === undefined ? ['primaryTumor'] : ['tumorGrowth'],
    visceral: ['visceralMetastasesTreatability'],
    bone: openCountInputs(p),
  });
}

// ------------------------------------------------------------------------------------------ the cohort

/**
 * `n` patients in the contract. Visceral metastases and their treatability agree (false -> none); the
 * skeleton is often solitary (one vertebra, nothing else) so that the lowest totals are common; the
 * number of vertebrae is given, or left to default from the lesions listed, or (when lesions are
 * absent) missing. With `missingRate`, each field is left out with that probability.
 */
function generatePatients(n: number, seed: number, missingRate: number): Patient[] {
  const next = mulberry32(seed);
  const chance = (p: number): boolean => next() < p;
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)] as T;
  const omit = (): boolean => missingRate > 0 && chance(missingRate);
  return Array.from({ length: n }, (_, i): Patient => {
    const p: Patient = { id: `BT${seed}-${i}` };
    if (!omit()) p.primaryTumor = chance(0.6) ? pick(MAPPED) : pick(PRIMARY_TUMORS);
    const visceral = chance(0.5);
    const treatability: Treatability = visceral ? (chance(0.5) ? 'treatable' : 'untreatable') : 'none';
    if (!omit()) p.visceralMetastases = visceral;
    if (!omit()) p.visceralMetastasesTreatability = treatability;
    const solitary = chance(0.35);
    const spinal = solitary ? 1 : chance(0.3) ? 1 : int(2, 12);
    const extra = solitary ? 0 : spinal === 1 ? int(1, 6) : chance(0.5) ? 0 : int(1, 10);
    if (!omit()) p.extraspinalBoneMetastasisCount = extra;
    const listing = next();
    if (listing < 0.4) {
      // The lesions stand for the vertebrae: the count defaults to their number.
      p.lesions = Array.from({ length: spinal }, (_, j) => ({ level: LEVELS[j] as string }));
    } else if (listing < 0.6) {
      p.lesions = Array.from({ length: int(1, spinal) }, (_, j) => ({ level: LEVELS[j] as string }));
      p.spinalMetastasisCount = spinal;
    } else if (!omit()) {
      p.spinalMetastasisCount = spinal;
    }
    return p;
  });
}

// ------------------------------------------------------------------------------------------ the tests

const COHORTS = [
  { name: 'complete records', n: 800, seed: 7001, missingRate: 0 },
  { name: '25% of fields missing', n: 600, seed: 7002, missingRate: 0.25 },
  { name: '60% of fields missing', n: 300, seed: 7003, missingRate: 0.6 },
] as const;
const SHOW = 5;

let rulesets: LoadedRuleSet[] = [];
beforeAll(async () => {
  // Neither rule set requires another; evaluating only these two keeps the run short.
  rulesets = await bundledRuleSets(['modified-bauer', 'tomita']);
});

/** The engine's result in the oracle's shape. */
function project(result: RuleSetResult | undefined): Omit<OracleResult, 'totals'> | undefined {
  if (!result) return undefined;
  return {
    score: result.score ?? null,
    range: result.range as [number, number],
    category: result.category ?? null,
    possibleCategories: result.category ? [result.category] : [...(result.possibleCategories ?? [])].sort(),
    components: Object.fromEntries(Object.entries(result.components ?? {}).map(([id, c]) => [id, c.points])),
    missing: [...result.missing].sort(),
  };
}

function expected(o: OracleResult): Omit<OracleResult, 'totals'> {
  const { totals: _totals, ...rest } = o;
  return rest;
}

/** The rule set's warning codes, an UNCONFIRMED_SOURCE with its status (`UNCONFIRMED_SOURCE possible`). */
/** The warnings of a rule set but for those of one component (Tomita's bone: "isolated" read as solitary is unconfirmed too). */
const codes = (evaluation: Evaluation, ruleset: string, except?: string): string[] =>
  [...new Set(evaluation.warnings.filter((w) => w.ruleset === ruleset && !(except && 'id' in w && w.id?.startsWith(`${except}.`))).map((w) => (w.code === 'UNCONFIRMED_SOURCE' ? `${w.code} ${w.status}` : w.code)))].sort();

describe.each(COHORTS)('modified Bauer and Tomita vs the published tables: $name ($n patients, seed $seed)', ({ n, seed, missingRate }) => {
  const cohort = generatePatients(n, seed, missingRate);
  const evaluations: Evaluation[] = [];
  const bauer: OracleResult[] = [];
  const tomita: OracleResult[] = [];

  beforeAll(async () => {
    for (const patient of cohort) evaluations.push(await evaluatePatient(patient as unknown as Record<string, unknown>, rulesets));
    bauer.push(...cohort.map(bauerOracle));
    tomita.push(...cohort.map(tomitaOracle));
  }, 60_000);

  it('the cohort is in the patient contract (no fewer vertebrae than lesions listed)', () => {
    const validate = validator('patient');
    const invalid = cohort.filter((p) => !validate(p) || (p.spinalMetastasisCount !== undefined && p.spinalMetastasisCount < listedVertebrae(p.lesions ?? []).least));
    expect(invalid.slice(0, SHOW)).toEqual([]);
  });

  it('modified Bauer: score, range, category, components and missing inputs equal the oracle', () => {
    const differences = cohort.flatMap((patient, i) => {
      const engine = project(evaluations[i]?.results['modified-bauer']);
      const oracle = expected(bauer[i] as OracleResult);
      return JSON.stringify(engine) === JSON.stringify(oracle) ? [] : [{ patient, engine, oracle }];
    });
    expect(differences.slice(0, SHOW)).toEqual([]);
  });

  it('modified Bauer: a result in one band warns that its survival figures are unconfirmed; one spanning bands, that they may be', () => {
    const differences = cohort.flatMap((patient, i) => {
      const evaluation = evaluations[i] as Evaluation;
      // Every band is marked unconfirmed: a range spanning bands may fall in any of them.
      const expectedCodes = bauer[i]?.category ? ['UNCONFIRMED_SOURCE applies'] : ['UNCONFIRMED_SOURCE possible'];
      const actual = codes(evaluation, 'modified-bauer');
      return JSON.stringify(actual) === JSON.stringify(expectedCodes) ? [] : [{ patient, actual, expectedCodes }];
    });
    expect(differences.slice(0, SHOW)).toEqual([]);
  });

  it('Tomita: score, range, category, components and missing inputs equal the oracle', () => {
    const differences = cohort.flatMap((patient, i) => {
      const engine = project(evaluations[i]?.results.tomita);
      const oracle = expected(tomita[i] as OracleResult);
      return JSON.stringify(engine) === JSON.stringify(oracle) ? [] : [{ patient, engine, oracle }];
    });
    expect(differences.slice(0, SHOW)).toEqual([]);
  });

  it('Tomita: an unmapped histology leaves growth undetermined (TABLE_NO_ENTRY); a mapped one warns UNCONFIRMED_SOURCE, a missing one that it may', () => {
    const differences = cohort.flatMap((patient, i) => {
      const evaluation = evaluations[i] as Evaluation;
      const growth = evaluation.results.tomita?.components?.growth;
      const t = patient.primaryTumor;
      const expectedCodes = t === undefined ? ['UNCONFIRMED_SOURCE possible'] : TOMITA_GROWTH[t] ? ['UNCONFIRMED_SOURCE applies'] : ['TABLE_NO_ENTRY'];
      const expectedGrowth = t !== undefined && TOMITA_GROWTH[t]
        ? { status: 'determined', points: GROWTH_POINTS[TOMITA_GROWTH[t] as Growth] }
        : { status: 'undetermined', points: null, range: [1, 4], missing: [t === undefined ? 'primaryTumor' : 'tumorGrowth'] };
      const actualGrowth = growth && (growth.status === 'determined'
        ? { status: growth.status, points: growth.points }
        : { status: growth.status, points: growth.points, range: growth.range, missing: growth.missing });
      const actual = { codes: codes(evaluation, 'tomita', 'bone'), growth: actualGrowth };
      const wanted = { codes: expectedCodes, growth: expectedGrowth };
      return JSON.stringify(actual) === JSON.stringify(wanted) ? [] : [{ patient, actual, wanted }];
    });
    expect(differences.slice(0, SHOW)).toEqual([]);
  });
});

describe('the generated patients', () => {
  const complete = generatePatients(800, 7001, 0);
  const sparse = generatePatients(600, 7002, 0.25);
  const decided = complete.filter((p) => p.primaryTumor && TOMITA_GROWTH[p.primaryTumor]);

  it('are deterministic for a seed', () => {
    expect(generatePatients(100, 7002, 0.25)).toEqual(sparse.slice(0, 100));
    expect(generatePatients(100, 7004, 0.25)).not.toEqual(sparse.slice(0, 100));
  });

  it('reach every modified Bauer total 0-4, so both band edges (1|2, 2|3) are met from each side', () => {
    expect(new Set(complete.map((p) => bauerOracle(p).score))).toEqual(new Set([0, 1, 2, 3, 4]));
  });

  it('reach every Tomita total 2-10 with a mapped histology, so every band edge (3|4, 5|6, 7|8) and both extremes are met', () => {
    expect(new Set(decided.map((p) => tomitaOracle(p).score))).toEqual(new Set([2, 3, 4, 5, 6, 7, 8, 9, 10]));
  });

  it('include every histology, mapped and unmapped, and every alternative of every input', () => {
    expect(new Set(complete.map((p) => p.primaryTumor))).toEqual(new Set(PRIMARY_TUMORS));
    expect(UNMAPPED.length).toBeGreaterThan(0);
    expect(new Set(complete.map((p) => p.visceralMetastasesTreatability))).toEqual(new Set(TREATABILITIES));
    expect(complete.some((p) => onlyOne(p) && p.extraspinalBoneMetastasisCount === 0)).toBe(true);
    expect(complete.some((p) => onlyOne(p) && (p.extraspinalBoneMetastasisCount ?? 0) > 0)).toBe(true);
  });

  it('leave the number of vertebrae to default from the lesions listed, and sometimes to nothing at all', () => {
    expect(complete.some((p) => p.spinalMetastasisCount === undefined && p.lesions?.length === 1)).toBe(true);
    expect(complete.some((p) => p.spinalMetastasisCount === undefined && (p.lesions?.length ?? 0) > 1)).toBe(true);
    expect(sparse.some((p) => spinalCounts(p) === SPINAL_COUNTS)).toBe(true);
  });

  it('leave treatability out both where visceralMetastases implies none and where it narrows it to treatable or untreatable', () => {
    expect(sparse.some((p) => p.visceralMetastases === false && p.visceralMetastasesTreatability === undefined)).toBe(true);
    expect(sparse.some((p) => p.visceralMetastases === true && p.visceralMetastasesTreatability === undefined)).toBe(true);
  });

  it('with missing data, have ranges that fall in one band and ranges that span bands, for both scores', () => {
    const bauer = sparse.map(bauerOracle).filter((o) => o.score === null);
    const tomita = sparse.map(tomitaOracle).filter((o) => o.score === null);
    expect(bauer.some((o) => o.category !== null)).toBe(true);
    expect(bauer.some((o) => o.category === null)).toBe(true);
    expect(tomita.some((o) => o.category !== null)).toBe(true);
    expect(tomita.some((o) => o.category === null)).toBe(true);
  });
});
