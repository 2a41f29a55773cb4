import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { widePatients } from '../bench/wide-cohort.js';
import { aggregate } from '../src/engine/aggregate.js';
import { evaluatePatient } from '../src/engine/evaluate-patient.js';
import type { FactState } from '../src/engine/fact-state.js';
import type { InputTrace } from '../src/engine/types.js';
import { renderReport } from '../src/report/html-report.js';
import type { Scalar } from '../src/ruleset/types.js';
import { bundledRuleSets } from './support/bundled.js';

const LEVELS = ['C6', 'C7', 'T1', 'T2', 'T3', 'T4', 'T5'];
const known = (value: string): FactState => ({ present: true, value });
const unknown: FactState = { present: false, because: ['level'] };
const contiguous = (states: FactState[]): FactState => aggregate('contiguous', states, LEVELS, LEVELS);

/** Whether the levels, each once however often listed, form one unbroken run of LEVELS. */
function isRun(levels: readonly string[]): boolean {
  const ranks = [...new Set(levels.map((l) => LEVELS.indexOf(l)))].sort((a, b) => a - b);
  return (ranks.at(-1) ?? 0) - (ranks[0] ?? 0) + 1 === ranks.length;
}

describe('aggregate contiguous', () => {
  it('is decided by the known levels when the unknown ones are too few to fill the gaps between them', () => {
    // C6 and T3 are four levels apart: one unknown level cannot close the run.
    expect(contiguous([known('C6'), known('T3'), unknown])).toEqual({ present: true, value: false });
    expect(contiguous([known('C6'), known('T1'), unknown])).toEqual({ present: false, because: ['level'], domain: [true, false] });
    expect(contiguous([known('T1'), known('T2')])).toEqual({ present: true, value: true });
    expect(contiguous([unknown])).toEqual({ present: true, value: true });
  });

  it('gives exactly the outcomes some choice of the unknown levels gives (every level, repeats included)', () => {
    const state = fc.oneof(fc.constantFrom(...LEVELS).map(known), fc.constant(unknown));
    fc.assert(
      fc.property(fc.array(state, { minLength: 1, maxLength: 5 }), (states) => {
        const given = states.flatMap((s) => (s.present ? [String(s.value)] : []));
        const open = states.length - given.length;
        const outcomes = new Set<boolean>();
        const choose = (chosen: string[]): void => {
          if (chosen.length === open) outcomes.add(isRun([...given, ...chosen]));
          else for (const level of LEVELS) choose([...chosen, level]);
        };
        choose([]);
        const result = contiguous(states);
        const possible = result.present ? [result.value] : result.domain;
        expect(new Set(possible)).toEqual(outcomes);
      }),
    );
  });
});

// The trace gave each lesion's matched boolean and each ranked value but not the region lists or the
// orderings, so an auditor had to open the rule file to check "cervical" or "worst" (helper-39's pass).
describe('an aggregate over lesions can be recomputed from its trace entry alone', () => {
  /** The combination, worked out from the entry's own fields and nothing else; undefined when it does not apply. */
  function recompute(entry: NonNullable<InputTrace['aggregate']>): Scalar | undefined {
    const { function: fn, values, given, matches, order } = entry;
    if (given && matches) expect(values).toEqual(given.map((level) => matches.includes(String(level))));
    const rank = (v: Scalar | null): number => (order as readonly Scalar[]).indexOf(v as Scalar);
    if (fn === 'any') return values.some((v) => v === true);
    if (fn === 'all') return values.every((v) => v === true);
    if (fn === 'max') return [...values].sort((a, b) => rank(a) - rank(b)).at(-1) as Scalar;
    if (fn === 'min') return [...values].sort((a, b) => rank(a) - rank(b))[0] as Scalar;
    if (fn === 'contiguous') {
      const ranks = [...new Set(values.map(rank))].sort((a, b) => a - b);
      return (ranks.at(-1) as number) - (ranks[0] as number) + 1 === ranks.length;
    }
    return undefined;
  }

  it('gives the value the engine read, for every decided combination of every function', async () => {
    const rulesets = await bundledRuleSets(['lmnop']);
    const checked = new Map<string, number>();
    for (const patient of widePatients(300, 4242, 0.1)) {
      const evaluation = await evaluatePatient(patient, rulesets, { trace: 'full' });
      for (const entry of evaluation.trace) {
        if (entry.kind !== 'input' || entry.source !== 'aggregate' || !entry.aggregate || entry.value === null) continue;
        if (entry.aggregate.values.includes(null)) continue;
        const expected = recompute(entry.aggregate);
        if (expected === undefined) continue;
        expect({ input: entry.input, value: entry.value }).toEqual({ input: entry.input, value: expected });
        const kind = `${entry.aggregate.function}${entry.aggregate.matches ? ' matches' : ''}`;
        checked.set(kind, (checked.get(kind) ?? 0) + 1);
      }
    }
    // Every function LMNOP combines by, many times over.
    for (const kind of ['any matches', 'any', 'max', 'contiguous']) expect(checked.get(kind) ?? 0).toBeGreaterThan(50);
  });

  it('the report shows each lesion value beside the list or order it was combined by', async () => {
    const rulesets = await bundledRuleSets(['lmnop']);
    const evaluation = await evaluatePatient({ lesions: [{ level: 'T12' }, { level: 'C5' }] }, rulesets, { trace: 'full' });
    const html = renderReport({ evaluation });
    expect(html).toContain('(any of level in [occiput, C1, C2, C3, C4, C5, C6, C7]: T12 no, C5 yes)');
    expect(html).toContain('(contiguous of level (occiput &lt; C1 &lt; C2');
    expect(html).toContain('(max of sins.category (stable &lt; potentially_unstable &lt; unstable): missing, missing)');
  });
});
