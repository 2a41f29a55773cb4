import { beforeAll, describe, expect, it } from 'vitest';
import { evaluatePatient } from '../src/engine/evaluate-patient.js';
import { runRules } from '../src/engine/run-rules.js';
import type { RuleTrace, TotalTrace } from '../src/engine/types.js';
import { numericRepresentatives, possibleTotals } from '../src/ruleset/fact-model.js';
import { loadRuleSetFile } from '../src/ruleset/load-ruleset.js';
import type { InputSpec, LoadedRuleSet } from '../src/ruleset/types.js';
import { bundledRuleSets } from './support/bundled.js';
import { read, TOMITA_FILE, writeVariant } from './support/mutate.js';

let rulesets: LoadedRuleSet[];
beforeAll(async () => {
  // These tests pin engine behaviour on SINS and NESMS, whatever else is bundled.
  rulesets = await bundledRuleSets(['sins', 'nesms']);
});

const fullLesion = { level: 'T12', pain: 'mechanical', boneLesion: 'lytic', alignment: 'normal', collapse: 'under_50', posterolateral: 'unilateral' };

describe('missing data is never zero', () => {
  it('a json-rules-engine notEqual/notIn test on an absent fact does not pass (allowUndefinedFacts stays false)', async () => {
    // NESMS "other primary" is `notIn [breast, renal_cell]`: with the fact absent it must stay undecided.
    const evaluation = await evaluatePatient({ visceralMetastases: false }, rulesets);
    const rule = evaluation.trace.find((t): t is RuleTrace => t.kind === 'rule' && t.rule === 'primaryBreastOrKidney.other');
    expect(rule?.fired).toBeNull();
    expect(rule?.possible).toBe(true);
    expect(rule?.conditions[0]).toMatchObject({ fact: 'primaryTumor', factResult: null, result: null });
    expect(evaluation.results.nesms?.subscores?.modifiedBauer?.components.primaryBreastOrKidney).toMatchObject({ status: 'undetermined', points: null, range: [0, 1] });
  });

  it('an absent SINS component widens the total to a range and names the input', async () => {
    const { pain: _pain, ...lesion } = fullLesion;
    const evaluation = await evaluatePatient({ lesions: [lesion] }, rulesets);
    const sins = evaluation.lesions[0]?.results.sins;
    expect(sins).toMatchObject({ score: null, range: [8, 11], category: 'potentially_unstable', missing: ['pain'] });
    expect(evaluation.missing.filter((m) => m.ruleset === 'sins')).toEqual([{ ruleset: 'sins', lesion: 0, input: 'pain', affects: ['pain'] }]);
  });

  it('a missing input that cannot change the answer leaves the component decided', async () => {
    // Two vertebrae involved: not solitary, whatever the extraspinal count.
    const evaluation = await evaluatePatient({ spinalMetastasisCount: 2 }, rulesets);
    const solitary = evaluation.results.nesms?.subscores?.modifiedBauer?.components.solitarySkeletal;
    expect(solitary).toMatchObject({ status: 'determined', points: 0, alternative: 'multiple' });
    expect(evaluation.results.nesms?.subscores?.modifiedBauer?.missing).not.toContain('extraspinalBoneMetastasisCount');
  });

  it('the ceiling can decide a score whose sum is still open', async () => {
    const evaluation = await evaluatePatient(
      { primaryTumor: 'breast', visceralMetastases: false, spinalMetastasisCount: 1, extraspinalBoneMetastasisCount: 0, ambulatoryStatus: 'intact' },
      rulesets,
    );
    expect(evaluation.results.nesms).toMatchObject({ score: 3, range: [3, 3], category: 'nesms_3' });
    expect(evaluation.results.nesms?.components?.albumin).toMatchObject({ status: 'undetermined', range: [0, 1] });
  });
});

describe('an input narrowed by another field', () => {
  it('stays missing, with only the values the contract allows as possible, in the result and in the trace', async () => {
    const tomita = await bundledRuleSets(['tomita']);
    const patient = { primaryTumor: 'lung_nsclc', spinalMetastasisCount: 3, extraspinalBoneMetastasisCount: 2 };
    const narrowed = await evaluatePatient({ ...patient, visceralMetastases: true }, tomita);
    // 4 (rapid) + treatable 2 or untreatable 4 + 2 (multiple): none (0) is not possible with visceral metastases.
    expect(narrowed.results.tomita).toMatchObject({ score: null, range: [8, 10], category: 'supportive_care', missing: ['visceralMetastasesTreatability'] });
    expect(narrowed.results.tomita?.components?.visceral).toMatchObject({ status: 'undetermined', points: null, range: [2, 4], possible: ['treatable', 'untreatable'] });
    expect(narrowed.trace).toContainEqual(expect.objectContaining({ kind: 'input', input: 'visceralMetastasesTreatability', source: 'missing', value: null, possible: ['treatable', 'untreatable'] }));
    const visceral = narrowed.trace.filter((t): t is RuleTrace => t.kind === 'rule' && t.component === 'visceral');
    expect(visceral.map((r) => [r.alternative, r.fired, r.possible])).toEqual([['none', null, false], ['treatable', null, true], ['untreatable', null, true]]);

    // Without visceralMetastases nothing narrows the grade: every grade stays possible.
    const open = await evaluatePatient(patient, tomita);
    expect(open.results.tomita).toMatchObject({ score: null, range: [6, 10], category: null });
    const input = open.trace.find((t) => t.kind === 'input' && t.input === 'visceralMetastasesTreatability');
    expect(input).toMatchObject({ source: 'missing', value: null });
    expect(input).not.toHaveProperty('possible');
  });

  it("may leave a gap: without visceral metastases Katagiri's pattern is none or disseminated, never nodular", async () => {
    const katagiri = await bundledRuleSets(['katagiri-revised']);
    const evaluation = await evaluatePatient({ visceralMetastasesResectability: 'none' }, katagiri);
    expect(evaluation.results['katagiri-revised']?.components?.visceral).toMatchObject({ status: 'undetermined', points: null, range: [0, 2], possible: ['none', 'disseminated'] });
    const visceral = evaluation.trace.filter((t): t is RuleTrace => t.kind === 'rule' && t.ruleset === 'katagiri-revised' && t.component === 'visceral');
    expect(visceral.map((r) => [r.alternative, r.possible])).toEqual([['none', true], ['nodular', false], ['disseminated', true]]);
  });
});

describe('an input implied by other fields', () => {
  it('takes the value a given grade implies, shown as a default with the field it came from', async () => {
    const bauer = await bundledRuleSets(['modified-bauer']);
    const evaluation = await evaluatePatient({ visceralMetastasesResectability: 'unremovable' }, bauer);
    expect(evaluation.results['modified-bauer']?.components?.noVisceral).toMatchObject({ status: 'determined', points: 0, alternative: 'present' });
    const input = evaluation.trace.find((t) => t.kind === 'input' && t.input === 'visceralMetastases');
    expect(input).toMatchObject({ source: 'default', value: true, takenFrom: ['visceralMetastasesResectability'], note: 'visceralMetastasesResectability is unremovable, so true' });
  });

  // Records the patient contract rejects (the grades disagree): the engine must still not pick one of them.
  it('leaves the input missing when the fields that imply it disagree', async () => {
    const bauer = await bundledRuleSets(['modified-bauer']);
    const evaluation = await evaluatePatient({ visceralMetastasesResectability: 'none', visceralMetastasesTreatability: 'treatable' }, bauer);
    expect(evaluation.results['modified-bauer']?.components?.noVisceral).toMatchObject({ status: 'undetermined', points: null, range: [0, 1] });
    expect(evaluation.results['modified-bauer']?.missing).toContain('visceralMetastases');
    expect(evaluation.trace.find((t) => t.kind === 'input' && t.input === 'visceralMetastases')).toMatchObject({ source: 'missing', value: null, takenFrom: ['visceralMetastasesResectability', 'visceralMetastasesTreatability'] });
  });

  it('keeps every value possible when an implication and a narrowing that hold disagree', async () => {
    const tomita = await bundledRuleSets(['tomita']);
    // visceralMetastases false implies none; a removable organ metastasis leaves only treatable or untreatable.
    const evaluation = await evaluatePatient({ visceralMetastases: false, visceralMetastasesResectability: 'removable' }, tomita);
    expect(evaluation.results.tomita?.components?.visceral).toMatchObject({ status: 'undetermined', points: null, range: [0, 4] });
    const input = evaluation.trace.find((t) => t.kind === 'input' && t.input === 'visceralMetastasesTreatability');
    expect(input).toMatchObject({ source: 'missing', value: null });
    expect(input).not.toHaveProperty('possible');
  });

  it('keeps every value possible when the narrowings that hold leave no value', async () => {
    // The loader refuses such a narrowing: the contract allows treatable or untreatable with a removable organ metastasis.
    const edit: [string, string] = ['equals: removable, values: [treatable, untreatable]', 'equals: removable, values: [none]'];
    const refused = await loadRuleSetFile(writeVariant(read(TOMITA_FILE), [edit], 'tomita.yaml').file);
    // Both treatable and untreatable left out (an error), and none kept though the contract forbids it (a warning).
    expect([refused.ruleset, refused.problems.map((p) => `${p.code} ${p.severity}`)]).toEqual([undefined, ['IMPLICATION_NOT_IN_CONTRACT error', 'IMPLICATION_NOT_IN_CONTRACT warning']]);
    // The engine, given one all the same (a copy edited after loading), still guesses nothing.
    const [tomita] = await bundledRuleSets(['tomita']);
    if (!tomita) throw new Error('tomita is bundled');
    const grade = tomita.document.inputs.visceralMetastasesTreatability;
    const possible = (grade?.possible ?? []).map((n) => (n.equals === 'removable' ? { ...n, values: ['none'] } : n));
    const edited = { ...tomita, document: { ...tomita.document, inputs: { ...tomita.document.inputs, visceralMetastasesTreatability: { ...grade, possible } as InputSpec } } };
    const evaluation = await evaluatePatient({ visceralMetastases: true, visceralMetastasesResectability: 'removable' }, [edited]);
    expect(evaluation.results.tomita?.components?.visceral).toMatchObject({ status: 'undetermined', range: [0, 4], possible: ['none', 'treatable', 'untreatable'] });
  });
});

describe('the trace', () => {
  it('lists every rule of every component, fired or not, with the values its conditions saw', async () => {
    const evaluation = await evaluatePatient({ lesions: [fullLesion] }, rulesets);
    const rules = evaluation.trace.filter((t): t is RuleTrace => t.kind === 'rule' && t.ruleset === 'sins');
    expect(rules).toHaveLength(20);
    expect(rules.filter((r) => r.fired).map((r) => r.rule).sort()).toEqual(
      ['alignment.normal', 'boneLesion.lytic', 'collapse.under_50', 'location.junctional', 'pain.mechanical', 'posterolateral.unilateral'].sort(),
    );
    const junctional = rules.find((r) => r.rule === 'location.junctional');
    expect(junctional).toMatchObject({ fired: true, effect: { component: 'location', alternative: 'junctional', points: 3 } });
    expect(junctional?.conditions).toEqual([{ at: '', fact: 'region', operator: 'equal', value: 'junctional', factResult: 'junctional', result: true }]);
    expect(junctional?.reference).toMatch(/Fisher CG/);
    const lookup = evaluation.trace.find((t) => t.kind === 'lookup');
    expect(lookup).toMatchObject({ fact: 'region', table: 'spinalRegion', key: 'T12', value: 'junctional' });
  });

  it('keeps the results of nested all/any nodes (RuleResult.toJSON drops them)', async () => {
    const evaluation = await evaluatePatient({ spinalMetastasisCount: 1, extraspinalBoneMetastasisCount: 0 }, rulesets);
    const solitary = evaluation.trace.find((t): t is RuleTrace => t.kind === 'rule' && t.rule === 'solitarySkeletal.solitary');
    expect(solitary?.conditions).toEqual([
      { at: 'all/0', fact: 'spinalMetastasisCount', operator: 'equal', value: 1, factResult: 1, result: true },
      { at: 'all/1', fact: 'extraspinalBoneMetastasisCount', operator: 'equal', value: 0, factResult: 0, result: true },
    ]);
  });

  it('records unit conversions and defaults with what was given', async () => {
    const evaluation = await evaluatePatient({ albumin: { value: 35, unit: 'g/L' }, lesions: [{ level: 'T4' }] }, rulesets);
    expect(evaluation.trace).toContainEqual(expect.objectContaining({ kind: 'input', input: 'albumin', value: 3.5, source: 'converted', given: { value: 35, unit: 'g/L' } }));
    expect(evaluation.trace).toContainEqual(expect.objectContaining({ kind: 'input', input: 'spinalMetastasisCount', value: 1, source: 'default', takenFrom: ['lesions'] }));
    expect(evaluation.results.nesms?.components?.albumin?.points).toBe(1);
  });

  it('lets each total be recomputed from the fired rules and the total entry', async () => {
    const evaluation = await evaluatePatient({ primaryTumor: 'renal_cell', visceralMetastases: false, spinalMetastasisCount: 1, extraspinalBoneMetastasisCount: 0, albumin: 4, ambulatoryStatus: 'impaired', lesions: [fullLesion] }, rulesets);
    for (const total of evaluation.trace.filter((t): t is TotalTrace => t.kind === 'total')) {
      const points = evaluation.trace
        .filter((t): t is RuleTrace => t.kind === 'rule' && t.fired === true && t.ruleset === total.ruleset && t.score === total.score && t.lesion === total.lesion)
        .reduce((sum, r) => sum + (r.points ?? 0), 0);
      const clamped = Math.min(total.ceiling ?? Infinity, Math.max(total.floor ?? -Infinity, points));
      expect(total.sum).toBe(points);
      expect(total.value).toBe(clamped);
    }
    expect(evaluation.results.nesms?.score).toBe(3); // 2 + 1 + 1 = 4, ceiling 3
  });
});

describe('json-rules-engine pitfalls', () => {
  it('concurrent evaluations do not share an Engine and give the sequential answers (upstream issue #303)', async () => {
    const patients = Array.from({ length: 40 }, (_, i) => ({ id: `p${i}`, lesions: [{ ...fullLesion, pain: ['mechanical', 'occasional', 'none'][i % 3] }] }));
    const sequential = [];
    for (const p of patients) sequential.push(await evaluatePatient(p, rulesets));
    const concurrent = await Promise.all(patients.map((p) => evaluatePatient(p, rulesets)));
    expect(concurrent).toEqual(sequential);
  });

  it('runRules reports every rule, fired or not', async () => {
    const outcomes = await runRules([{ name: 'a', when: { fact: 'x', operator: 'greaterThan', value: 1 } }, { name: 'b', when: { not: { fact: 'x', operator: 'equal', value: 2 } } }], { x: 2 });
    expect(outcomes.get('a')?.fired).toBe(true);
    expect(outcomes.get('b')?.fired).toBe(false);
  });

  it('is deterministic: the same input gives byte-identical output', async () => {
    const patient = { id: 'same', albumin: 3.1, lesions: [fullLesion, { level: 'S3' }] };
    expect(JSON.stringify(await evaluatePatient(patient, rulesets))).toBe(JSON.stringify(await evaluatePatient(patient, rulesets)));
  });
});

describe('domains', () => {
  it('numeric representatives cover each side of every threshold within bounds', () => {
    // NESMS: spinalMetastasisCount = 1 / > 1 (bounded below by 1), extraspinal = 0 / > 0, albumin < 3.5 / >= 3.5.
    expect(numericRepresentatives([{ value: 1, operator: 'equal' }, { value: 1, operator: 'greaterThan' }], true, 1, 33)).toEqual([1, 2]);
    expect(numericRepresentatives([{ value: 0, operator: 'equal' }, { value: 0, operator: 'greaterThan' }], true, 0)).toEqual([0, 1]);
    expect(numericRepresentatives([{ value: 3.5, operator: 'lessThan' }, { value: 3.5, operator: 'greaterThanInclusive' }], false, 0, 10)).toEqual([3.5 - 1e-6, 3.5]);
    expect(numericRepresentatives([{ value: 6, operator: 'lessThanInclusive' }, { value: 13, operator: 'greaterThanInclusive' }], true, 0, 18)).toEqual([6, 7, 12, 13]);
  });

  it('possible totals apply floor and ceiling', () => {
    expect(possibleTotals([[0, 2], [0, 1], [0, 1]], { ceiling: 3 })).toEqual([0, 1, 2, 3]);
    expect(possibleTotals([[3], [1]], {})).toEqual([4]);
  });
});

describe('the content hash identifies the result', () => {
  it('two rule files with the same hash but keys in another order give byte-identical evaluations', async () => {
    const { parse, stringify } = await import('yaml');
    const { writeVariant, read, NESMS_FILE } = await import('./support/mutate.js');
    const { loadRuleSetFile } = await import('../src/ruleset/load-ruleset.js');
    const reordered = parse(read(NESMS_FILE)) as { inputs: Record<string, unknown> };
    reordered.inputs = Object.fromEntries(Object.entries(reordered.inputs).reverse());
    const original = (await loadRuleSetFile(NESMS_FILE)).ruleset;
    const variant = (await loadRuleSetFile(writeVariant(stringify(reordered), []).file)).ruleset;
    expect(variant?.sha256).toBe(original?.sha256);
    const patient = { primaryTumor: 'breast', albumin: 3.2, lesions: [{ level: 'T4' }] };
    const a = await evaluatePatient(patient, [original!]);
    const b = await evaluatePatient(patient, [variant!]);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });
});

// `missing` named every absent input an open part reads: a breast primary was asked for molecular
// targeted therapy (lung only), a lung primary for hormone dependence (breast and prostate only).
describe('missing names only the inputs whose value could change the part', () => {
  let katagiri: LoadedRuleSet[] = [];
  beforeAll(async () => {
    katagiri = await bundledRuleSets(['katagiri-revised']);
  });
  const primaryLesion = async (patient: Record<string, unknown>) => {
    const evaluation = await evaluatePatient(patient, katagiri, { evaluator: 'compiled' });
    const jre = await evaluatePatient(patient, katagiri, { evaluator: 'json-rules-engine' });
    expect(jre.results).toEqual(evaluation.results);
    const component = evaluation.results['katagiri-revised']?.components?.primaryLesion;
    return { points: component?.points, range: component?.range, missing: component?.missing ?? [] };
  };

  it('a breast primary depends on hormone dependence only; a lung primary on targeted therapy only', async () => {
    expect(await primaryLesion({ primaryTumor: 'breast' })).toEqual({ points: null, range: [0, 2], missing: ['hormoneDependent'] });
    expect(await primaryLesion({ primaryTumor: 'lung_nsclc' })).toEqual({ points: null, range: [2, 3], missing: ['molecularTargetedTherapy'] });
  });

  it('a part that every value leaves the same names nothing missing; with the primary unknown, both flags are named', async () => {
    expect(await primaryLesion({ primaryTumor: 'breast', hormoneDependent: true })).toMatchObject({ points: 0, missing: [] });
    expect((await primaryLesion({})).missing).toEqual(expect.arrayContaining(['primaryTumor', 'hormoneDependent', 'molecularTargetedTherapy']));
  });
});

// egfrMutation, accepted by the patient contract for the EGFR profile, was dropped without a word when
// no rule set in use read it: a clinician could take it for considered.
describe('fields given that no rule set in use reads', () => {
  it('are named in `unread` (a lesion field as lesions[].field); fields read, or read through an implication, are not', async () => {
    const rulesets = await bundledRuleSets(['sins']);
    const patient = { id: 'p', egfrMutation: true, primaryTumor: 'breast', lesions: [{ level: 'T4', pain: 'none', bilskyGrade: '2' }, { level: 'T5', bilskyGrade: '1a' }] };
    const evaluation = await evaluatePatient(patient, rulesets);
    // SINS alone reads neither the primary tumour nor the Bilsky grade.
    expect(evaluation.unread).toEqual(['egfrMutation', 'primaryTumor', 'lesions[].bilskyGrade']);
    const all = await evaluatePatient(patient, await bundledRuleSets());
    expect(all.unread).toEqual(['egfrMutation']);
    const none = await evaluatePatient({ id: 'p', lesions: [{ level: 'T4', pain: 'none' }] }, rulesets);
    expect(none).not.toHaveProperty('unread');
    // Without a lesion no per-lesion rule set runs: a field only NOMS reads entered no result.
    expect((await evaluatePatient({ radiosensitivity: 'radiosensitive' }, await bundledRuleSets())).unread).toEqual(['radiosensitivity']);
    expect(await evaluatePatient({ radiosensitivity: 'radiosensitive', lesions: [{ level: 'T4' }] }, await bundledRuleSets())).not.toHaveProperty('unread');
  });
});

// helper-59 (an auditor): a rule's `possible` could not be recomputed from the trace alone, as a missing
// input's entry named no values: the exploration tried values only the rule file told.
describe('a missing input names the values explored for it', () => {
  it('every allowed value of a choice, one on each side of each threshold of a number', async () => {
    const [nesms] = await bundledRuleSets(['nesms']);
    const evaluation = await evaluatePatient({ primaryTumor: 'breast', lesions: [{ level: 'T4' }] }, nesms ? [nesms] : []);
    const entry = (input: string) => evaluation.trace.find((t) => t.kind === 'input' && t.ruleset === 'nesms' && t.input === input);
    expect(entry('ambulatoryStatus')).toMatchObject({ source: 'missing', value: null, explored: ['intact', 'impaired', 'non_ambulatory'] });
    expect(entry('albumin')).toMatchObject({ source: 'missing', value: null, explored: [3.499999, 3.5] });
    expect(entry('primaryTumor')).not.toHaveProperty('explored');
    // At `rules` a missing input's entry is not kept at all.
    const rules = await evaluatePatient({ primaryTumor: 'breast' }, nesms ? [nesms] : [], { trace: 'rules' });
    expect(rules.trace.some((t) => t.kind === 'input' && t.source === 'missing')).toBe(false);
  });
});
