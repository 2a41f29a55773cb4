import { beforeAll, describe, expect, it } from 'vitest';
import { generatePipelineCohort } from '../bench/cohort.js';
import { evaluatePatient } from '../src/engine/evaluate-patient.js';
import { TRACE_LEVELS } from '../src/engine/trace-level.js';
import type { Evaluation, RuleTrace } from '../src/engine/types.js';
import { explainEvaluation } from '../src/explain/explain.js';
import { formatEvaluation } from '../src/cli/format-text.js';
import { renderReport } from '../src/report/html-report.js';
import type { LoadedRuleSet } from '../src/ruleset/types.js';
import { bundledRuleSets } from './support/bundled.js';

/**
 * The engine keeps what patients can share: the explorations of missing values (by the values they rest
 * on), each rule's context and the fixed parts of its trace entries (per lesion index), the effect
 * objects. These pin what sharing must never do: let one patient's output change another's, be written
 * to by the engine or by what reads an evaluation, or mix up lesions.
 */
let rulesets: LoadedRuleSet[] = [];
beforeAll(async () => {
  rulesets = await bundledRuleSets();
});

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

describe('what the engine shares across patients', () => {
  it('give a patient the same output before and after a cohort that shares its values', async () => {
    const cohort = generatePipelineCohort(150, 4242, { missingRate: 0.2 });
    for (const level of TRACE_LEVELS) {
      const first = cohort.slice(0, 10);
      const before = await Promise.all(first.map(async (p) => JSON.stringify(await evaluatePatient(p, rulesets, { trace: level }))));
      for (const p of cohort) await evaluatePatient(p, rulesets, { trace: level });
      const after = await Promise.all(first.map(async (p) => JSON.stringify(await evaluatePatient(p, rulesets, { trace: level }))));
      expect(after).toEqual(before);
    }
  }, 120_000);

  it('are never written to by the engine or by what reads an evaluation (explain, text, report)', async () => {
    // Frozen outputs freeze the remembered objects inside them: a write to one now throws (ES modules are strict).
    const cohort = generatePipelineCohort(80, 5353, { missingRate: 0.2 });
    for (const level of TRACE_LEVELS) {
      for (const patient of cohort) {
        const evaluation: Evaluation = deepFreeze(await evaluatePatient(patient, rulesets, { trace: level }));
        explainEvaluation(evaluation, rulesets);
        formatEvaluation(evaluation, rulesets);
        renderReport({ evaluation });
      }
    }
  }, 120_000);

  it('name their own lesion when two lesions have the same values', async () => {
    const lesion = { level: 'T8', pain: 'mechanical', boneLesion: 'lytic', alignment: 'normal', collapse: 'under_50', posterolateral: 'unilateral', bilskyGrade: '1b', myelopathy: false };
    // Two lesions leave collapse out, so an exploration is remembered and used for the second.
    const patient = { id: 'twin-lesions', primaryTumor: 'breast', lesions: [{ ...lesion }, { ...lesion, level: 'T9' }, { ...lesion, level: 'T10', collapse: undefined }, { ...lesion, level: 'T11', collapse: undefined }] };
    for (const level of ['rules', 'full'] as const) {
      for (let round = 0; round < 2; round += 1) {
        const evaluation = await evaluatePatient(patient, rulesets, { trace: level });
        const sinsRules = evaluation.trace.filter((t): t is RuleTrace => t.kind === 'rule' && t.ruleset === 'sins');
        expect(new Set(sinsRules.map((t) => t.lesion))).toEqual(new Set([0, 1, 2, 3]));
        const painOf = (lesionIndex: number): string[] => sinsRules.filter((t) => t.lesion === lesionIndex && t.component === 'pain' && t.fired).map((t) => t.rule);
        expect([0, 1, 2, 3].map(painOf)).toEqual([['pain.mechanical'], ['pain.mechanical'], ['pain.mechanical'], ['pain.mechanical']]);
        for (const w of evaluation.warnings.filter((x) => x.ruleset === 'noms' && 'lesion' in x)) expect([0, 1, 2, 3]).toContain(w.lesion);
        expect(evaluation.missing.filter((m) => m.ruleset === 'sins').map((m) => [m.lesion, m.input])).toEqual([[2, 'collapse'], [3, 'collapse']]);
      }
    }
  }, 60_000);
});
