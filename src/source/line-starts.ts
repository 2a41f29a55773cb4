/** Offsets where each line of a text starts, for mapping offsets to lines (the text split at \n). */
export function lineStarts(lines: readonly string[]): number[] {
  const starts: number[] = [];
  let offset = 0;
  for (const line of lines) {
    starts.push(offset);
    offset += line.length + 1;
  }
  return starts;
}

/** Index of the line holding `offset` (binary search over line starts). */
export function lineAt(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** The 1-based line and column of an offset in a text (columns in UTF-16 code units, as everywhere). */
export function positionAt(text: string, offset: number): { line: number; column: number } {
  return positionsIn(text)(offset);
}

/**
 * positionAt for many offsets of one text: its lines are found once, on the first call (a document
 * with thousands of problems is placed thousands of times, and one whose problems need no place never).
 */
export function positionsIn(text: string): (offset: number) => { line: number; column: number } {
  let starts: number[] | undefined;
  return (offset) => {
    starts ??= lineStarts(text.split('\n'));
    const line = lineAt(starts, offset);
    return { line: line + 1, column: offset - (starts[line] ?? 0) + 1 };
  };
}
