/** The candidate nearest to `word` by edit distance, when near enough to be a plausible typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  // An abbreviation ("eq" for "equal") is a likelier intent than an unrelated short word.
  const prefixed = word.length >= 2 ? candidates.find((c) => c.toLowerCase().startsWith(word.toLowerCase())) : undefined;
  if (prefixed) return prefixed;
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  // The long form of a short key ("minimum" for a band's "min"), too far apart by edits.
  return best ?? candidates.find((c) => c.length >= 3 && word.toLowerCase().startsWith(c.toLowerCase()));
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
