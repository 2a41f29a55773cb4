import { beforeAll, describe, expect, it } from 'vitest';
import { generatePipelineCohort } from '../bench/cohort.js';
import { evaluatePatient } from '../src/engine/evaluate-patient.js';
import { TRACE_LEVELS } from '../src/engine/trace-level.js';
import { validator } from '../src/source/schemas.js';
import { BUNDLED_RULES_DIR, loadRuleSets } from '../src/ruleset/load-rulesets.js';
import type { LoadedRuleSet } from '../src/ruleset/types.js';
import { bundledRuleSets } from './support/bundled.js';

/**
 * `report` reads evaluations and records back through schemas/evaluation.schema.json, and refuses what
 * does not fit: so every evaluation the engine writes must fit it, or a valid record could not be reported.
 */
let rulesets: LoadedRuleSet[] = [];
beforeAll(async () => {
  rulesets = await bundledRuleSets();
});

const fits = (evaluation: unknown): string[] => {
  const validate = validator('evaluation');
  return validate(evaluation) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
};

describe('the output contract (schemas/evaluation.schema.json)', () => {
  it('fits every evaluation of a cohort with missing data, at every trace level', async () => {
    const cohort = generatePipelineCohort(120, 20261207, { missingRate: 0.3 });
    for (const level of TRACE_LEVELS) {
      for (const patient of cohort) expect(fits(JSON.parse(JSON.stringify(await evaluatePatient(patient, rulesets, { trace: level }))))).toEqual([]);
    }
  });

  it('fits evaluations under a profile, and of a patient with nothing given', async () => {
    const { rulesets: profiled } = await loadRuleSets([BUNDLED_RULES_DIR], { profiles: [new URL('../examples/profiles/sins-unstable-12.profile.yaml', import.meta.url).pathname] });
    const patient = { id: 'p', primaryTumor: 'renal_cell', lesions: [{ level: 'T12', pain: 'mechanical', boneLesion: 'mixed', alignment: 'de_novo_deformity', collapse: 'under_50', posterolateral: 'unilateral' }] };
    const evaluation = JSON.parse(JSON.stringify(await evaluatePatient(patient, profiled, { trace: 'full' }))) as { profiles?: unknown[] };
    expect(evaluation.profiles?.length).toBeGreaterThan(0);
    expect(fits(evaluation)).toEqual([]);
    expect(fits(JSON.parse(JSON.stringify(await evaluatePatient({}, rulesets, { trace: 'full' }))))).toEqual([]);
  });
});
