/**
 * The bundled NOMS rule set (rules/noms/noms.yaml, on top of rules/sins/sins.yaml) against a hand-written
 * implementation of review Table 3 (/work/shared/CLINICAL-REFERENCE.md), on seeded synthetic patients with
 * and without missing data. The oracle below shares nothing with the engine or the YAML: ESCC grade,
 * histology and SINS points are typed in again from the published tables, and missing inputs are handled
 * by enumerating what they could be.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { LEVELS, mulberry32, PRIMARY_TUMORS, type PrimaryTumor } from '../bench/cohort.js';
import { evaluatePatient } from '../src/engine/evaluate-patient.js';
import type { Evaluation, InputTrace, LookupTrace, RuleTrace } from '../src/engine/types.js';
import { validator } from '../src/source/schemas.js';
import { bundledRuleSets } from './support/bundled.js';

// ------------------------------------------------------------------------------------------ the oracle

type Neurologic = 'low_grade' | 'high_grade';
type Oncologic = 'radiosensitive' | 'radioresistant';
type Mechanical = 'stable' | 'unstable';
type Systemic = 'able' | 'unable';
type Decision = 'cebrt' | 'stabilization_then_cebrt' | 'srs' | 'stabilization_then_srs' | 'separation_surgery_then_srs';

const ESCC_GRADES = ['0', '1a', '1b', '1c', '2', '3'] as const;
type EsccGrade = (typeof ESCC_GRADES)[number];
/** Bilsky 2010: 0-1b low grade, 2-3 high grade; 1c is classified differently by different authors (no entry). */
const ESCC_CLASS: Partial<Record<EsccGrade, Neurologic>> = { '0': 'low_grade', '1a': 'low_grade', '1b': 'low_grade', '2': 'high_grade', '3': 'high_grade' };
/** The histologies whose response to conventional radiotherapy is confirmed in the shared reference. */
const HISTOLOGY: Partial<Record<PrimaryTumor, Oncologic>> = {
  lymphoma: 'radiosensitive', myeloma: 'radiosensitive', seminoma: 'radiosensitive',
  renal_cell: 'radioresistant', melanoma: 'radioresistant', thyroid: 'radioresistant', colorectal: 'radioresistant',
};
const CONFIRMED = Object.keys(HISTOLOGY) as PrimaryTumor[];

/** SINS points (review Table 4, Fisher 2010). */
const SINS_POINTS = {
  pain: { mechanical: 3, occasional: 1, none: 0 },
  boneLesion: { lytic: 2, mixed: 1, blastic: 0 },
  alignment: { subluxation: 4, de_novo_deformity: 2, normal: 0 },
  collapse: { over_50: 3, under_50: 2, none_over_50_involved: 1, none: 0 },
  posterolateral: { bilateral: 3, unilateral: 1, none: 0 },
} as const;
type SinsField = 'level' | keyof typeof SINS_POINTS;
const SINS_FIELDS: readonly SinsField[] = ['level', 'pain', 'boneLesion', 'alignment', 'collapse', 'posterolateral'];
type Collapse = keyof typeof SINS_POINTS.collapse;
const COLLAPSES = Object.keys(SINS_POINTS.collapse) as Collapse[];

/** Location: junctional occiput-C2, C7-T2, T11-L1, L5-S1 = 3; mobile C3-C6, L2-L4 = 2; semi-rigid T3-T10 = 1; rigid S2-S5 = 0. */
function locationPoints(level: string): number {
  const junctional = ['occiput', 'C1', 'C2', 'C7', 'T1', 'T2', 'T11', 'T12', 'L1', 'L5', 'S1'];
  const mobile = ['C3', 'C4', 'C5', 'C6', 'L2', 'L3', 'L4'];
  const rigid = ['S2', 'S3', 'S4', 'S5'];
  if (junctional.includes(level)) return 3;
  if (mobile.includes(level)) return 2;
  if (rigid.includes(level)) return 0;
  if (/^T([3-9]|10)$/.test(level)) return 1;
  throw new Error(`unknown level ${level}`);
}

interface NomsLesion {
  level?: string;
  pain?: keyof typeof SINS_POINTS.pain;
  boneLesion?: keyof typeof SINS_POINTS.boneLesion;
  alignment?: keyof typeof SINS_POINTS.alignment;
  collapse?: Collapse;
  posterolateral?: keyof typeof SINS_POINTS.posterolateral;
  bilskyGrade?: EsccGrade;
  myelopathy?: boolean;
}

interface NomsPatient {
  id: string;
  primaryTumor?: PrimaryTumor;
  radiosensitivity?: Oncologic;
  toleratesSurgery?: boolean;
  lesions: NomsLesion[];
}

/** Lowest and highest SINS from every component except collapse (a missing one contributes its whole range). */
function sinsWithoutCollapse(l: NomsLesion): [number, number] {
  const parts: Array<[number, number]> = [l.level === undefined ? [0, 3] : [locationPoints(l.level), locationPoints(l.level)]];
  for (const field of ['pain', 'boneLesion', 'alignment', 'posterolateral'] as const) {
    const table: Record<string, number> = SINS_POINTS[field];
    const value = l[field];
    const points = Object.values(table);
    parts.push(value === undefined ? [Math.min(...points), Math.max(...points)] : [table[value] as number, table[value] as number]);
  }
  return parts.reduce<[number, number]>((s, p) => [s[0] + p[0], s[1] + p[1]], [0, 0]);
}

/** SINS >= 13 unstable; 7-12 with >50% collapse unstable (Kim et al.); otherwise stable. */
const mechanicalOf = (sins: number, collapse: Collapse): Mechanical => (sins >= 13 || (sins >= 7 && collapse === 'over_50') ? 'unstable' : 'stable');

/**
 * The mechanical answers still possible: every SINS value in the range, each with the collapse value; when
 * collapse is missing, every collapse value with the SINS it gives.
 */
function mechanicalValues(l: NomsLesion): Set<Mechanical> {
  const [low, high] = sinsWithoutCollapse(l);
  const values = new Set<Mechanical>();
  for (const collapse of l.collapse === undefined ? COLLAPSES : [l.collapse]) {
    for (let s = low; s <= high; s++) values.add(mechanicalOf(s + SINS_POINTS.collapse[collapse], collapse));
  }
  return values;
}

/** SINS totals still possible (for the surgical consultation, SINS 7-12). */
function sinsRange(l: NomsLesion): [number, number] {
  const [low, high] = sinsWithoutCollapse(l);
  const collapse = l.collapse === undefined ? [0, 3] : [SINS_POINTS.collapse[l.collapse], SINS_POINTS.collapse[l.collapse]];
  return [low + (collapse[0] as number), high + (collapse[1] as number)];
}

/** Myelopathy takes the high-grade path (Table 3's low-grade row reads "no myelopathy"). */
function neurologicValues(l: NomsLesion): Set<Neurologic> {
  const grades: Neurologic[] = l.bilskyGrade !== undefined && ESCC_CLASS[l.bilskyGrade] ? [ESCC_CLASS[l.bilskyGrade] as Neurologic] : ['low_grade', 'high_grade'];
  const myelopathies = l.myelopathy === undefined ? [false, true] : [l.myelopathy];
  return new Set(grades.flatMap((g) => myelopathies.map((m): Neurologic => (m ? 'high_grade' : g))));
}

/** The patient's known response when given, else the histology table. */
function oncologicValues(p: NomsPatient): Set<Oncologic> {
  if (p.radiosensitivity) return new Set([p.radiosensitivity]);
  const fromTable = p.primaryTumor && HISTOLOGY[p.primaryTumor];
  return new Set(fromTable ? [fromTable] : ['radiosensitive', 'radioresistant']);
}

const systemicValues = (p: NomsPatient): Set<Systemic> => new Set(p.toleratesSurgery === undefined ? ['able', 'unable'] : [p.toleratesSurgery ? 'able' : 'unable']);

/** Review Table 3, row by row. */
function table3(n: Neurologic, o: Oncologic, m: Mechanical, s: Systemic): { row: number; decision: Decision } {
  if (n === 'low_grade') {
    if (o === 'radiosensitive') return m === 'stable' ? { row: 1, decision: 'cebrt' } : { row: 2, decision: 'stabilization_then_cebrt' };
    return m === 'stable' ? { row: 3, decision: 'srs' } : { row: 4, decision: 'stabilization_then_srs' };
  }
  if (o === 'radiosensitive') return m === 'stable' ? { row: 5, decision: 'cebrt' } : { row: 6, decision: 'stabilization_then_cebrt' };
  if (m === 'stable') return s === 'able' ? { row: 7, decision: 'separation_surgery_then_srs' } : { row: 8, decision: 'cebrt' };
  return s === 'able' ? { row: 9, decision: 'separation_surgery_then_srs' } : { row: 10, decision: 'stabilization_then_cebrt' };
}

interface OracleResult {
  neurologic: Neurologic | null;
  oncologic: Oncologic | null;
  mechanical: Mechanical | null;
  systemic: Systemic | null;
  decision: Decision | null;
  /** The Table 3 row, when every assessment is known. */
  row: number | null;
  /** Surgical consultation (SINS 7-12): applies, possible, or not. */
  consultation: 'applies' | 'possible' | 'no';
}

const only = <T>(values: Set<T>): T | null => (values.size === 1 ? ([...values][0] as T) : null);

function oracle(p: NomsPatient, l: NomsLesion): OracleResult {
  const n = neurologicValues(l);
  const o = oncologicValues(p);
  const m = mechanicalValues(l);
  const s = systemicValues(p);
  const decisions = new Set<Decision>();
  const rows = new Set<number>();
  for (const ni of n) for (const oi of o) for (const mi of m) for (const si of s) {
    const { row, decision } = table3(ni, oi, mi, si);
    decisions.add(decision);
    rows.add(row);
  }
  const [low, high] = sinsRange(l);
  const consultation = low >= 7 && high <= 12 ? 'applies' : high >= 7 && low <= 12 ? 'possible' : 'no';
  return { neurologic: only(n), oncologic: only(o), mechanical: only(m), systemic: only(s), decision: only(decisions), row: only(rows), consultation };
}

// ------------------------------------------------------------------------------------------ the cohort

/**
 * `n` patients with 1-3 lesions each. Histologies lean towards the confirmed ones; each lesion has all SINS
 * inputs (about 65%), one missing (about 28%) or two missing; ESCC grades include 1c; myelopathy, the
 * ability to tolerate surgery and the ESCC grade are sometimes missing.
 */
function generateNomsCohort(n: number, seed: number): NomsPatient[] {
  const next = mulberry32(seed);
  const chance = (p: number): boolean => next() < p;
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)] as T;
  const pickKey = <T extends object>(table: T): keyof T => pick(Object.keys(table) as Array<keyof T>);
  return Array.from({ length: n }, (_, i): NomsPatient => {
    const p: NomsPatient = { id: `NOMS${seed}-${i}`, lesions: [] };
    const histology = next();
    if (histology < 0.6) p.primaryTumor = pick(CONFIRMED);
    else if (histology < 0.92) p.primaryTumor = pick(PRIMARY_TUMORS);
    if (chance(0.25)) p.radiosensitivity = chance(0.5) ? 'radiosensitive' : 'radioresistant';
    if (chance(0.85)) p.toleratesSurgery = chance(0.6);
    const count = 1 + Math.floor(next() * 3);
    for (let j = 0; j < count; j++) {
      const l: NomsLesion = {
        level: pick(LEVELS),
        pain: pickKey(SINS_POINTS.pain),
        boneLesion: pickKey(SINS_POINTS.boneLesion),
        alignment: pickKey(SINS_POINTS.alignment),
        collapse: pickKey(SINS_POINTS.collapse),
        posterolateral: pickKey(SINS_POINTS.posterolateral),
      };
      const gaps = next();
      const missing = gaps < 0.65 ? 0 : gaps < 0.93 ? 1 : 2;
      const omitted = new Set<SinsField>();
      while (omitted.size < missing) omitted.add(pick(SINS_FIELDS));
      for (const field of omitted) delete l[field];
      if (chance(0.92)) l.bilskyGrade = pick(ESCC_GRADES);
      if (chance(0.88)) l.myelopathy = chance(0.3);
      p.lesions.push(l);
    }
    return p;
  });
}

const missingSinsInputs = (l: NomsLesion): SinsField[] => SINS_FIELDS.filter((f) => l[f] === undefined);

/**
 * The lesions Table 3 is checked on: ESCC grade given and not 1c, a confirmed histology or an explicit
 * radiosensitivity, myelopathy and the ability to tolerate surgery given, at most one SINS input missing.
 */
function inScope(p: NomsPatient, l: NomsLesion): boolean {
  const histologyKnown = p.radiosensitivity !== undefined || (p.primaryTumor !== undefined && HISTOLOGY[p.primaryTumor] !== undefined);
  return l.bilskyGrade !== undefined && l.bilskyGrade !== '1c' && histologyKnown && l.myelopathy !== undefined && p.toleratesSurgery !== undefined && missingSinsInputs(l).length <= 1;
}

// ------------------------------------------------------------------------------------------ the tests

const PATIENTS = 1500;
const SEED = 3103;
/** Evaluating takes a few ms per patient; this is a ceiling for slow machines, not a timing test. */
const COHORT_TIMEOUT = 120_000;
const SHOW = 5;

interface Case {
  patient: NomsPatient;
  lesion: NomsLesion;
  index: number;
  evaluation: Evaluation;
  expected: OracleResult;
}

describe(`NOMS vs review Table 3 (${PATIENTS} seeded patients, seed ${SEED})`, () => {
  const cohort = generateNomsCohort(PATIENTS, SEED);
  const all: Case[] = [];
  let scoped: Case[] = [];

  beforeAll(async () => {
    const rulesets = await bundledRuleSets(['noms']);
    expect(rulesets.map((r) => r.document.id).sort()).toEqual(['noms', 'sins']);
    for (const patient of cohort) {
      const evaluation = await evaluatePatient(patient as unknown as Record<string, unknown>, rulesets);
      patient.lesions.forEach((lesion, index) => all.push({ patient, lesion, index, evaluation, expected: oracle(patient, lesion) }));
    }
    scoped = all.filter((c) => inScope(c.patient, c.lesion));
  }, COHORT_TIMEOUT);

  it('the cohort is in the patient contract', () => {
    const validate = validator('patient');
    expect(cohort.filter((p) => !validate(p)).slice(0, SHOW)).toEqual([]);
  });

  it('covers every row of Table 3, undecided lesions and each kind of missing SINS input', () => {
    expect(scoped.length).toBeGreaterThan(1000);
    const rows = new Set(scoped.map((c) => c.expected.row));
    for (let row = 1; row <= 10; row++) expect(rows, `row ${row}`).toContain(row);
    expect(scoped.filter((c) => c.expected.decision === null).length).toBeGreaterThan(20);
    // A decision although a SINS input is missing, and the Kim et al. rule deciding both ways.
    expect(scoped.filter((c) => missingSinsInputs(c.lesion).length === 1 && c.expected.decision !== null).length).toBeGreaterThan(100);
    expect(scoped.filter((c) => c.expected.mechanical === null && c.expected.decision !== null).length).toBeGreaterThan(10);
    for (const field of SINS_FIELDS) expect(scoped.some((c) => missingSinsInputs(c.lesion)[0] === field), `${field} missing`).toBe(true);
    expect(scoped.filter((c) => c.lesion.collapse === 'over_50' && c.expected.mechanical === 'stable').length).toBeGreaterThan(5);
    expect(scoped.some((c) => c.patient.radiosensitivity !== undefined && c.patient.primaryTumor !== undefined && HISTOLOGY[c.patient.primaryTumor] !== undefined && HISTOLOGY[c.patient.primaryTumor] !== c.patient.radiosensitivity)).toBe(true);
  });

  it('the decision of every in-scope lesion equals the Table 3 oracle (null when it cannot decide)', () => {
    const differences = scoped.flatMap((c) => {
      const actual = c.evaluation.lesions[c.index]?.results.noms?.decision;
      return actual === c.expected.decision ? [] : [{ patient: c.patient, lesion: c.index, engine: actual, oracle: c.expected }];
    });
    expect(differences.slice(0, SHOW)).toEqual([]);
  });

  it('a decision from one row of the table fires exactly that row', () => {
    const differences = scoped.flatMap((c) => {
      const fired = c.evaluation.trace
        .filter((t): t is RuleTrace => t.kind === 'rule' && t.ruleset === 'noms' && t.lesion === c.index && t.classification === 'decision' && t.fired === true)
        .map((t) => t.rule);
      const expected = c.expected.row === null ? [] : [`decision.row${c.expected.row}`];
      return JSON.stringify(fired) === JSON.stringify(expected) ? [] : [{ patient: c.patient, lesion: c.index, fired, expected }];
    });
    expect(differences.slice(0, SHOW)).toEqual([]);
  });

  it('the trace names the SINS result and the table lookups each decision used', () => {
    const problems = scoped.flatMap((c) => {
      const found: string[] = [];
      const mine = c.evaluation.trace.filter((t) => t.ruleset === 'noms' && t.lesion === c.index);
      const sins = c.evaluation.lesions[c.index]?.results.sins;
      const input = mine.find((t): t is InputTrace => t.kind === 'input' && t.input === 'sinsScore');
      if (!input) found.push('no sinsScore input entry');
      else {
        if (input.source !== 'upstream') found.push(`sinsScore source ${input.source}`);
        if (input.upstream?.ruleset !== 'sins' || input.upstream.output !== 'score' || input.upstream.lesion !== c.index) found.push(`sinsScore upstream ${JSON.stringify(input.upstream)}`);
        if (input.value !== (sins?.score ?? null)) found.push(`sinsScore value ${input.value}, SINS score ${sins?.score}`);
        if (input.value === null) {
          const possible = (input.possible ?? []) as number[];
          const range = sinsRange(c.lesion);
          if (Math.min(...possible) !== range[0] || Math.max(...possible) !== range[1]) found.push(`sinsScore possible ${JSON.stringify(possible)}, SINS range ${JSON.stringify(range)}`);
        }
      }
      const lookup = (table: string): LookupTrace | undefined => mine.find((t): t is LookupTrace => t.kind === 'lookup' && t.table === table);
      const escc = lookup('esccGrade');
      if (!escc || escc.key !== c.lesion.bilskyGrade || escc.value !== ESCC_CLASS[c.lesion.bilskyGrade as EsccGrade]) found.push(`esccGrade lookup ${JSON.stringify(escc)}`);
      const histology = lookup('histologyRadiosensitivity');
      const expectedResponse = c.patient.radiosensitivity ?? HISTOLOGY[c.patient.primaryTumor as PrimaryTumor];
      if (histology?.value !== expectedResponse) found.push(`histologyRadiosensitivity lookup ${JSON.stringify(histology)}`);
      if (c.patient.radiosensitivity === undefined && histology?.key !== c.patient.primaryTumor) found.push(`histologyRadiosensitivity key ${JSON.stringify(histology?.key)}`);
      return found.length ? [{ patient: c.patient, lesion: c.index, problems: found }] : [];
    });
    expect(problems.slice(0, SHOW)).toEqual([]);
  });

  it('every lesion, whatever is missing: the four assessments, the decision and the surgical consultation equal the oracle', () => {
    const differences = all.flatMap((c) => {
      const result = c.evaluation.lesions[c.index]?.results.noms;
      const consultation = result?.recommendations?.find((r) => r.id === 'surgical_consultation')?.status ?? 'no';
      const actual = {
        neurologic: result?.neurologic,
        oncologic: result?.oncologic,
        mechanical: result?.mechanical,
        systemic: result?.systemic,
        decision: result?.decision,
        consultation,
      };
      const { row: _row, ...expected } = c.expected;
      return JSON.stringify(actual) === JSON.stringify(expected) ? [] : [{ patient: c.patient, lesion: c.index, engine: actual, oracle: expected }];
    });
    expect(all.length).toBeGreaterThan(2500);
    expect(differences.slice(0, SHOW)).toEqual([]);
  });
});
