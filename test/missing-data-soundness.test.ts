/**
 * "Missing data is never zero", as a property over every bundled rule set: the complete patient is one
 * of the patients a record with fields left out could be, so every value the complete patient gets must
 * be among the values the partial record is told it may have. A score's range, a component's range and
 * alternatives, a category, a classification and a recommendation's status are each checked; a missing
 * input counted as its lowest (or any single) option shows up as a complete patient outside the range.
 * Read generically from the output contract, so a new rule set is covered without naming it here.
 * A longer search: SOUNDNESS_RUNS=20000 SOUNDNESS_SEED=<n> npx vitest run test/missing-data-soundness.test.ts
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../bench/cohort.js';
import { widePatients } from '../bench/wide-cohort.js';
import { evaluatePatient } from '../src/engine/evaluate-patient.js';
import { listedVertebrae } from '../src/patient/listed-vertebrae.js';
import type { LoadedRuleSet } from '../src/ruleset/types.js';
import { bundledRuleSets } from './support/bundled.js';

type Json = Record<string, unknown>;

/**
 * Fields never left out, as the rule files give their absence a meaning of its own, so that leaving
 * them out makes a different patient, not a partial one: the id; the number of vertebrae involved
 * unless it is the number the lesions list (`default: {countOf: lesions}`); the clinician's survival estimate
 * (plan's `firstOf` prefers it to revised Tokuhashi's prediction); the patient's radiosensitivity
 * (NOMS's `override` of the histology table; the generated patients pair histologies and
 * radiosensitivities freely).
 */
const KEPT = new Set(['id', 'spinalMetastasisCount', 'estimatedSurvivalMonths', 'radiosensitivity']);

let rulesets: LoadedRuleSet[] = [];
beforeAll(async () => {
  rulesets = await bundledRuleSets();
});

function leaveOut(patient: Json, seed: number, rate: number): Json {
  const next = mulberry32(seed);
  const listed = Array.isArray(patient.lesions) ? listedVertebrae(patient.lesions).most : 0;
  const kept = (key: string, value: unknown): boolean => (KEPT.has(key) && !(key === 'spinalMetastasisCount' && value === listed)) || key === 'lesions';
  const drop = (record: Json): Json => Object.fromEntries(Object.entries(record).filter(([key, value]) => kept(key, value) || next() >= rate));
  const partial = drop(patient);
  if (Array.isArray(patient.lesions)) partial.lesions = (patient.lesions as Json[]).map(drop);
  return partial;
}

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
/** The values an output may have: the one it has, or those it is told are possible. */
const possibleOf = (decided: unknown, possible: unknown): unknown[] => (decided !== null && decided !== undefined ? [decided] : Array.isArray(possible) ? possible : []);
const within = (inner: unknown, outer: unknown): boolean => Array.isArray(inner) && Array.isArray(outer) && Number(inner[0]) >= Number(outer[0]) && Number(inner[1]) <= Number(outer[1]);

/** Every way the complete patient's output `full` falls outside the partial record's `partial`, as paths. */
function escapes(full: Json, partial: Json, path: string): string[] {
  const out: string[] = [];
  const notAmong = (what: string, inner: unknown[], outer: unknown[]): void => {
    const extra = inner.filter((v) => !outer.includes(v));
    if (extra.length > 0) out.push(`${path}.${what}: ${JSON.stringify(extra)} not among ${JSON.stringify(outer)}`);
  };
  if ('range' in full && !within(full.range, partial.range)) out.push(`${path}.range: ${JSON.stringify(full.range)} not within ${JSON.stringify(partial.range)}`);
  if ('possibleCategories' in full) notAmong('category', possibleOf(full.category, full.possibleCategories), possibleOf(partial.category, partial.possibleCategories));
  if ('possible' in full && 'alternative' in full) notAmong('alternative', possibleOf(full.alternative, full.possible), possibleOf(partial.alternative, partial.possible));
  if ('possible' in full && 'value' in full) notAmong('value', possibleOf(full.value, full.possible), possibleOf(partial.value, partial.possible));
  if (Array.isArray(full.recommendations)) {
    const status = (list: unknown, id: unknown): unknown => (list as Json[]).find((r) => r.id === id)?.status ?? 'absent';
    const ids = new Set([...(full.recommendations as Json[]), ...(partial.recommendations as Json[])].map((r) => r.id));
    for (const id of ids) {
      const [f, p] = [status(full.recommendations, id), status(partial.recommendations, id)];
      // A partial record may leave open what the complete patient settles, never settle it otherwise.
      if (p !== 'possible' && p !== f) out.push(`${path}.recommendations.${String(id)}: ${String(f)} for the complete patient, ${String(p)} for the partial record`);
    }
  }
  for (const group of ['components', 'classifications', 'subscores']) {
    const [f, p] = [full[group], partial[group]];
    if (!isRecord(f)) continue;
    for (const [key, value] of Object.entries(f)) {
      const other = isRecord(p) ? p[key] : undefined;
      if (isRecord(value) && isRecord(other)) out.push(...escapes(value, other, `${path}.${group}.${key}`));
      else out.push(`${path}.${group}.${key}: absent for the partial record`);
    }
  }
  return out;
}

function resultEscapes(full: Json, partial: Json): string[] {
  const of = (results: unknown, path: string, other: unknown): string[] => Object.entries(results as Json).flatMap(([id, r]) =>
    isRecord(r) && isRecord((other as Json)[id]) ? escapes(r, (other as Json)[id] as Json, `${path}.${id}`) : [`${path}.${id}: absent for the partial record`]);
  const lesions = (full.lesions as Json[]).flatMap((lesion, i) => of(lesion.results, `lesions[${i}]`, (partial.lesions as Json[])[i]?.results ?? {}));
  return [...of(full.results, 'results', partial.results), ...lesions];
}

describe('missing data is never zero: a complete patient is always among what its partial record allows', () => {
  it('every score, component, category, classification and recommendation of every bundled rule set', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat(), fc.double({ min: 0.05, max: 0.9, noNaN: true }), async (patientSeed, dropSeed, rate) => {
        const [complete] = widePatients(1, patientSeed, 0);
        if (!complete) throw new Error('widePatients gave no patient');
        // Every other patient gives exactly the vertebrae its lesions list, so that the count may be left out.
        if (patientSeed % 2 === 0 && Array.isArray(complete.lesions)) complete.spinalMetastasisCount = listedVertebrae(complete.lesions).most;
        const partial = leaveOut(complete, dropSeed, rate);
        const full = (await evaluatePatient(complete, rulesets, { trace: 'none' })) as unknown as Json;
        const open = (await evaluatePatient(partial, rulesets, { trace: 'none' })) as unknown as Json;
        expect(resultEscapes(full, open), JSON.stringify({ complete, partial })).toEqual([]);
      }),
      { numRuns: Number(process.env.SOUNDNESS_RUNS ?? 500), seed: Number(process.env.SOUNDNESS_SEED ?? 20261207) },
    );
  }, 120_000);

  // A record read in part (a CDS Hooks prefetch of one page of a paged search) lists some of the lesions
  // and no count: what it is told may be must still hold the complete patient, whose lesions it lists first.
  it('a record listing only some of the lesions, as possibly not all (lesionsIncomplete), without the count', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat(), fc.nat(), async (patientSeed, dropSeed, keepSeed) => {
        const [complete] = widePatients(1, patientSeed, 0);
        if (!complete || !Array.isArray(complete.lesions)) throw new Error('widePatients gave no patient with lesions');
        const kept = 1 + (keepSeed % complete.lesions.length);
        const partial: Json = { ...leaveOut(complete, dropSeed, 0.3), lesionsIncomplete: true };
        partial.lesions = (partial.lesions as Json[]).slice(0, kept);
        delete partial.spinalMetastasisCount;
        const full = (await evaluatePatient(complete, rulesets, { trace: 'none' })) as unknown as Json;
        const open = (await evaluatePatient(partial, rulesets, { trace: 'none' })) as unknown as Json;
        full.lesions = (full.lesions as Json[]).slice(0, kept);
        expect(resultEscapes(full, open), JSON.stringify({ complete, partial })).toEqual([]);
      }),
      { numRuns: Number(process.env.SOUNDNESS_RUNS ?? 500) / 5, seed: Number(process.env.SOUNDNESS_SEED ?? 20261207) },
    );
  }, 120_000);

  it('is checked on outputs that have something to compare (the walk reaches every kind of output)', async () => {
    const [complete] = widePatients(1, 11, 0);
    const full = (await evaluatePatient(complete as Json, rulesets, { trace: 'none' })) as unknown as Json;
    const bare = { spinalMetastasisCount: complete?.spinalMetastasisCount, lesions: (complete?.lesions as Json[]).map(() => ({})) };
    const empty = (await evaluatePatient(bare, rulesets, { trace: 'none' })) as unknown as Json;
    // An empty record against a complete patient still compares; a deliberately wrong range is caught.
    const broken = structuredClone(empty);
    ((broken.results as Json).nesms as Json).range = [-1, -1];
    expect(resultEscapes(full, empty)).toEqual([]);
    expect(resultEscapes(full, broken).some((e) => e.startsWith('results.nesms.range'))).toBe(true);
  });
});
