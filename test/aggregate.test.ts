import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregate } from '../src/engine/aggregate.js';
import type { FactState } from '../src/engine/fact-state.js';

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
