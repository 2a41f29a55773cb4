import { beforeAll, describe, expect, it } from 'vitest';
import { expectationDifferences, type CaseOutputs } from '../src/cases/expectation-differences.js';
import { loadCaseFile } from '../src/cases/load-cases.js';
import { runCase } from '../src/cases/run-case.js';
import type { LoadedRuleSet } from '../src/ruleset/types.js';
import { bundledRuleSets } from './support/bundled.js';
import { positionOf, writeVariant } from './support/mutate.js';

/** What a rule set with a score, no classifications and no recommendations gives, before a test's changes. */
const outputs = (given: Partial<CaseOutputs> = {}): CaseOutputs => ({
  score: 7, range: [7, 7], category: 'potentially_unstable', possibleCategories: [],
  components: { location: 1, pain: 1 }, subscores: {}, classifications: {},
  missing: [], fired: ['location.semi_rigid', 'pain.occasional'], warnings: [], overrides: [],
  ...given,
});
const shape = (expect: Parameters<typeof expectationDifferences>[0], actual: CaseOutputs) =>
  expectationDifferences(expect, actual).map(({ code, path, key, expected, actual: got }) => ({ code, path, key, expected, actual: got }));

describe('expectationDifferences', () => {
  it('compares only what the case states, and finds nothing when it all holds, whatever the list order', () => {
    expect(expectationDifferences({ score: 7, components: { pain: 1 }, fired: ['pain.occasional', 'location.semi_rigid'] }, outputs())).toEqual([]);
    expect(expectationDifferences({ possibleCategories: [], missing: [] }, outputs())).toEqual([]);
  });

  it('CASE_MISMATCH at the value, with the expected and the actual value', () => {
    expect(shape({ score: 8, range: [7, 8], category: 'unstable' }, outputs())).toEqual([
      { code: 'CASE_MISMATCH', path: ['score'], key: false, expected: 8, actual: 7 },
      { code: 'CASE_MISMATCH', path: ['range'], key: false, expected: [7, 8], actual: [7, 7] },
      { code: 'CASE_MISMATCH', path: ['category'], key: false, expected: 'unstable', actual: 'potentially_unstable' },
    ]);
    expect(shape({ components: { pain: 3 } }, outputs())).toEqual([{ code: 'CASE_MISMATCH', path: ['components', 'pain'], key: false, expected: 3, actual: 1 }]);
  });

  // null is "undetermined": it matches an undetermined output and never one the rule set does not have.
  it('CASE_MISMATCH for a null expected of a determined output; null matches an undetermined one', () => {
    expect(shape({ score: null }, outputs())).toEqual([{ code: 'CASE_MISMATCH', path: ['score'], key: false, expected: null, actual: 7 }]);
    expect(shape({ score: null, category: null, components: { pain: null } }, outputs({ score: null, category: null, components: { pain: null } }))).toEqual([]);
  });

  it('CASE_UNKNOWN_OUTPUT at the key, for a misspelt component and for an output the rule set does not produce', () => {
    expect(shape({ components: { locaton: 1 } }, outputs())).toEqual([{ code: 'CASE_UNKNOWN_OUTPUT', path: ['components', 'locaton'], key: true, expected: undefined, actual: undefined }]);
    const decisionOnly = outputs({ score: undefined, range: undefined, category: undefined, possibleCategories: undefined });
    expect(shape({ score: null, category: null, possibleCategories: [], recommendations: [], classifications: { decision: null } }, decisionOnly).map((d) => [d.code, d.path])).toEqual([
      ['CASE_UNKNOWN_OUTPUT', ['score']],
      ['CASE_UNKNOWN_OUTPUT', ['category']],
      ['CASE_UNKNOWN_OUTPUT', ['possibleCategories']],
      ['CASE_UNKNOWN_OUTPUT', ['recommendations']],
      ['CASE_UNKNOWN_OUTPUT', ['classifications', 'decision']],
    ]);
  });

  it('CASE_MISSING_ITEM at the item stated and absent; CASE_UNEXPECTED_ITEM at the list for the item present and not stated', () => {
    expect(shape({ fired: ['location.semi_rigid', 'pain.none'] }, outputs())).toEqual([
      { code: 'CASE_MISSING_ITEM', path: ['fired', 1], key: false, expected: 'pain.none', actual: undefined },
      { code: 'CASE_UNEXPECTED_ITEM', path: ['fired'], key: true, expected: undefined, actual: 'pain.occasional' },
    ]);
    expect(shape({ recommendations: ['srs'] }, outputs({ recommendations: ['cebrt'] })).map((d) => [d.code, d.path, d.expected ?? d.actual])).toEqual([
      ['CASE_MISSING_ITEM', ['recommendations', 0], 'srs'],
      ['CASE_UNEXPECTED_ITEM', ['recommendations'], 'cebrt'],
    ]);
  });

  // A rule listed twice passed as a set would, when most likely another rule was meant.
  it('CASE_REPEATED_ITEM at the second mention of an item a case lists twice', () => {
    expect(shape({ fired: ['pain.occasional', 'location.semi_rigid', 'pain.occasional'] }, outputs())).toEqual([
      { code: 'CASE_REPEATED_ITEM', path: ['fired', 2], key: false, expected: 'pain.occasional', actual: undefined },
    ]);
  });

  it('a warning code given twice is one warning, as a stated list is a set', () => {
    expect(expectationDifferences({ warnings: ['UNCONFIRMED_SOURCE'] }, outputs({ warnings: ['UNCONFIRMED_SOURCE', 'UNCONFIRMED_SOURCE'] }))).toEqual([]);
  });
});

describe('a failing case is problems at the expectations in its file', () => {
  let rulesets: LoadedRuleSet[] = [];
  beforeAll(async () => {
    rulesets = await bundledRuleSets(['sins', 'tomita']);
  });

  const CASE = [
    'ruleset: sins',
    'cases:',
    '  - name: T8 lytic',
    '    lesion: { level: T8, pain: occasional, boneLesion: lytic, alignment: normal, collapse: under_50, posterolateral: unilateral }',
    '    expect:',
    '      score: 8',
    '      components: { location: 1, pian: 1 }',
    '      recommendations: []',
    '      fired: [location.semi_rigid, pain.none, boneLesion.lytic, alignment.normal, collapse.under_50, posterolateral.unilateral]',
    '  - name: the second lesion of a patient with one',
    '    lesionIndex: 1',
    '    lesion: { level: L3 }',
    '    expect: { range: [2, 16] }',
  ].join('\n') + '\n';

  it('CASE_MISMATCH, CASE_UNKNOWN_OUTPUT, CASE_MISSING_ITEM and CASE_UNEXPECTED_ITEM each at its line and column', async () => {
    const { file, text } = writeVariant(CASE, [], 'sins.test.yaml');
    const { cases, problems } = loadCaseFile(file);
    expect(problems).toEqual([]);
    const outcome = await runCase(cases[0]!, rulesets);
    expect(outcome.passed).toBe(false);
    const at = (code: string, p: { line: number; column: number }, path: string) => ({ code, file, line: p.line, column: p.column, path });
    expect(outcome.problems.map(({ code, file: f, line, column, path }) => ({ code, file: f, line, column, path }))).toEqual([
      at('CASE_MISMATCH', positionOf(text, '8', 'score: '), '/cases/0/expect/score'),
      at('CASE_UNKNOWN_OUTPUT', positionOf(text, 'pian'), '/cases/0/expect/components/pian'),
      at('CASE_UNKNOWN_OUTPUT', positionOf(text, 'recommendations'), '/cases/0/expect/recommendations'),
      at('CASE_MISSING_ITEM', positionOf(text, 'pain.none'), '/cases/0/expect/fired/1'),
      at('CASE_UNEXPECTED_ITEM', positionOf(text, 'fired:'), '/cases/0/expect/fired'),
    ]);
  });

  // The status of an unconfirmed warning was stated only in comments: a case that said UNCONFIRMED_SOURCE
  // passed when the result only may rest on the element, and NOMS's ESCC 1c case stated it so.
  it('UNCONFIRMED_SOURCE (possible) is told apart from UNCONFIRMED_SOURCE: the one not stated is a difference', async () => {
    const tomita = (warnings: string) => [
      'ruleset: tomita',
      'cases:',
      '  - name: primary tumour not recorded',
      '    patient: { visceralMetastases: true, visceralMetastasesTreatability: untreatable, spinalMetastasisCount: 1, extraspinalBoneMetastasisCount: 0 }',
      `    expect: { warnings: [${warnings}] }`,
    ].join('\n') + '\n';
    const run = async (text: string) => (await runCase(loadCaseFile(writeVariant(text, [], 'tomita.test.yaml').file).cases[0]!, rulesets)).problems;
    expect(await run(tomita('UNCONFIRMED_SOURCE (possible)'))).toEqual([]);
    const text = tomita('UNCONFIRMED_SOURCE');
    const problems = await run(text);
    expect(problems.map((q) => [q.code, q.line, q.column])).toEqual([
      ['CASE_MISSING_ITEM', positionOf(text, 'UNCONFIRMED_SOURCE').line, positionOf(text, 'UNCONFIRMED_SOURCE').column],
      ['CASE_UNEXPECTED_ITEM', positionOf(text, 'warnings').line, positionOf(text, 'warnings').column],
    ]);
    expect(problems[1]?.message).toContain('"UNCONFIRMED_SOURCE (possible)"');
  });

  it('CASE_NO_LESION at the lesionIndex of a case whose patient has no such lesion', async () => {
    const { file, text } = writeVariant(CASE, [], 'sins.test.yaml');
    const outcome = await runCase(loadCaseFile(file).cases[1]!, rulesets);
    const p = positionOf(text, '1', 'lesionIndex: ');
    expect(outcome.problems.map((q) => [q.code, q.line, q.column])).toEqual([['CASE_NO_LESION', p.line, p.column]]);
  });

  it('CASE_UNKNOWN_RULESET at the ruleset: of the file', async () => {
    const { file, text } = writeVariant(CASE, [['ruleset: sins', 'ruleset: sinz']], 'sins.test.yaml');
    const outcome = await runCase(loadCaseFile(file).cases[0]!, rulesets);
    const p = positionOf(text, 'sinz');
    expect(outcome.problems.map((q) => [q.code, q.line, q.column])).toEqual([['CASE_UNKNOWN_RULESET', p.line, p.column]]);
  });
});
