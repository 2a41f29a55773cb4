import { relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findCaseFiles, loadCaseFile } from '../src/cases/load-cases.js';
import { runCase } from '../src/cases/run-case.js';
import { BUNDLED_RULES_DIR } from '../src/ruleset/load-rulesets.js';
import type { LoadedRuleSet } from '../src/ruleset/types.js';
import { bundledRuleSets } from './support/bundled.js';

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
        expect(outcome.error).toBeUndefined();
        expect(outcome.actual).toEqual(outcome.expected);
      });
    }
  });
}
