import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SINS_FILE = new URL('../../rules/sins/sins.yaml', import.meta.url).pathname;
export const NESMS_FILE = new URL('../../rules/nesms/nesms.yaml', import.meta.url).pathname;
export const TOMITA_FILE = new URL('../../rules/tomita/tomita.yaml', import.meta.url).pathname;
export const BAUER_FILE = new URL('../../rules/modified-bauer/modified-bauer.yaml', import.meta.url).pathname;
export const LMNOP_FILE = new URL('../../rules/lmnop/lmnop.yaml', import.meta.url).pathname;

/** 1-based line and column of the first occurrence of `needle` (after `after`, when given). */
export function positionOf(text: string, needle: string, after = ''): { line: number; column: number } {
  const start = after ? text.indexOf(after) : 0;
  if (start < 0) throw new Error(`anchor not found: ${after}`);
  const offset = text.indexOf(needle, start);
  if (offset < 0) throw new Error(`not found: ${needle}`);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** Writes `text` with each [from, to] replaced once (each `from` must occur) to a fresh temporary file. */
export function writeVariant(text: string, replacements: Array<[string, string]>, name = 'variant.yaml'): { file: string; text: string } {
  let result = text;
  for (const [from, to] of replacements) {
    if (!result.includes(from)) throw new Error(`not found: ${from}`);
    result = result.replace(from, to);
  }
  const file = join(mkdtempSync(join(tmpdir(), 'spinemets-')), name);
  writeFileSync(file, result);
  return { file, text: result };
}

export const read = (file: string): string => readFileSync(file, 'utf8');
