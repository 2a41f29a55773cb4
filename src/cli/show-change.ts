/** Characters shown each side of the part of a long value that changed. */
const CONTEXT = 24;

/** A value as JSON on one line, cut to `width` characters when longer; `absent` when undefined. */
export function showValue(value: unknown, width: number, absent: string): string {
  const text = JSON.stringify(value) ?? absent;
  return text.length > width ? `${text.slice(0, width - 3)}...` : text;
}

/**
 * `before -> after` on one line. When either side is longer than `width`, what both share at the start and
 * at the end is elided ("...") and the part that differs is kept whole with a little context: cutting both
 * at the same width showed two identical heads whenever the change came late in a label or citation.
 */
export function showChange(before: unknown, after: unknown, width: number, absent: string): string {
  const a = JSON.stringify(before) ?? absent;
  const b = JSON.stringify(after) ?? absent;
  if (a.length <= width && b.length <= width) return `${a} -> ${b}`;
  const shortest = Math.min(a.length, b.length);
  let prefix = 0;
  while (prefix < shortest && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < shortest - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  const start = Math.max(0, prefix - CONTEXT);
  const kept = Math.max(0, suffix - CONTEXT);
  const around = (text: string): string => `${start > 0 ? '...' : ''}${text.slice(start, text.length - kept)}${kept > 0 ? '...' : ''}`;
  return `${around(a)} -> ${around(b)}`;
}
