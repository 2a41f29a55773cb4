import { beforeAll, describe, expect, it } from 'vitest';
import { generatePipelineCohort } from '../bench/cohort.js';
import { evaluatePatient } from '../src/engine/evaluate-patient.js';
import { ExplorationMemo, explorationKey } from '../src/engine/exploration-memo.js';
import { TRACE_LEVELS } from '../src/engine/trace-level.js';
import type { Part } from '../src/ruleset/parts.js';
import type { LoadedRuleSet, Scalar } from '../src/ruleset/types.js';
import { bundledRuleSets } from './support/bundled.js';

let rulesets: LoadedRuleSet[] = [];
beforeAll(async () => {
  rulesets = await bundledRuleSets();
});

describe('explorations of missing values the compiled engine remembers between patients', () => {
  const patients = generatePipelineCohort(30, 4242, { missingRate: 0.3 });
  /** Each patient's output at each level, evaluated in order, every level after the one before. */
  const first = new Map<string, string>();
  beforeAll(async () => {
    for (const level of TRACE_LEVELS) for (const [i, p] of patients.entries()) first.set(`${level}/${i}`, JSON.stringify(await evaluatePatient(p, rulesets, { trace: level })));
  });

  it('a patient evaluated after others gives what an engine that remembers nothing gives', async () => {
    // Explorations are remembered per loaded rule set: freshly loaded ones start with none.
    for (const [i, p] of patients.entries()) {
      const fresh = await bundledRuleSets();
      expect(JSON.stringify(await evaluatePatient(p, fresh, { trace: 'full' }))).toBe(first.get(`full/${i}`));
    }
  });

  it('a patient evaluated again, after others at every level, gives the output of its first evaluation', async () => {
    // Reversed order and levels interleaved, so every exploration now comes from what the others left behind.
    for (const [i, p] of [...patients.entries()].reverse()) {
      for (const level of [...TRACE_LEVELS].reverse()) expect(JSON.stringify(await evaluatePatient(p, rulesets, { trace: level }))).toBe(first.get(`${level}/${i}`));
    }
  });
});

describe('the memo of explorations', () => {
  const part = { id: 'mechanical', facts: ['sinsScore', 'collapse'] } as unknown as Part;
  const twin = { id: 'mechanical', facts: ['sinsScore', 'collapse'] } as unknown as Part;
  const representatives: Scalar[] = ['under_50', 'over_50', 'none'];
  const facts = new Map([['collapse', { representatives }]]);
  const key = (known: Record<string, Scalar>, candidates: readonly Scalar[] = representatives, parts = [part]) =>
    explorationKey(parts, known, (visit) => visit('collapse', candidates), facts);

  it('finds an exploration only under every item of its key', () => {
    const memo = new ExplorationMemo<string>(10);
    memo.set(key({ sinsScore: 9 }), 'nine');
    expect(memo.get(key({ sinsScore: 9 }))).toBe('nine');
    expect(memo.get(key({ sinsScore: 10 }))).toBeUndefined();
    expect(memo.get(key({ sinsScore: '9' }))).toBeUndefined();
    expect(memo.get(key({ sinsScore: 9, collapse: 'none' }))).toBeUndefined();
    // The same values as the rule set's list, but a patient's own narrower list: compared by value.
    expect(memo.get(key({ sinsScore: 9 }, [...representatives]))).toBeUndefined();
    memo.set(key({ sinsScore: 9 }, ['none']), 'nine, no collapse');
    expect(memo.get(key({ sinsScore: 9 }, ['none']))).toBe('nine, no collapse');
    // A part of another rule set's score with the same id is another part.
    expect(memo.get(key({ sinsScore: 9 }, representatives, [twin]))).toBeUndefined();
  });

  it('tells apart two keys of one hash by their items', () => {
    const memo = new ExplorationMemo<string>(10);
    const a = key({ sinsScore: 7 });
    const b = { ...key({ sinsScore: 8 }), hash: a.hash };
    memo.set(a, 'seven');
    memo.set(b, 'eight');
    expect([memo.get(a), memo.get(b)]).toEqual(['seven', 'eight']);
  });

  it('forgets everything once full, then remembers again', () => {
    const memo = new ExplorationMemo<number>(3);
    for (const n of [1, 2, 3]) memo.set(key({ sinsScore: n }), n);
    expect(memo.get(key({ sinsScore: 1 }))).toBe(1);
    memo.set(key({ sinsScore: 4 }), 4);
    expect([1, 2, 3].map((n) => memo.get(key({ sinsScore: n })))).toEqual([undefined, undefined, undefined]);
    expect(memo.get(key({ sinsScore: 4 }))).toBe(4);
  });
});
