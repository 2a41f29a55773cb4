import { beforeAll, describe, expect, it } from 'vitest';
import { generatePipelineCohort } from '../bench/cohort.js';
import { evaluatePatient } from '../src/engine/evaluate-patient.js';
import { RememberedByValues } from '../src/engine/remembered.js';
import { TRACE_LEVELS } from '../src/engine/trace-level.js';
import type { RuleTrace } from '../src/engine/types.js';
import type { LoadedRuleSet } from '../src/ruleset/types.js';
import { bundledRuleSets } from './support/bundled.js';

let rulesets: LoadedRuleSet[] = [];
beforeAll(async () => {
  rulesets = await bundledRuleSets();
});

describe('evaluations the compiled engine remembers between patients', () => {
  it('a patient evaluated again, after others at every level, gives the output of its first evaluation', async () => {
    const patients = generatePipelineCohort(30, 4242, { missingRate: 0.3 });
    const first = new Map<string, string>();
    for (const level of TRACE_LEVELS) for (const [i, p] of patients.entries()) first.set(`${level}/${i}`, JSON.stringify(await evaluatePatient(p, rulesets, { trace: level })));
    // Reversed order and levels interleaved, so every answer now comes from what the others left behind.
    for (const [i, p] of [...patients.entries()].reverse()) {
      for (const level of [...TRACE_LEVELS].reverse()) expect(JSON.stringify(await evaluatePatient(p, rulesets, { trace: level }))).toBe(first.get(`${level}/${i}`));
    }
  });

  it('shares frozen trace entries: changing one fails instead of changing other patients\' results', async () => {
    const [a] = generatePipelineCohort(1, 5151, { missingRate: 0 });
    const first = await evaluatePatient({ ...a, id: 'A' }, rulesets, { trace: 'full' });
    const again = await evaluatePatient({ ...a, id: 'B' }, rulesets, { trace: 'full' });
    const rule = first.trace.find((e): e is RuleTrace => e.kind === 'rule' && e.fired === true);
    expect(rule).toBeDefined();
    expect(again.trace).toContain(rule);
    expect(() => {
      (rule as RuleTrace).points = 99;
    }).toThrow(TypeError);
    expect(() => (rule as RuleTrace).conditions.push({ at: '', fact: 'x', operator: 'equal', value: 1, factResult: 1, result: true })).toThrow(TypeError);
  });
});

describe('RememberedByValues', () => {
  const owner = {};
  it('tells apart values that print the same (1 and "1", missing and null) and slots', () => {
    const memo = new RememberedByValues<string>(100);
    memo.set(owner, 0, ['x'], { x: 1 }, 'number');
    memo.set(owner, 0, ['x'], { x: '1' }, 'string');
    memo.set(owner, 0, ['x'], { x: undefined }, 'missing');
    memo.set(owner, 1, ['x'], { x: 1 }, 'other slot');
    expect(memo.get(owner, 0, ['x'], { x: 1 })).toBe('number');
    expect(memo.get(owner, 0, ['x'], { x: '1' })).toBe('string');
    expect(memo.get(owner, 0, ['x'], {})).toBe('missing');
    expect(memo.get(owner, 0, ['x'], { x: null })).toBeUndefined();
    expect(memo.get(owner, 1, ['x'], { x: 1 })).toBe('other slot');
    expect(memo.get({}, 0, ['x'], { x: 1 })).toBeUndefined();
  });

  it('keys by every fact in order, and remembers an owner that reads no facts', () => {
    const memo = new RememberedByValues<string>(100);
    memo.set(owner, 0, ['x', 'y'], { x: 'a', y: 'b' }, 'ab');
    expect(memo.get(owner, 0, ['x', 'y'], { x: 'a', y: 'b' })).toBe('ab');
    expect(memo.get(owner, 0, ['x', 'y'], { x: 'a', y: 'c' })).toBeUndefined();
    expect(memo.get(owner, 2, [], {})).toBeUndefined();
    memo.set(owner, 2, [], {}, 'constant');
    expect(memo.get(owner, 2, [], {})).toBe('constant');
  });

  it('keeps at most its limit over all owners, then starts again (memory stays flat over a cohort)', () => {
    const memo = new RememberedByValues<number>(3);
    const owners = [{}, {}, {}, {}];
    owners.forEach((o, i) => memo.set(o, 0, ['x'], { x: i }, i));
    expect(memo.get(owners[0] as object, 0, ['x'], { x: 0 })).toBeUndefined();
    expect(memo.get(owners[3] as object, 0, ['x'], { x: 3 })).toBe(3);
  });
});
