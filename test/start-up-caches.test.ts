import { describe, expect, it } from 'vitest';
import { checkedRuleSet } from '../src/ruleset/check-cache.js';
import { contentHash } from '../src/ruleset/hash.js';
import { loadRuleSetFile } from '../src/ruleset/load-ruleset.js';
import { createAjv, readSchema, validator } from '../src/source/schemas.js';
import { positionOf, read, SINS_FILE, writeVariant } from './support/mutate.js';

/** `npm test` builds first, so dist/generated holds what the build precomputed. */
describe('what the build precomputes for start-up', () => {
  it('records the bundled rule files it checked, by their exact text', () => {
    const text = read(SINS_FILE);
    const checked = checkedRuleSet(text);
    expect(checked?.document.id).toBe('sins');
    expect(checked?.sha256).toBe(contentHash(checked?.document));
    // One character more is another text: no answer from the build.
    expect(checkedRuleSet(`${text}\n`)).toBeUndefined();
    expect(checkedRuleSet(text.replace('points: 2', 'points: 3'))).toBeUndefined();
  });

  it('never answers for an edited file: the edit is checked in full and its problems reported', async () => {
    const cached = await loadRuleSetFile(SINS_FILE);
    expect(cached.problems).toEqual([]);
    const { file, text } = writeVariant(read(SINS_FILE), [['value: lytic', 'value: lytc']]);
    const edited = await loadRuleSetFile(file);
    expect(edited.ruleset).toBeUndefined();
    expect(edited.problems.map((p) => `${p.code}@${p.line}:${p.column}`)).toEqual([`VALUE_NOT_IN_DOMAIN@${positionOf(text, 'lytc').line}:${positionOf(text, 'lytc').column}`]);
  });

  it('a rule set loaded from the build keeps positions for problems found later', async () => {
    const { ruleset } = await loadRuleSetFile(SINS_FILE);
    const problem = ruleset?.source.problemAt(['version'], 'MISSING_REQUIREMENT', 'example', { key: true });
    expect(problem).toMatchObject({ file: SINS_FILE, ...positionOf(read(SINS_FILE), 'version:') });
    expect(ruleset?.source.locate(['score', 'components', 0])).toEqual(positionOf(read(SINS_FILE), 'id: location', 'components:'));
  });

  it('the precompiled validators give the same verdicts and errors as compiling the schemas', () => {
    const samples: unknown[] = [
      { id: 'p', age: 50, lesions: [{ level: 'T12', pain: 'mechanical' }] },
      { albumin: { value: 35, unit: 'mg/L' }, lesions: [{ level: 'T13', bilskyGrade: 2 }] },
      { karnofsky: 55, ecog: 7, unknownField: true },
      'not an object',
    ];
    const compiled = createAjv().compile(readSchema('patient'));
    const precompiled = validator('patient');
    // The build's module: ajv standalone code, to which the build adds the schema's hash.
    expect((precompiled as unknown as { schemaSha256?: string }).schemaSha256).toMatch(/^[0-9a-f]{64}$/);
    for (const sample of samples) {
      expect(precompiled(sample)).toBe(compiled(sample));
      expect(JSON.stringify(precompiled.errors)).toBe(JSON.stringify(compiled.errors));
    }
  });
});
