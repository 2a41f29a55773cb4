import { beforeAll, describe, expect, it } from 'vitest';
import { generateCohort, mulberry32 } from '../bench/cohort.js';
import { compileRules } from '../src/engine/compiled-rules.js';
import { traceConditions } from '../src/engine/condition-trace.js';
import { evaluatePatient } from '../src/engine/evaluate-patient.js';
import { ruleRunner } from '../src/engine/run-rules.js';
import type { LoadedRuleSet } from '../src/ruleset/types.js';
import { validator } from '../src/source/schemas.js';
import { bundledRuleSets } from './support/bundled.js';

/** json-rules-engine on every patient is slow; this seeded sample runs in CI on every run. */
const PATIENTS = 120;
const TIMEOUT = 240_000;

let rulesets: LoadedRuleSet[] = [];
beforeAll(async () => {
  rulesets = await bundledRuleSets();
});

/** The bench cohort plus what NOMS, the prognostic scores and the plan read, each sometimes missing. */
function cohort(n: number, seed: number): Array<Record<string, unknown>> {
  const next = mulberry32(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)] as T;
  const maybe = (p: Record<string, unknown>, key: string, value: unknown): void => {
    if (next() > 0.25) p[key] = value;
  };
  return generateCohort(n, seed, { missingRate: 0.2 }).map((base) => {
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

describe('the compiled evaluator against json-rules-engine (the reference semantics)', () => {
  it('gives identical results and traces for whole evaluations of random patients over every bundled rule set', async () => {
    const patients = cohort(PATIENTS, 7007);
    const validate = validator('patient');
    const differences: unknown[] = [];
    for (const patient of patients) {
      expect(validate(patient), JSON.stringify(validate.errors)).toBe(true);
      const compiled = await evaluatePatient(patient, rulesets, { evaluator: 'compiled' });
      const reference = await evaluatePatient(patient, rulesets, { evaluator: 'json-rules-engine' });
      if (JSON.stringify(compiled) !== JSON.stringify(reference)) differences.push(patient);
    }
    expect(differences.slice(0, 3)).toEqual([]);
  }, TIMEOUT);

  it('agrees with json-rules-engine rule by rule, including the results of nested all/any/not nodes', async () => {
    const when = { any: [{ all: [{ fact: 'x', operator: 'greaterThanInclusive', value: 3 }, { fact: 'y', operator: 'in', value: ['a', 'b'] }] }, { not: { fact: 'y', operator: 'equal', value: 'c' } }] } as const;
    const rules = [{ name: 'r', when: when as never }];
    for (const facts of [{ x: 3, y: 'a' }, { x: 2, y: 'c' }, { x: 5, y: 'c' }, { x: 2.999, y: 'b' }]) {
      const reference = await ruleRunner(rules, 'json-rules-engine')(facts);
      const compiled = await ruleRunner(rules, 'compiled')(facts);
      // What the trace is built from: whether the rule fired and every fact test with its value and result.
      expect(compiled.get('r')?.fired).toBe(reference.get('r')?.fired);
      expect(traceConditions(compiled.get('r')!.conditions)).toEqual(traceConditions(reference.get('r')!.conditions));
    }
  });

  it('leaves what it does not implement (a path, a decorated operator) to json-rules-engine', () => {
    expect(compileRules([{ name: 'p', when: { fact: 'x', operator: 'equal', value: 1, path: '$.a' } }])).toBeUndefined();
    expect(compileRules([{ name: 'd', when: { fact: 'x', operator: 'everyFact:equal', value: 1 } }])).toBeUndefined();
  });
});

