/**
 * The bundled SINS and NESMS rule sets against a hand-written implementation of the published tables
 * (bench/baseline.ts), on seeded synthetic patients with and without missing data; and every score against
 * its own trace, re-added from the fired rules alone.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateBaseline } from '../bench/baseline.js';
import { generateCohort, LEVELS, PRIMARY_TUMORS, type Patient } from '../bench/cohort.js';
import { evaluatePatient } from '../src/engine/evaluate-patient.js';
import type { Evaluation, RuleTrace, ScoreResult, TotalTrace } from '../src/engine/types.js';
import type { LoadedRuleSet } from '../src/ruleset/types.js';
import { validator } from '../src/source/schemas.js';
import { bundledRuleSets } from './support/bundled.js';

const COHORTS = [
  { name: 'complete records', n: 1000, seed: 101, missingRate: 0 },
  { name: '20% of fields missing', n: 1200, seed: 202, missingRate: 0.2 },
  { name: '60% of fields missing', n: 400, seed: 303, missingRate: 0.6 },
] as const;
/** Evaluating a cohort takes about 1-2 ms per patient; this is a ceiling for slow machines, not a timing test. */
const COHORT_TIMEOUT = 120_000;
const SHOW = 5;

let rulesets: LoadedRuleSet[] = [];
beforeAll(async () => {
  // The oracle is SINS and NESMS: evaluate exactly those (other bundled rule sets have their own tests).
  rulesets = await bundledRuleSets(['sins', 'nesms']);
});

const pick = (r: { score?: number | null; range?: readonly [number, number] | null; category?: string | null } | undefined) => (r ? { score: r.score ?? null, range: r.range ? [...r.range] : null, category: r.category ?? null } : undefined);
const clamp = (v: number, t: TotalTrace): number => Math.min(t.ceiling ?? Infinity, Math.max(t.floor ?? -Infinity, v));

/** The result a total trace entry belongs to. */
function resultOf(evaluation: Evaluation, t: TotalTrace): Partial<Pick<ScoreResult, 'score' | 'range'>> | undefined {
  const scope = t.lesion === undefined ? evaluation.results : evaluation.lesions[t.lesion]?.results;
  const primary = scope?.[t.ruleset];
  return t.score === t.ruleset ? primary : primary?.subscores?.[t.score];
}

/**
 * Re-decides every score from the trace alone: the points of the fired rules of that ruleset/lesion/score,
 * then the floor and ceiling of its total entry. Also re-derives the range: a component with no fired rule
 * contributes the points of its still-possible rules. Returns a description of each inconsistency.
 */
function traceProblems(evaluation: Evaluation): string[] {
  const problems: string[] = [];
  const totals = evaluation.trace.filter((t): t is TotalTrace => t.kind === 'total');
  const rules = evaluation.trace.filter((t): t is RuleTrace => t.kind === 'rule');
  const expectedTotals = 2 + evaluation.lesions.length; // nesms + its modifiedBauer subscore, one sins per lesion
  if (totals.length !== expectedTotals) problems.push(`${totals.length} total entries, expected ${expectedTotals}`);

  for (const t of totals) {
    const where = `${t.ruleset}${t.lesion === undefined ? '' : `[${t.lesion}]`}.${t.score}`;
    const own = rules.filter((r) => r.ruleset === t.ruleset && r.lesion === t.lesion && r.score === t.score);
    const fired = own.filter((r) => r.fired === true);
    const missingEffect = fired.filter((r) => r.effect === undefined);
    if (missingEffect.length) problems.push(`${where}: fired rules without effect: ${missingEffect.map((r) => r.rule).join(', ')}`);
    const sum = fired.reduce((s, r) => s + (r.effect && 'points' in r.effect ? r.effect.points : 0), 0);
    const recomputed = clamp(sum, t);
    const result = resultOf(evaluation, t);
    if (!result) {
      problems.push(`${where}: no result for this total entry`);
      continue;
    }
    if (result.score !== t.value) problems.push(`${where}: result score ${result.score}, total entry value ${t.value}`);
    if (t.value !== null) {
      if (recomputed !== t.value) problems.push(`${where}: fired rules give ${sum} -> ${recomputed} after floor/ceiling, total entry value ${t.value}`);
      if (recomputed !== result.score) problems.push(`${where}: fired rules give ${recomputed}, result score ${result.score}`);
    }
    if (t.sum !== null && t.sum !== sum) problems.push(`${where}: total entry sum ${t.sum}, fired rules add up to ${sum}`);

    // The range from the trace: per component, the fired rule's points, else those of the still-possible rules.
    let low = 0;
    let high = 0;
    for (const component of new Set(own.map((r) => r.component))) {
      const mine = own.filter((r) => r.component === component);
      const firedHere = mine.filter((r) => r.fired === true);
      if (firedHere.length > 1) problems.push(`${where}.${component}: ${firedHere.length} rules fired`);
      const candidates = firedHere.length === 1 ? firedHere : mine.filter((r) => r.fired === null && r.possible === true);
      if (candidates.length === 0) {
        problems.push(`${where}.${component}: neither a fired nor a possible rule`);
        continue;
      }
      const points = candidates.map((r) => r.points ?? 0);
      low += Math.min(...points);
      high += Math.max(...points);
    }
    const range = [clamp(low, t), clamp(high, t)];
    if (JSON.stringify(range) !== JSON.stringify(t.range)) problems.push(`${where}: rules give range ${JSON.stringify(range)}, total entry ${JSON.stringify(t.range)}`);
    if (JSON.stringify(result.range) !== JSON.stringify(t.range)) problems.push(`${where}: result range ${JSON.stringify(result.range)}, total entry ${JSON.stringify(t.range)}`);
  }
  return problems;
}

describe.each(COHORTS)('engine vs published tables: $name ($n patients, seed $seed)', ({ n, seed, missingRate }) => {
  const cohort: Patient[] = generateCohort(n, seed, { missingRate });
  const evaluations: Evaluation[] = [];

  beforeAll(async () => {
    for (const patient of cohort) evaluations.push(await evaluatePatient(patient as Record<string, unknown>, rulesets));
  }, COHORT_TIMEOUT);

  it('the cohort is in the patient contract', () => {
    const validate = validator('patient');
    const invalid = cohort.filter((p) => !validate(p));
    expect(invalid.slice(0, SHOW)).toEqual([]);
  });

  it('SINS score, range and category of every lesion equal the baseline', () => {
    const differences: unknown[] = [];
    cohort.forEach((patient, i) => {
      const engine = evaluations[i]?.lesions.map((l) => pick(l.results.sins));
      const baseline = evaluateBaseline(patient).lesions.map((l) => pick(l.sins));
      if (JSON.stringify(engine) !== JSON.stringify(baseline)) differences.push({ patient, engine, baseline });
    });
    expect(differences.slice(0, SHOW)).toEqual([]);
    expect(evaluations.reduce((s, e) => s + e.lesions.length, 0)).toBe(cohort.reduce((s, p) => s + (p.lesions?.length ?? 0), 0));
  });

  it('NESMS score, range and category (and the modified Bauer subscore) equal the baseline', () => {
    const differences: unknown[] = [];
    cohort.forEach((patient, i) => {
      const nesms = evaluations[i]?.results.nesms;
      const bauer = nesms?.subscores?.modifiedBauer;
      const engine = { nesms: pick(nesms), modifiedBauer: bauer && { score: bauer.score, range: bauer.range } };
      const { nesms: b } = evaluateBaseline(patient).results;
      const baseline = { nesms: pick(b), modifiedBauer: { score: b.subscores.modifiedBauer.score, range: b.subscores.modifiedBauer.range } };
      if (JSON.stringify(engine) !== JSON.stringify(baseline)) differences.push({ patient, engine, baseline });
    });
    expect(differences.slice(0, SHOW)).toEqual([]);
  });

  it('every score can be recomputed from the trace alone', () => {
    const inconsistent = cohort.flatMap((patient, i) => {
      const evaluation = evaluations[i];
      const problems = evaluation ? traceProblems(evaluation) : ['not evaluated'];
      return problems.length ? [{ id: patient.id, problems }] : [];
    });
    expect(inconsistent.slice(0, SHOW)).toEqual([]);
  });
});

describe('the synthetic cohort', () => {
  const complete = generateCohort(1000, 101, { missingRate: 0 });
  const sparse = generateCohort(1200, 202, { missingRate: 0.2 });

  it('is deterministic for a seed', () => {
    expect(generateCohort(200, 202, { missingRate: 0.2 })).toEqual(sparse.slice(0, 200));
    expect(generateCohort(200, 203, { missingRate: 0.2 })).not.toEqual(sparse.slice(0, 200));
  });

  it('covers every primary tumor, every level and 1 to 4 lesions', () => {
    expect(new Set(complete.map((p) => p.primaryTumor))).toEqual(new Set(PRIMARY_TUMORS));
    expect(new Set(complete.flatMap((p) => (p.lesions ?? []).map((l) => l.level)))).toEqual(new Set(LEVELS));
    expect(new Set(complete.map((p) => p.lesions?.length))).toEqual(new Set([1, 2, 3, 4]));
    expect(complete.every((p) => p.primaryTumor && p.ambulatoryStatus && p.albumin !== undefined && p.visceralMetastases !== undefined)).toBe(true);
  });

  it('has albumin exactly on the threshold, in g/dL and in g/L', () => {
    const albumins = complete.map((p) => p.albumin);
    expect(albumins).toContain(3.5);
    expect(albumins).toContainEqual({ value: 35, unit: 'g/L' });
    expect(albumins.some((a) => typeof a === 'object' && a.unit === 'g/L' && a.value !== 35)).toBe(true);
  });

  it('has solitary and non-solitary patients, with and without an explicit spinalMetastasisCount', () => {
    const solitary = complete.filter((p) => (p.spinalMetastasisCount ?? p.lesions?.length) === 1 && p.extraspinalBoneMetastasisCount === 0);
    expect(solitary.length).toBeGreaterThan(20);
    expect(complete.some((p) => p.spinalMetastasisCount === undefined)).toBe(true);
    expect(complete.some((p) => p.spinalMetastasisCount !== undefined)).toBe(true);
  });

  it('leaves fields out when asked, including whole lesion lists', () => {
    expect(sparse.some((p) => p.lesions === undefined)).toBe(true);
    expect(sparse.some((p) => p.primaryTumor === undefined)).toBe(true);
    expect(sparse.some((p) => p.lesions?.some((l) => l.level === undefined))).toBe(true);
    // the subtle NESMS case: one count missing, the other alone rules out a solitary metastasis
    expect(sparse.some((p) => p.extraspinalBoneMetastasisCount === undefined && (p.spinalMetastasisCount ?? p.lesions?.length ?? 0) >= 2)).toBe(true);
    expect(sparse.some((p) => p.spinalMetastasisCount === undefined && p.lesions === undefined && (p.extraspinalBoneMetastasisCount ?? 0) >= 1)).toBe(true);
  });
});
