import { parse as parseJsonc } from 'jsonc-parser';
import type { Problem } from '../problems/problem.js';
import { FORBIDDEN_KEYS } from './source-document.js';
import { firstTooDeep, tooDeep } from './flow-nesting.js';
import { positionAt } from './line-starts.js';

/**
 * Strict JSON, for inputs that promise JSON (an NDJSON line, an HTTP body): the YAML reader that
 * positions every value would also accept a stray word as a string. The problem is placed at the
 * line and column JSON.parse names.
 */
export function jsonSyntaxProblem(text: string, file: string): Problem | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (err) {
    // V8's message quotes the whole text for some errors ("Unexpected token '}', "{...}" is not valid JSON"): not that part.
    const message = `not valid JSON: ${(err as Error).message.replace(/, (\.\.\.)?".*$/s, '').split('\n')[0]}`;
    // V8 names no position for those; jsonc-parser (VS Code's JSON reader) does, where the YAML reader,
    // JSON's superset, may find nothing wrong (`"ecog": }` is YAML's null).
    const named = /position (\d+)/.exec((err as Error).message)?.[1];
    // jsonc-parser reads nested values by recursion: a text nesting thousands deep (`[[[[…`, unclosed)
    // would take it past the stack. Such a text is told where it first nests too deep, as YAML's is.
    const deep = named === undefined ? firstTooDeep(text) : undefined;
    if (deep !== undefined) return tooDeep(file, positionAt(text, deep));
    return { code: 'JSON_SYNTAX', severity: 'error', message, file, ...positionAt(text, Number(named ?? firstErrorOffset(text))) };
  }
}

/**
 * The value of a JSON text when JSON.parse's reading of it is the positioned reader's, else undefined:
 * the text must parse, repeat no key within an object (JSON.parse keeps the last value silently, where
 * the positioned reader reports DUPLICATE_KEY) and use no key the positioned reader forbids
 * (FORBIDDEN_KEY). Valid inputs (a cohort's lines, a CDS Hooks prefetch) can then skip the positioned
 * reader, the slow part of reading them, and still never lose one of its problems.
 */
export function plainJson(json: string): unknown {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return undefined;
  }
  return hasKeyProblem(json) ? undefined : data;
}

/** Whether a text JSON.parse accepted repeats a key within one object or uses a forbidden one; a linear scan. */
export function hasKeyProblem(json: string): boolean {
  // One set of keys per open object; null for an open array.
  const open: Array<Set<string> | null> = [];
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === OPEN_BRACE) open.push(new Set());
    else if (c === OPEN_BRACKET) open.push(null);
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) open.pop();
    else if (c === QUOTE) {
      const start = i;
      let escaped = false;
      for (i++; json.charCodeAt(i) !== QUOTE; i++) if (json.charCodeAt(i) === BACKSLASH) (escaped = true), i++;
      let next = i + 1;
      while (next < json.length && WHITESPACE.has(json.charCodeAt(next))) next++;
      const keys = open[open.length - 1];
      if (json.charCodeAt(next) !== COLON || !keys) continue;
      // Escaped keys are written the canonical way, so that "a" and "\u0061" count as the same key.
      const raw = json.slice(start, i + 1);
      const key = escaped ? JSON.stringify(JSON.parse(raw)) : raw;
      if (keys.has(key) || FORBIDDEN_JSON_KEYS.has(key)) return true;
      keys.add(key);
    }
  }
  return false;
}
const [OPEN_BRACE, CLOSE_BRACE, OPEN_BRACKET, CLOSE_BRACKET, QUOTE, BACKSLASH, COLON] = [...'{}[]"\\:'].map((ch) => ch.charCodeAt(0) as number);
const FORBIDDEN_JSON_KEYS = new Set([...FORBIDDEN_KEYS].map((key) => JSON.stringify(key)));
const WHITESPACE = new Set([...' \t\n\r'].map((ch) => ch.charCodeAt(0)));

function firstErrorOffset(text: string): number {
  const errors: Array<{ offset: number }> = [];
  parseJsonc(text, errors as Parameters<typeof parseJsonc>[1], { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  return errors[0]?.offset ?? 0;
}
