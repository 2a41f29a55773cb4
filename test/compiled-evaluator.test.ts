import { beforeAll, describe, expect, it } from 'vitest';
import { generatePipelineCohort } from '../bench/cohort.js';
import { widePatients } from '../bench/wide-cohort.js';
import { compileRules } from '../src/engine/compiled-rules.js';
import { traceConditions } from '../src/engine/condition-trace.js';
import { evaluatePatient } from '../src/engine/evaluate-patient.js';
import { ruleRunner } from '../src/engine/run-rules.js';
import { TRACE_LEVELS, withTraceLevel } from '../src/engine/trace-level.js';
import type { TraceEntry } from '../src/engine/types.js';
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

const cohort = (n: number, seed: number): Array<Record<string, unknown>> => generatePipelineCohort(n, seed, { missingRate: 0.2 });
/** Half the benchmark cohort, half patients that fill every field a rule set reads, as bench/differential.ts alternates them. */
const mixed = (n: number, seed: number): Array<Record<string, unknown>> => [...cohort(n / 2, seed), ...widePatients(n / 2, seed, 0.2)];

/** The patient or lesion fields a rule set's inputs read (not the outputs of other rule sets). */
function fieldsRead(ruleset: LoadedRuleSet): Array<{ on: 'patient' | 'lesion'; field: string }> {
  const { document } = ruleset;
  return Object.entries(document.inputs).filter(([, input]) => !input.upstream).map(([name, input]) => ({
    on: input.from === 'lesions' || input.from === 'lesion' || (input.from === undefined && document.scope === 'lesion') ? 'lesion' : 'patient',
    field: input.field ?? name,
  }));
}

describe('the compiled evaluator against json-rules-engine (the reference semantics)', () => {
  it('gives identical results and traces for whole evaluations of random patients over every bundled rule set', async () => {
    const patients = mixed(PATIENTS, 7007);
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

  it('is checked on patients that give every field a bundled rule set reads, known and missing', () => {
    const patients = widePatients(PATIENTS / 2, 7007, 0.2);
    const given = (on: 'patient' | 'lesion', field: string): number => patients.filter((p) => on === 'patient'
      ? p[field] !== undefined
      : ((p.lesions as Array<Record<string, unknown>> | undefined) ?? []).some((l) => l[field] !== undefined)).length;
    const unfilled = rulesets.flatMap((r) => fieldsRead(r).filter(({ on, field }) => {
      const count = given(on, field);
      return count === 0 || count === patients.length;
    }).map(({ on, field }) => `${r.document.id}: ${on}.${field}`));
    expect(unfilled).toEqual([]);
  });

  it('builds at each trace level exactly what filtering the full trace to that level gives', async () => {
    const differences: unknown[] = [];
    for (const patient of cohort(PATIENTS / 3, 8118)) {
      const full = await evaluatePatient(patient, rulesets, { trace: 'full' });
      for (const level of TRACE_LEVELS) {
        for (const evaluator of ['compiled', 'json-rules-engine'] as const) {
          const direct = await evaluatePatient(patient, rulesets, { trace: level, evaluator });
          if (JSON.stringify(direct) !== JSON.stringify(withTraceLevel(full, level))) differences.push({ level, evaluator, patient });
        }
      }
    }
    expect(differences.slice(0, 3)).toEqual([]);
    // The levels differ: the sample has unfired rules and input entries that only `full` keeps; `rules`
    // keeps only the inputs taken or narrowed from other fields.
    const sample = await evaluatePatient(cohort(1, 8118)[0] ?? {}, rulesets, { trace: 'rules' });
    expect(sample.trace.length).toBeGreaterThan(0);
    const kept = (t: TraceEntry): boolean => (t.kind === 'rule' ? t.fired === true : t.kind === 'input' ? t.takenFrom !== undefined : ['total', 'band', 'precedence'].includes(t.kind));
    expect(sample.trace.every(kept)).toBe(true);
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

