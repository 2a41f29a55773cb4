import { beforeAll, describe, expect, it } from 'vitest';
import { evaluatePatient } from '../src/engine/evaluate-patient.js';
import type { ClassificationResult, Evaluation } from '../src/engine/types.js';
import { explainEvaluation } from '../src/explain/explain.js';
import { formatEvaluation } from '../src/cli/format-text.js';
import { buildCard } from '../src/server/cds-card.js';
import { loadCdsConfig } from '../src/server/cds-config.js';
import type { LoadedRuleSet } from '../src/ruleset/types.js';
import { bundledRuleSets } from './support/bundled.js';

// NOMS's esccGrade table has deliberately no row for Bilsky 1c (authors differ). The engine used to
// report the open ESCC class as a missing input `esccClass` and ask for it, though no patient field
// of that name exists (the patient schema rejects it): the team must decide, or a profile add the row.
describe('a table with no row for the value given is not a missing input', () => {
  let rulesets: LoadedRuleSet[];
  let evaluation: Evaluation;
  const patient = {
    id: 'escc-1c',
    primaryTumor: 'renal_cell',
    toleratesSurgery: true,
    lesions: [
      { level: 'T12', pain: 'mechanical', boneLesion: 'lytic', alignment: 'normal', collapse: 'under_50', posterolateral: 'unilateral', bilskyGrade: '1c', myelopathy: false },
      { level: 'L3', pain: 'none', boneLesion: 'blastic', alignment: 'normal', posterolateral: 'none', bilskyGrade: '0', myelopathy: false },
    ],
  };

  beforeAll(async () => {
    rulesets = await bundledRuleSets(['noms', 'lesion-plan']);
    evaluation = await evaluatePatient(patient, rulesets);
  });

  it('marks esccClass, in NOMS and in the plan that reads NOMS, as a lookup gap of noms esccGrade for bilskyGrade 1c', () => {
    const lookup = { ruleset: 'noms', table: 'esccGrade', key: 'bilskyGrade', value: '1c' };
    const escc = evaluation.missing.filter((m) => m.input === 'esccClass');
    expect(escc.map((m) => [m.ruleset, m.lesion, m.lookup])).toEqual([
      ['noms', 0, lookup],
      ['lesion-plan', 0, lookup],
    ]);
    expect(escc[0]?.affects).toEqual(['neurologic', 'decision']);
  });

  // The gap was only in the warning's words, so a result that did not depend on the row (ESCC 1c with
  // myelopathy: high grade either way) could not say that the team decides it.
  it('names the gap in fields on the TABLE_NO_ENTRY warning: fact, table, key and value', () => {
    const gaps = evaluation.warnings.filter((w) => w.code === 'TABLE_NO_ENTRY');
    expect(gaps).toEqual([expect.objectContaining({ ruleset: 'noms', lesion: 0, fact: 'esccClass', table: 'esccGrade', key: 'bilskyGrade', value: '1c' })]);
  });

  it('says that the team decides a gap the value does not depend on (ESCC 1c with myelopathy)', async () => {
    const myelopathy = await evaluatePatient({ ...patient, lesions: [{ ...patient.lesions[0]!, myelopathy: true }] }, rulesets);
    expect(myelopathy.missing.some((m) => m.input === 'esccClass')).toBe(false);
    const neurologic = explainEvaluation(myelopathy, rulesets).find((l) => l.trim().startsWith('Neurologic (ESCC grade and myelopathy):'));
    expect(neurologic).toContain('high_grade (every possibility agrees)');
    expect(neurologic).toContain('the row it rests on depends on esccClass, which the team decides (table esccGrade of noms has no row for bilskyGrade = 1c)');
  });

  it('keeps inputs a user can give as plain missing inputs', () => {
    const collapse = evaluation.missing.find((m) => m.input === 'collapse');
    expect(collapse).toMatchObject({ ruleset: 'sins', lesion: 1 });
    expect(collapse).not.toHaveProperty('lookup');
  });

  it('says in the classification that the team decides, and does not ask for esccClass', () => {
    const neurologic = evaluation.lesions[0]?.results.noms?.classifications?.neurologic as ClassificationResult;
    expect(neurologic.value).toBeNull();
    expect(neurologic.missing).toEqual(['esccClass']);
    expect(neurologic.possible).toEqual(['low_grade', 'high_grade']);
    expect(neurologic.reason).toContain('the team decides esccClass: table esccGrade of noms has no row for bilskyGrade = 1c');
    expect(neurologic.reason).not.toContain('provide');
  });

  it('lists the gap apart from the inputs to provide, in the readable report and the explanation', () => {
    const text = formatEvaluation(evaluation, rulesets);
    const provide = text.slice(text.indexOf('To decide what is still open, provide'), text.indexOf('\n\n', text.indexOf('To decide what is still open, provide')));
    expect(provide).toContain('collapse');
    expect(provide).not.toContain('esccClass');
    expect(text).toContain('esccClass: table esccGrade of noms has no row for bilskyGrade = 1c (lesion 1 noms, lesion 1 lesion-plan)');
    const explained = explainEvaluation(evaluation, rulesets).join('\n');
    expect(explained).not.toMatch(/provide (\w+ or )*esccClass\b/);
    expect(explained).toContain('the team decides esccClass');
  });

  it('asks for the override when a table with an override has no row (radiosensitivity for a breast primary)', async () => {
    const breast = await evaluatePatient({ ...patient, primaryTumor: 'breast' }, rulesets);
    const radiosensitivity = breast.missing.find((m) => m.input === 'radiosensitivity');
    expect(radiosensitivity).toMatchObject({ ruleset: 'noms', lesion: 0 });
    expect(radiosensitivity).not.toHaveProperty('lookup');
  });

  it('the CDS card asks for the inputs it can use and leaves esccClass to the team', () => {
    const { config } = loadCdsConfig();
    if (!config) throw new Error('the bundled CDS config must load');
    const card = buildCard(evaluation, 'decision-1', rulesets, config.card, []);
    const t12 = card.detail.split('\n').find((line) => line.startsWith('- T12:'));
    expect(t12).toContain('for the team to decide: esccClass (table esccGrade of noms has no row for bilskyGrade = 1c)');
    expect(t12).not.toMatch(/provide [^—]*esccClass/);
    // Its one line says who decides what no input would (helper-57: "NOMS undetermined, plan undetermined" and no word why).
    expect(card.summary).toMatch(/^T12: .*; team decides esccClass/);
  });
});

// An auditor could not tell from the trace why a lesion placed among the listed levels was "junctional"
// (the lookup said key null, value null), nor why a row between values ruled out the others (only a note).
describe('a lookup that gives no single value says in the trace what it may give', () => {
  const lesion = { pain: 'none', boneLesion: 'blastic', alignment: 'normal', collapse: 'none', posterolateral: 'none' };
  const lookupOf = (evaluation: Evaluation, ruleset: string, fact: string, lesionIndex?: number) =>
    evaluation.trace.find((t) => t.kind === 'lookup' && t.ruleset === ruleset && t.fact === fact && t.lesion === lesionIndex);

  it('a key narrowed to some values: each row it may look up, and the values the fact may take', async () => {
    const rulesets = await bundledRuleSets(['sins']);
    const patient = { spinalMetastasisCount: 2, lesions: [{ level: 'T12', ...lesion }, { level: 'T5', ...lesion }, lesion] };
    const evaluation = await evaluatePatient(patient, rulesets, { trace: 'full' });
    expect(lookupOf(evaluation, 'sins', 'region', 2)).toMatchObject({ key: null, value: null, possible: ['junctional', 'semi_rigid'], rows: [{ key: 'T12', value: 'junctional' }, { key: 'T5', value: 'semi_rigid' }] });
    expect(evaluation.lesions[2]?.results.sins?.components?.location).toMatchObject({ range: [1, 3], possible: ['junctional', 'semi_rigid'] });
  });

  it('a row between values: those values, beside the note', async () => {
    const rulesets = await bundledRuleSets(['katagiri-revised']);
    const evaluation = await evaluatePatient({ primaryTumor: 'uterine' }, rulesets, { trace: 'full' });
    expect(lookupOf(evaluation, 'katagiri-revised', 'primaryGroup')).toMatchObject({ key: 'uterine', value: null, possible: ['moderate', 'rapid'] });
  });
});
