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

/** `text` with each [from, to] replaced once; each `from` must occur, so an edit never silently does nothing. */
export function replaced(text: string, replacements: Array<[string, string]>): string {
  let result = text;
  for (const [from, to] of replacements) {
    if (!result.includes(from)) throw new Error(`not found: ${from}`);
    result = result.replace(from, to);
  }
  return result;
}

/** Writes `text` with each [from, to] replaced once (each `from` must occur) to a fresh temporary file. */
export function writeVariant(text: string, replacements: Array<[string, string]>, name = 'variant.yaml'): { file: string; text: string } {
  const result = replaced(text, replacements);
  const file = join(mkdtempSync(join(tmpdir(), 'spinemets-')), name);
  writeFileSync(file, result);
  return { file, text: result };
}

/** The version a rule file's text declares (its top-level `version:` line). */
export function versionOf(text: string): string {
  const version = /^version: (\S+)$/m.exec(text)?.[1];
  if (!version) throw new Error('no top-level version: line');
  return version;
}

/**
 * A rule file's text as another version: the `version:` line replaced and a changelog entry added, so
 * tests of side-by-side versions do not depend on the version the bundled file is at.
 */
export function asVersion(text: string, version: string, changes: string): string {
  return replaced(text, [
    [`version: ${versionOf(text)}\n`, `version: ${version}\n`],
    ['changelog:\n', `changelog:\n  - version: ${version}\n    date: "2026-11-27"\n    author: test\n    changes: ${changes}\n`],
  ]);
}

export const read = (file: string): string => readFileSync(file, 'utf8');
