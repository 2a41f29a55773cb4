import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findCaseFiles, loadCaseFile } from '../src/cases/load-cases.js';
import { runCase } from '../src/cases/run-case.js';
import { BUNDLED_RULES_DIR } from '../src/ruleset/load-rulesets.js';
import type { EvaluationWarning } from '../src/engine/types.js';
import type { LoadedRuleSet } from '../src/ruleset/types.js';
import { bundledRuleSets } from './support/bundled.js';
import { positionOf, writeVariant } from './support/mutate.js';

/**
 * Every clinician-readable case file (`*.test.yaml`) beside the bundled rule sets, one vitest test per
 * case. Case files are read synchronously here so that vitest sees every test name at collection time;
 * the rule sets (async) are loaded once in beforeAll.
 */
const caseFiles = findCaseFiles([BUNDLED_RULES_DIR]).map((file) => ({ file, ...loadCaseFile(file) }));

let rulesets: LoadedRuleSet[] = [];

beforeAll(async () => {
  rulesets = await bundledRuleSets();
});

describe('rule-set case files', () => {
  it('finds case files under rules/', () => {
    expect(caseFiles.length).toBeGreaterThan(0);
  });

  for (const { file, problems } of caseFiles) {
    it(`${relative(process.cwd(), file)} loads with no problems`, () => {
      expect(problems).toEqual([]);
    });
  }
});

for (const { file, cases } of caseFiles) {
  describe(relative(process.cwd(), file), () => {
    for (const testCase of cases) {
      it(`${testCase.ruleset}: ${testCase.name}`, async () => {
        const outcome = await runCase(testCase, rulesets);
        expect(outcome.problems).toEqual([]);
      });
    }
  });
}

describe('a case file with problems', () => {
  it('a duplicate key does not hide the schema problems of the rest of the case file, and no case of it runs', () => {
    const { file, text } = writeVariant(
      [
        'ruleset: sins',
        'cases:',
        '  - name: repeated pain',
        '    lesion: { level: T12, pain: severe, pain: none }',
        '    expect: { score: 3 }',
        '  - name: no such level',
        '    lesion: { level: T13 }',
        '    expect: { score: 3 }',
        '  - name: sound',
        '    lesion: { level: L3 }',
        '    expect: { range: [2, 16] }',
      ].join('\n') + '\n',
      [],
      'variant.test.yaml',
    );
    const { cases, problems } = loadCaseFile(file);
    expect(cases).toEqual([]);
    const at = (code: string, p: { line: number; column: number }) => `${code}@${p.line}:${p.column}`;
    expect(problems.map((p) => `${p.code}@${p.line}:${p.column}`).sort()).toEqual(
      [at('DUPLICATE_KEY', positionOf(text, 'pain: none')), at('SCHEMA_ENUM', positionOf(text, 'severe')), at('SCHEMA_ENUM', positionOf(text, 'T13'))].sort(),
    );
  });

  // supersedes and the test output name cases: two cases of one name could not be told apart.
  it('a case name used twice is DUPLICATE_ID at the second name', () => {
    const { file, text } = writeVariant(
      ['ruleset: sins', 'cases:', '  - name: L3 alone', '    lesion: { level: L3 }', '    expect: { range: [2, 16] }', '  - name: L3 alone', '    lesion: { level: L3, pain: none }', '    expect: { range: [2, 13] }'].join('\n') + '\n',
      [],
      'variant.test.yaml',
    );
    const { problems } = loadCaseFile(file);
    const second = positionOf(text, 'L3 alone', 'range: [2, 16]');
    expect(problems.map((p) => [p.code, p.line, p.column])).toEqual([['DUPLICATE_ID', second.line, second.column]]);
  });

  it('a warning a case names that the engine never raises is SCHEMA_ENUM at the item, before any case runs', () => {
    const { file, text } = writeVariant(
      ['ruleset: tomita', 'cases:', '  - name: growth unknown', '    patient: { visceralMetastases: true }', '    expect: { warnings: [UNCONFIRMED_SOURCE(possible)] }'].join('\n') + '\n',
      [],
      'variant.test.yaml',
    );
    const { problems } = loadCaseFile(file);
    const item = positionOf(text, 'UNCONFIRMED_SOURCE(possible)');
    expect(problems.map((p) => [p.code, p.line, p.column])).toEqual([['SCHEMA_ENUM', item.line, item.column]]);
  });

  // A Record over the type's codes does not compile when the engine gains a warning code: the case
  // schema must then learn it too, or no case could state it.
  it('the case schema accepts every warning code the engine raises, and the possible unconfirmed one', () => {
    const codes: Record<EvaluationWarning['code'], true> = {
      COMPONENT_NO_MATCH: true, COMPONENT_MULTIPLE_MATCH: true, TABLE_NO_ENTRY: true, DOMAIN_TOO_LARGE: true, UNCONFIRMED_FRAMEWORK: true, UNCONFIRMED_SOURCE: true,
      THRESHOLD_NOT_FOLLOWED: true, PROFILE_STALE_LABEL: true,
    };
    // JSON.parse gives any: the schema is read at the one path that holds the codes.
    const schema = JSON.parse(readFileSync(new URL('../schemas/cases.schema.json', import.meta.url), 'utf8'));
    const enumerated: string[] = schema.properties.cases.items.properties.expect.properties.warnings.items.enum;
    expect([...enumerated].sort()).toEqual([...Object.keys(codes), 'UNCONFIRMED_SOURCE (possible)'].sort());
  });
});
