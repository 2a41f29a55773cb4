import type { YAMLError } from 'yaml';
import { lineAt, lineStarts } from './line-starts.js';

/** The yaml library's codes for indentation it cannot read; on a line indented with a tab, the tab is why. */
const INDENT_CODES: ReadonlySet<string> = new Set(['TAB_AS_INDENT', 'BAD_INDENT']);
/** Tab widths an editor may have shown, the usual first; the one the rest of the file reads best with is kept. */
const TAB_WIDTH = 2;
const OTHER_TAB_WIDTHS = [4, 8];
/**
 * Each re-reading finds the tabs the previous one's broken structure hid: one or two for a few pasted
 * lines, many for a file indented with tabs throughout, whose every tabbed line is then taken as
 * rejected. The bound keeps a large file from costing a parse per line.
 */
const MAX_READINGS = 4;

export type YamlErrors = ReadonlyArray<Pick<YAMLError, 'code' | 'pos' | 'message'>>;

export interface TabIndentation {
  /** Offset of the first tab of each line whose indentation has a tab the yaml library rejects. */
  tabs: number[];
  /** Those lines (from 0). */
  lines: ReadonlySet<number>;
  /** The text's other errors, read with those tabs as spaces, at their offsets in the text. */
  errors: YamlErrors;
  /** The text as re-read, with those tabs as spaces, and its errors at their offsets there: what a repair of other lines' indentation starts from. */
  spaced: { text: string; errors: YamlErrors };
  /** Errors at offsets of the spaced text, at their offsets in the text; those on the lines with tabs (their cascade) are left out. */
  inText(errors: YamlErrors): YamlErrors;
}

/**
 * A text whose indentation has tabs, read as its author saw it: the yaml library reports the first tab
 * of a block and then misreads what follows (a cascade of errors, or none for the lines it took as
 * part of a broken node). Each line it rejects for a tab is re-read with spaces until no such line is
 * left, so every tab-indented line is named once, and what else is wrong is still found. Undefined
 * when no error is a tab's.
 */
export function tabIndentation(text: string, errors: YamlErrors, parse: (text: string) => YamlErrors): TabIndentation | undefined {
  // Every YAML file read comes here: one with no indentation error is not split into lines.
  if (!errors.some((e) => INDENT_CODES.has(e.code))) return undefined;
  const lines = text.split('\n');
  const starts = lineStarts(lines);
  const tabbed = (line: number): boolean => indentation(lines[line] ?? '').includes('\t');
  if (!errors.some((e) => INDENT_CODES.has(e.code) && tabbed(lineAt(starts, e.pos[0])))) return undefined;

  let best = readWithSpaces(lines, starts, errors, TAB_WIDTH, tabbed, parse);
  for (const width of OTHER_TAB_WIDTHS) {
    if (!best.rest.length) break;
    const reading = readWithSpaces(lines, starts, errors, width, tabbed, parse);
    if (reading.rest.length < best.rest.length) best = reading;
  }
  const { flagged, spaced } = best;
  const spacedStarts = lineStarts(spaced);
  return {
    tabs: [...flagged].sort((a, b) => a - b).map((line) => (starts[line] ?? 0) + indentation(lines[line] ?? '').indexOf('\t')),
    lines: flagged,
    errors: best.rest,
    spaced: { text: spaced.join('\n'), errors: best.errors },
    inText: (errors) => unspaced(errors, spacedStarts, starts, flagged),
  };
}

/**
 * Re-reads the text with each rejected line's tabs as spaces, until no error is a tab's: the errors at
 * offsets of the text re-read, and (`rest`) at their places in the text.
 */
function readWithSpaces(lines: readonly string[], starts: readonly number[], errors: YamlErrors, width: number, tabbed: (line: number) => boolean, parse: (text: string) => YamlErrors): { flagged: Set<number>; errors: YamlErrors; spaced: readonly string[]; rest: YamlErrors } {
  const flagged = new Set<number>();
  let current = { errors, lines, starts };
  for (let reading = 1; reading <= MAX_READINGS; reading++) {
    const rejected = current.errors.filter((e) => INDENT_CODES.has(e.code)).map((e) => lineAt(current.starts, e.pos[0]));
    if (!rejected.some((line) => tabbed(line) && !flagged.has(line))) break;
    // At the bound, every line with a tab in its indentation and something to read after it is taken as rejected.
    const more = reading < MAX_READINGS ? rejected : lines.flatMap((text, i) => (/^\s*(#|$)/.test(text) ? [] : [i]));
    for (const line of more) if (tabbed(line)) flagged.add(line);
    const spaced = lines.map((line, i) => (flagged.has(i) ? withSpaces(line, width) : line));
    current = { errors: parse(spaced.join('\n')), lines: spaced, starts: lineStarts(spaced) };
  }
  return { flagged, errors: current.errors, spaced: current.lines, rest: unspaced(current.errors, current.starts, starts, flagged) };
}

/** Errors of the spaced text at their places in the text: unflagged lines are unchanged, so an error there keeps its place within its line; errors on flagged lines are the tabs' cascade. */
function unspaced(errors: YamlErrors, spacedStarts: readonly number[], starts: readonly number[], flagged: ReadonlySet<number>): YamlErrors {
  return errors.flatMap((e) => {
    const line = lineAt(spacedStarts, e.pos[0]);
    if (flagged.has(line)) return [];
    const shift = (starts[line] ?? 0) - (spacedStarts[line] ?? 0);
    return [{ code: e.code, message: e.message, pos: [e.pos[0] + shift, e.pos[1] + shift] as [number, number] }];
  });
}

/** A line's indentation: its leading blanks and those after block indicators (`- `, `? `, `: `), where YAML allows only spaces. */
function indentation(line: string): string {
  return /^[ \t]*(?:[-?:][ \t]+)*/.exec(line)?.[0] ?? '';
}

/** The line with the tabs of its indentation expanded to spaces at tab stops of `width`. */
function withSpaces(line: string, width: number): string {
  const indent = indentation(line);
  let spaces = '';
  for (const ch of indent) spaces += ch === '\t' ? ' '.repeat(width - (spaces.length % width)) : ch;
  return spaces + line.slice(indent.length);
}
