import { lineAt, lineStarts } from './line-starts.js';
import type { YamlErrors } from './tab-indentation.js';

/**
 * Lines around the first error that may be the misplaced one: the parser notices a line late, or early
 * (a key moved out to its parent's level is noticed at its next sibling, past the lines it holds).
 */
const LINES_BEFORE = 6;
const LINES_AFTER = 2;
/** The indentations tried for a line: those of the lines above it, nearest first, as far back as this. */
const LINES_LOOKED_BACK = 40;

/**
 * The yaml library's codes for a block structure it cannot read, which a misplaced line causes
 * (MISSING_CHAR: "Sequence item without - indicator", a list item's key indented less than its siblings).
 */
const STRUCTURE_CODES: ReadonlySet<string> = new Set(['BAD_INDENT', 'BLOCK_AS_IMPLICIT_KEY', 'MULTILINE_IMPLICIT_KEY', 'MISSING_CHAR']);

export interface Misindented {
  /** Index of the line (from 0) whose indentation is wrong. */
  line: number;
  /** Its indentation, and the one with which the whole text reads without errors. */
  written: number;
  expected: number;
}

/** Mistakes repaired in one text, at most: each costs up to a few dozen re-readings. */
const MAX_REPAIRS = 5;
/** Re-readings of one text, at most, over all its repairs (then the parser's errors stand)... */
const MAX_PARSES = 300;
/** ...and no more text re-read in all than this (a 50 kB rule file gets 60 re-readings; a 400 kB one 7, about as long as the first reading took, 2 s here). */
const MAX_REPARSED_BYTES = 3 * 1024 * 1024;
/** Lines whose change explains the first error, at most, among which the one that reads furthest is named... */
const LINES_RANKED = 2;
/** ...while this many re-readings are left to spend. */
const RANKING_BUDGET = 60;
/** How many mistakes close together one repair may look ahead through. */
const MAX_LOOKAHEAD = 2;

/** A re-reading: its errors, and the offsets where a mapping key or a sequence entry starts. */
export interface Reading {
  errors: YamlErrors;
  starts: ReadonlySet<number>;
}

export interface IndentationRepair {
  /** The lines whose indentation is wrong, in file order. */
  lines: Misindented[];
  /** What else is wrong, read with those lines re-indented (their offsets hold on every other line). */
  errors: YamlErrors;
}

/**
 * A line indented by more or fewer spaces than the keys it belongs with leaves the yaml library with
 * errors about the structure around it ("Nested mappings are not allowed in compact mappings", "All
 * mapping items must start at the same column"), often at another line, often several. An author
 * needs the line and the indentation it should have. Each line near the first error is re-read at each
 * indentation the lines above it use (nearest first); a re-reading whose errors all lie after that line
 * names it, and the next error is taken the same way. Undefined when no line's indentation explains the
 * first error (the parser's errors then stand).
 */
export function misindentedLines(text: string, errors: YamlErrors, parse: (text: string) => Reading): IndentationRepair | undefined {
  if (!errors.some((e) => STRUCTURE_CODES.has(e.code))) return undefined;
  let lines = text.split('\n');
  let rest = errors;
  const found: Misindented[] = [];
  // Each re-reading parses the whole text: a budget keeps a large file with many mistakes from holding a save for long.
  const budget = { parses: Math.min(MAX_PARSES, Math.floor(MAX_REPARSED_BYTES / Math.max(1, text.length))) };
  const counted = (t: string): Reading => {
    budget.parses--;
    return parse(t);
  };
  while (rest.some((e) => STRUCTURE_CODES.has(e.code)) && found.length < MAX_REPAIRS) {
    const repair = repairFirst(lines, rest, counted, budget, new Set(found.map((f) => f.line)));
    if (!repair) break;
    found.push(repair.misindented);
    ({ lines, errors: rest } = repair);
  }
  if (!found.length) return undefined;
  return { lines: found.sort((a, b) => a.line - b.line), errors: inOriginal(rest, lines, found) };
}

/**
 * The errors of the re-indented text at their offsets in the original: each on its own line (no line
 * was added or removed), its column moved back by what re-indenting that line moved it.
 */
function inOriginal(errors: YamlErrors, repaired: readonly string[], found: readonly Misindented[]): YamlErrors {
  const repairedStarts = lineStarts(repaired);
  const original = repaired.map((line, i) => {
    const fix = found.find((f) => f.line === i);
    return fix ? ' '.repeat(fix.written) + line.slice(fix.expected) : line;
  });
  const originalStarts = lineStarts(original);
  return errors.map((e) => {
    const map = (offset: number): number => {
      const line = lineAt(repairedStarts, offset);
      const fix = found.find((f) => f.line === line);
      return (originalStarts[line] ?? 0) + offset - (repairedStarts[line] ?? 0) + (fix ? fix.written - fix.expected : 0);
    };
    return { ...e, pos: [map(e.pos[0]), map(e.pos[1])] as [number, number] };
  });
}

/**
 * The first misplaced line. Each key or entry near the first error is re-read at each indentation the
 * lines above it use (nearest first). A re-reading whose remaining errors all lie well after the line
 * names it; one whose errors follow within a few lines (a second mistake close by) names it only when
 * that next mistake is itself explained by a line's indentation, so that an error merely moved along is
 * not. Of the lines so explained (the first few, or the first whose change mends the whole text and a
 * line beside it that does too), the one after whose change the text reads furthest is named: the key
 * above an over-indented one, moved along, also reads on for a few lines, and must not be named in its
 * place; of two that mend the whole text, the one that lines up with a line beside it.
 */
function repairFirst(lines: readonly string[], errors: YamlErrors, parse: (text: string) => Reading, budget: { parses: number }, moved: ReadonlySet<number>, depth = 0): { misindented: Misindented; lines: string[]; errors: YamlErrors } | undefined {
  const errorLine = lineAt(lineStarts(lines), errors.reduce((low, e) => Math.min(low, e.pos[0]), Infinity));
  const candidates = [errorLine, ...range(errorLine + 1, errorLine + LINES_AFTER), ...range(errorLine - LINES_BEFORE, errorLine - 1).reverse()];
  /** `readsOn`: its remaining errors all lie well after the line (any close by would be a second mistake's). */
  const explained: Array<{ misindented: Misindented; lines: string[]; errors: YamlErrors; afterLines: number[]; readsOn: boolean }> = [];
  // Once one line's change mends the whole text, only a line beside it can do better: mend it too and line
  // up with a line beside it, where the first did not (the first was moved to meet it).
  let besideMended: ReadonlySet<number> | undefined;
  read: for (const index of candidates) {
    if (besideMended && !besideMended.has(index)) continue;
    const line = lines[index];
    // Only a key (an identifier, a quoted or graded one) or a list entry is moved: prose with a colon in
    // it is text of a block above, and "fixing" its indentation would make it a key.
    // A line moved once is not moved again: moving it back would undo a repair, not make one.
    if (line === undefined || isBlank(line) || !KEY_OR_ENTRY.test(line) || moved.has(index)) continue;
    const written = indentOf(line);
    for (const expected of indentationsAbove(lines, index, written)) {
      if (budget.parses <= 0) break read;
      if (besideMended && !alignsWithNeighbour(lines, index, expected)) continue;
      const repaired = [...lines.slice(0, index), ' '.repeat(expected) + line.slice(written), ...lines.slice(index + 1)];
      const { errors: after, starts: structure } = parse(repaired.join('\n'));
      const repairedStarts = lineStarts(repaired);
      // The line must start a key or an entry where it now stands (not be swallowed by a text block above),
      // and the text read as the author meant up to it at least: what is left is a later mistake.
      const at = (repairedStarts[index] ?? 0) + expected;
      if (!structure.has(at) && !structure.has(at + 2)) continue;
      const afterLines = after.map((e) => lineAt(repairedStarts, e.pos[0]));
      // The text must read further than before: an error left where it was (an unclosed bracket at the end) is not this line's.
      if (readsTo(afterLines) <= errorLine) continue;
      const readsOn = afterLines.every((l) => l > index + LINES_AFTER);
      const tried = { misindented: { line: index, written, expected }, lines: repaired, errors: after, afterLines, readsOn };
      // A lookahead only asks whether some repair exists.
      if (readsOn && depth > 0) return tried;
      if (!readsOn && !nextExplainable(tried)) continue;
      if (depth > 0) {
        if (explainsNext(tried)) return tried;
        continue;
      }
      explained.push(tried);
      if (!after.length && (besideMended || alignsWithNeighbour(lines, index, expected))) break read;
      if (!after.length) besideMended = new Set([index - 1, index + 1]);
      // Each re-reading parses the whole text: a few lines explained are enough to choose among, and in a
      // text too large to re-read often (or after many re-readings), or when one reads on well past every
      // line tried (the next error is another mistake's), the first.
      const enough = budget.parses < RANKING_BUDGET || (readsOn && after.length > 0 && readsTo(afterLines) > errorLine + LINES_AFTER + LINES_BEFORE) ? 1 : LINES_RANKED;
      if (explained.filter((t) => t.readsOn).length >= enough) break read;
      continue read;
    }
  }
  // The furthest-reading first, and of two that read as far (both mend the whole text: an over-indented
  // key, or the list entry above it moved to meet it), the one that lines up with a line beside it; one
  // whose next error lies close by stands only if that error is itself a line's indentation.
  const besideIt = ({ misindented: m }: (typeof explained)[number]): number => (alignsWithNeighbour(lines, m.line, m.expected) ? 0 : 1);
  return explained.sort((a, b) => readsTo(b.afterLines) - readsTo(a.afterLines) || besideIt(a) - besideIt(b)).find((t) => t.readsOn || explainsNext(t));

  function nextExplainable({ misindented: { line: index }, errors: after, afterLines }: (typeof explained)[number]): boolean {
    return depth < MAX_LOOKAHEAD && afterLines.every((l) => l > index) && after.some((e) => STRUCTURE_CODES.has(e.code));
  }
  function explainsNext({ misindented: { line: index }, lines: repaired, errors: after }: (typeof explained)[number]): boolean {
    return repairFirst(repaired, after, parse, budget, new Set([...moved, index]), depth + 1) !== undefined;
  }
}

/** Whether line `index`, indented `indent`, starts where the nearest non-blank line above or below it has a key (after a `- ` too). */
function alignsWithNeighbour(lines: readonly string[], index: number, indent: number): boolean {
  const keyColumns = (line: string): number[] => [indentOf(line), /^ *- +/.exec(line)?.[0].length ?? -1];
  const nearest = (step: number): string | undefined => {
    for (let i = index + step; i >= 0 && i < lines.length; i += step) if (!isBlank(lines[i] as string)) return lines[i];
    return undefined;
  };
  return [nearest(-1), nearest(1)].some((line) => line !== undefined && keyColumns(line).includes(indent));
}

/** The line of the first error left (the whole text read: infinitely far). */
const readsTo = (errorLines: readonly number[]): number => Math.min(Infinity, ...errorLines);

/** The indentations of the lines above `index` other than `written`, the nearest to `written` first (the deeper on a tie). */
function indentationsAbove(lines: readonly string[], index: number, written: number): number[] {
  const seen = new Set<number>();
  for (let i = index - 1; i >= Math.max(0, index - LINES_LOOKED_BACK); i--) {
    const line = lines[i] as string;
    if (isBlank(line)) continue;
    const indent = indentOf(line);
    if (indent !== written) seen.add(indent);
    // Within a sequence item the key after "- " is at the dash's column plus two.
    const dash = /^ *- +/.exec(line);
    if (dash && dash[0].length !== written) seen.add(dash[0].length);
  }
  return [...seen].sort((a, b) => Math.abs(a - written) - Math.abs(b - written) || b - a);
}

/** `points: 3`, `"1c": x`, `lesion1: ...`, `- id: x`, `- T12`: a mapping key without spaces in it, or a sequence entry. */
const KEY_OR_ENTRY = /^ *(?:- |-$|(?:[A-Za-z_$][\w$.-]*|\d+[A-Za-z]*|"[^"]*"|'[^']*') *:(?: |$))/;

const indentOf = (line: string): number => line.length - line.trimStart().length;
const isBlank = (line: string): boolean => /^\s*(#.*)?$/.test(line);
const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
