import type { Problem } from '../problems/problem.js';
/**
 * How deep a document nests in [ ] and { } before a reader runs out of stack: no patient, rule set or
 * case file comes near it (a patient nests four levels), so a text that does is a mistake or an attack.
 */
export const MAX_FLOW_NESTING = 100;

/** NESTING_TOO_DEEP where a text first nests beyond MAX_FLOW_NESTING, whichever reader found it. */
export function tooDeep(file: string, position: { line: number; column: number }): Problem {
  return { code: 'NESTING_TOO_DEEP', severity: 'error', message: `nested more than ${MAX_FLOW_NESTING} levels deep in [ ] and { } here; no patient, rule set or case file nests that far (a patient nests four)`, file, ...position };
}

/**
 * The offset of the first bracket that opens a level beyond `limit`, or undefined if the text never nests
 * that far. A quote or a bracket counts only where a value can begin (the start of a line, or after `:`,
 * `,`, `-`, `?`, `[` or `{`): inside a plain YAML value ("Tomita's patient", "a[1]") it is text. Quoted
 * strings (JSON's and YAML's "..." with backslash escapes, YAML's '...' with '' for a quote), YAML
 * comments and YAML block scalars (the lines under `|` or `>` indented beyond its key: text, whatever
 * they start with) are skipped.
 */
export function firstTooDeep(text: string, limit = MAX_FLOW_NESTING): number | undefined {
  let depth = 0;
  // Whether a value may begin here: at the start of a line, or after an indicator.
  let valueStarts = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\n') {
      valueStarts = true;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      continue;
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1] as string))) {
      while (i < text.length && text[i] !== '\n') i++;
      valueStarts = true;
    } else if (!valueStarts) {
      // Plain text goes on until a comma (in a flow collection) or a key's colon: one inside a value
      // ("http://x") is text, one before a space, a bracket or a quote ends a key.
      valueStarts = c === ',' || (c === ':' && /[\s[{"']/.test(text[i + 1] ?? ' '));
      if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
    } else if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      valueStarts = false;
    } else if (c === "'") {
      for (i++; i < text.length; i++) {
        if (text[i] !== "'") continue;
        if (text[i + 1] !== "'") break;
        i++;
      }
      valueStarts = false;
    } else if ((c === '!' || c === '&') && depth === 0) {
      // A tag or an anchor before a value (`!!str |`, `&note |`): the value still begins after it.
      while (i + 1 < text.length && !/\s/.test(text[i + 1] as string)) i++;
    } else if ((c === '|' || c === '>') && depth === 0 && BLOCK_HEADER.test(lineFrom(text, i))) {
      i = blockEnd(text, i);
      valueStarts = true;
    } else if (c === '[' || c === '{') {
      if (++depth > limit) return i;
    } else if (c === ']' || c === '}') {
      depth = Math.max(0, depth - 1);
      valueStarts = false;
    } else {
      valueStarts = INDICATORS.has(c);
    }
  }
  return undefined;
}

/** After these a value may begin (an opening bracket too, handled where it is counted). */
const INDICATORS: ReadonlySet<string> = new Set([':', ',', '-', '?']);

/** A block scalar's header: `|` or `>`, its chomping and indentation indicators, then nothing but a comment. */
const BLOCK_HEADER = /^[|>][-+1-9]{0,2}[ \t]*(#.*)?\r?$/;

function lineFrom(text: string, i: number): string {
  const end = text.indexOf('\n', i);
  return text.slice(i, end < 0 ? text.length : end);
}

/**
 * The offset of the line break ending the block scalar whose header is at `i`: its lines are those after
 * the header that are blank or indented beyond the node it is the value of — the key on the header's
 * line (`- level: |`: the key's column), or the list entry it is (`- |`: the dash's).
 */
function blockEnd(text: string, i: number): number {
  const lineStart = text.lastIndexOf('\n', i) + 1;
  const [, dashes = '', key = ''] = /^((?: *- +)*)( *)/.exec(text.slice(lineStart, i)) ?? [];
  const keyed = text.slice(lineStart + dashes.length + key.length, i).trim() !== '';
  const indent = keyed ? dashes.length + key.length : Math.max(0, dashes.trimEnd().length - 1);
  let end = text.indexOf('\n', i);
  while (end >= 0) {
    const next = lineFrom(text, end + 1);
    const spaces = /^ */.exec(next)?.[0].length ?? 0;
    if (next.trim() !== '' && spaces <= indent) break;
    const after = text.indexOf('\n', end + 1);
    if (after < 0) return text.length;
    end = after;
  }
  return end < 0 ? text.length : end;
}
