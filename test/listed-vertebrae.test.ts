import { describe, expect, it } from 'vitest';
import { evaluatePatient } from '../src/engine/evaluate-patient.js';
import type { InputTrace } from '../src/engine/types.js';
import { checkPatient } from '../src/patient/load-patient.js';
import { listedVertebrae } from '../src/patient/listed-vertebrae.js';
import { BUNDLED_RULES_DIR, loadRuleSets } from '../src/ruleset/load-rulesets.js';
import { parseSource } from '../src/source/source-document.js';

describe('listedVertebrae', () => {
  it('counts each level once and a lesion without a level on its own', () => {
    expect(listedVertebrae([{ level: 'T12' }, { level: 'T12' }])).toEqual({ count: 1, repeated: ['T12'] });
    expect(listedVertebrae([{ level: 'T12' }, { level: 'L1' }, {}])).toEqual({ count: 3, repeated: [] });
    expect(listedVertebrae([])).toEqual({ count: 0, repeated: [] });
  });
});

describe('two lesions listed at the same level are one involved vertebra', () => {
  const patient = { id: 'same-level', primaryTumor: 'breast', visceralMetastases: false, extraspinalBoneMetastasisCount: 0, lesions: [{ level: 'T12' }, { level: 'T12' }] };

  it('the defaulted count is 1, and the trace says why', async () => {
    const { rulesets } = await loadRuleSets([BUNDLED_RULES_DIR]);
    const evaluation = await evaluatePatient(patient, rulesets.filter((r) => r.document.id === 'modified-bauer'), { trace: 'full' });
    const count = evaluation.trace.find((t): t is InputTrace => t.kind === 'input' && t.input === 'spinalMetastasisCount');
    expect(count).toMatchObject({ value: 1, source: 'default', takenFrom: ['lesions'] });
    expect(count?.note).toContain('T12 listed more than once');
    // Breast, no visceral metastases, a solitary skeletal metastasis: Leithner 2008, one point each.
    expect(evaluation.results['modified-bauer']?.components?.solitarySkeletal?.points).toBe(1);
  });

  it('a given count of 1 is consistent with them (it was INCONSISTENT_INPUT)', () => {
    const text = JSON.stringify({ ...patient, spinalMetastasisCount: 1 });
    const load = checkPatient(parseSource(text, 'p.json'));
    expect(load.problems).toEqual([]);
    expect(checkPatient(parseSource(JSON.stringify({ ...patient, lesions: [{ level: 'T12' }, { level: 'L1' }], spinalMetastasisCount: 1 }), 'p.json')).problems.map((p) => p.code)).toEqual(['INCONSISTENT_INPUT']);
  });
});
