import type { Aggregate, Scalar } from '../ruleset/types.js';
import type { FactState } from './fact-state.js';

/**
 * Combines one value per lesion into one fact. With some lesions' values missing, the result is the set
 * of values the combination could still take: a "worst grade" is at least the worst known grade, an
 * "any myelopathy" is settled by one lesion with myelopathy.
 *
 * `order` ranks values for max/min (the input's declared order); `representatives` are a missing
 * value's candidates when its state does not narrow them.
 */
export function aggregate(fn: Aggregate, states: readonly FactState[], order: readonly Scalar[], representatives: readonly Scalar[]): FactState {
  if (fn === 'count') return { present: true, value: states.length };
  // An empty list of lesions: none is involved, so "any" is false and "all" vacuously true.
  if (states.length === 0) return fn === 'any' || fn === 'all' ? { present: true, value: fn === 'all' } : { present: false, because: ['lesions'] };
  const because = new Set<string>();
  for (const s of states) if (!s.present) for (const input of s.because) because.add(input);
  const candidates = states.map((s) => (s.present ? [s.value] : (s.domain ?? [...representatives])));
  const possible = possibleResults(fn, candidates, order);
  return possible.length === 1 && possible[0] !== undefined ? { present: true, value: possible[0] } : { present: false, because: [...because], domain: possible };
}

function possibleResults(fn: Exclude<Aggregate, 'count'>, candidates: ReadonlyArray<readonly Scalar[]>, order: readonly Scalar[]): Scalar[] {
  switch (fn) {
    case 'any': {
      const canBeTrue = candidates.some((c) => c.includes(true));
      const canBeFalse = candidates.every((c) => c.includes(false));
      return [...(canBeTrue ? [true] : []), ...(canBeFalse ? [false] : [])];
    }
    case 'all': {
      const canBeTrue = candidates.every((c) => c.includes(true));
      const canBeFalse = candidates.some((c) => c.includes(false));
      return [...(canBeTrue ? [true] : []), ...(canBeFalse ? [false] : [])];
    }
    case 'max':
    case 'min': {
      const rank = (v: Scalar): number => (order.length ? order.indexOf(v) : Number(v));
      const sign = fn === 'max' ? 1 : -1;
      // v can be the extreme if some lesion can take v and every lesion can stay on v's side of it.
      const floor = Math.max(...candidates.map((c) => Math.min(...c.map((v) => sign * rank(v)))));
      const values = [...new Set(candidates.flat())].filter((v) => sign * rank(v) >= floor);
      return values.sort((a, b) => rank(a) - rank(b));
    }
    case 'contiguous': {
      // An unknown level may be any level (a repeat of a known one included, which keeps this sound for
      // vertebrae that are distinct): it can fill one gap in the known run, or stand apart from it.
      const known = new Set<number>();
      let unknown = 0;
      for (const c of candidates) {
        if (c.length === 1) known.add(order.indexOf(c[0] as Scalar));
        else unknown++;
      }
      if (known.size === 0) return unknown <= 1 ? [true] : [true, false];
      const ranks = [...known].sort((a, b) => a - b);
      const first = ranks[0] ?? 0;
      const last = ranks[ranks.length - 1] ?? 0;
      const gaps = last - first + 1 - known.size;
      // Apart from the run means at least one level between: room below or above it.
      const roomApart = first >= 2 || last <= order.length - 3;
      return [...(gaps <= unknown ? [true] : []), ...(gaps > 0 || (unknown > 0 && roomApart) ? [false] : [])];
    }
  }
}
