import { beforeAll, describe, expect, it } from 'vitest';
import { generatePipelineCohort } from '../bench/cohort.js';
import { evaluatePatient } from '../src/engine/evaluate-patient.js';
import { TRACE_LEVELS } from '../src/engine/trace-level.js';
import type { LoadedRuleSet } from '../src/ruleset/types.js';
import { bundledRuleSets } from './support/bundled.js';

let rulesets: LoadedRuleSet[] = [];
beforeAll(async () => {
  rulesets = await bundledRuleSets();
});

describe('explorations of missing values the compiled engine remembers between patients', () => {
  const patients = generatePipelineCohort(30, 4242, { missingRate: 0.3 });
  /** Each patient's output at each level, evaluated in order, every level after the one before. */
  const first = new Map<string, string>();
  beforeAll(async () => {
    for (const level of TRACE_LEVELS) for (const [i, p] of patients.entries()) first.set(`${level}/${i}`, JSON.stringify(await evaluatePatient(p, rulesets, { trace: level })));
  });

  it('a patient evaluated after others gives what an engine that remembers nothing gives', async () => {
    // Explorations are remembered per loaded rule set: freshly loaded ones start with none.
    for (const [i, p] of patients.entries()) {
      const fresh = await bundledRuleSets();
      expect(JSON.stringify(await evaluatePatient(p, fresh, { trace: 'full' }))).toBe(first.get(`full/${i}`));
    }
  });

  it('a patient evaluated again, after others at every level, gives the output of its first evaluation', async () => {
    // Reversed order and levels interleaved, so every exploration now comes from what the others left behind.
    for (const [i, p] of [...patients.entries()].reverse()) {
      for (const level of [...TRACE_LEVELS].reverse()) expect(JSON.stringify(await evaluatePatient(p, rulesets, { trace: level }))).toBe(first.get(`${level}/${i}`));
    }
  });
});
