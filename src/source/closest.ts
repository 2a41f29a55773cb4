/**
 * The candidate nearest to `word` by edit distance, when near enough to be a plausible typo. `field`: the
 * name of the field `word` is a value of, which the value may repeat (`collapse: collapse_over_50`).
 */
export function closest(word: string, candidates: readonly string[], field?: string): string | undefined {
  // An abbreviation ("eq" for "equal") is a likelier intent than an unrelated short word.
  const prefixed = word.length >= 2 ? candidates.find((c) => c.toLowerCase().startsWith(word.toLowerCase())) : undefined;
  if (prefixed) return prefixed;
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance || (d === bestDistance && best !== undefined && likelier(word, candidate, best))) {
      best = candidate;
      bestDistance = d;
    }
  }
  // The long form of a short key ("minimum" for a band's "min"), too far apart by edits.
  return best ?? mostWordsShared(word, candidates, field) ?? candidates.find((c) => c.length >= 3 && word.toLowerCase().startsWith(c.toLowerCase()));
}

/**
 * The candidate that has every word of a value made of several (`none_with_involvement`:
 * `none_over_50_involved`, not `none`, which has only its first), leaving out words that carry no
 * meaning of their own (`with`, `at`); of several, the one with the fewest words besides. Words match
 * whole, or by a common start of five letters ("involvement", "involved"). A word the candidate lacks
 * is another meaning: `surgeryAtLevel` is not `priorRadiotherapyAtLevel`, `chestTubePlanned` not
 * `chestWallResectionPlanned`, and `not_over_50` not `over_50`. The words of the field's own name say
 * where the value goes, not which one it is: `collapse_over_50` is `over_50`, though no value says collapse.
 */
function mostWordsShared(word: string, candidates: readonly string[], field: string | undefined): string | undefined {
  const ours = words(word).filter((w) => !FUNCTION_WORDS.has(w));
  if (ours.length < 2) return undefined;
  const named = new Set(field === undefined ? [] : words(field));
  const meant = ours.filter((w) => !named.has(w));
  if (!meant.length) return undefined;
  let best: { candidate: string; extra: number } | undefined;
  for (const candidate of candidates) {
    const theirs = words(candidate);
    if (!meant.every((w) => theirs.some((t) => t === w || sharedStart(t, w) >= 5))) continue;
    const extra = theirs.length - meant.length;
    if (!best || extra < best.extra) best = { candidate, extra };
  }
  return best?.candidate;
}

/** Words that join others and mean nothing alone; a negation is not one of them (it turns the meaning). */
const FUNCTION_WORDS: ReadonlySet<string> = new Set(['a', 'an', 'the', 'at', 'of', 'in', 'on', 'with', 'by', 'for', 'to', 'and', 'or']);

/** A value's words: `none_over_50_involved`, `noneOver50` and `none-over` split where they join. */
function words(value: string): string[] {
  return value.replace(/([a-z])([A-Z0-9])/g, '$1_$2').toLowerCase().split(/[_\-\s]+/).filter(Boolean);
}

/**
 * Of two candidates as near by edits, whether `a` is the likelier slip than `b`: the one as long as the
 * word, then the one sharing more of its start, then the nearer number after it (T13: T12, not T1 or
 * T10; L6: L5, not C6).
 */
function likelier(word: string, a: string, b: string): boolean {
  const keys = (c: string): number[] => [c.length === word.length ? 0 : 1, -sharedStart(word, c), numberGap(word, c)];
  const [ka, kb] = [keys(a), keys(b)];
  const i = ka.findIndex((k, j) => k !== kb[j]);
  return i !== -1 && (ka[i] ?? 0) < (kb[i] ?? 0);
}

function sharedStart(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n]?.toLowerCase() === b[n]?.toLowerCase()) n++;
  return n;
}

/** How far apart the numbers ending two words are (Infinity when either has none). */
function numberGap(a: string, b: string): number {
  const [na, nb] = [/\d+$/.exec(a)?.[0], /\d+$/.exec(b)?.[0]];
  return na === undefined || nb === undefined ? Infinity : Math.abs(Number(na) - Number(nb));
}

/** Edits to turn `a` into `b`; two neighbouring letters swapped ("ayn" for "any") count as one. */
function editDistance(a: string, b: string): number {
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) current[j] = Math.min(current[j] ?? 0, (beforePrevious[j - 2] ?? 0) + 1);
    }
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length] ?? 0;
}
