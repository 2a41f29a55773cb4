import { readFileSync, statSync } from 'node:fs';
import { isMap, isNode, isPair, isScalar, isSeq, parseDocument, visit, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Problem, ProblemCode } from '../problems/problem.js';
import { shadowedPairs, withValueAt } from './repeated-keys.js';
import { misindentedLines, type Reading } from './indentation-repair.js';
import { tabIndentation, type YamlErrors } from './tab-indentation.js';
import { firstTooDeep, tooDeep } from './flow-nesting.js';
import { encodingFaults, encodingProblem } from './utf8-check.js';
import { positionsIn } from './line-starts.js';

/** Rule files and patient files are small; anything larger is a mistake or an attack. */
export const MAX_FILE_BYTES = 1024 * 1024;
/** Anchors are allowed (informaticists reuse conditions) but not the exponential "billion laughs" expansion. */
export const MAX_ALIAS_COUNT = 100;
/** Keys that could alter object prototypes where a value is copied into an object (FORBIDDEN_KEY). */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export type PathSegment = string | number;

export interface Position {
  line: number;
  column: number;
}

/**
 * A parsed YAML or JSON document (JSON is YAML) that remembers where every value came from, so that any
 * later problem — a schema violation, an unknown fact — can be reported at its line and column.
 */
export interface SourceDocument {
  file: string;
  /**
   * The plain JavaScript value; undefined when the text could not be parsed (a syntax error, a forbidden
   * key, too many aliases). A repeated key is no such failure: its problem is reported and `data` holds
   * its last value, as the yaml library (and JSON.parse) read it.
   */
  data: unknown;
  problems: Problem[];
  /** For each earlier value of a repeated key, the document read with that value instead (see every-reading.ts). */
  shadowed?: readonly ShadowedReading[];
  /** Position of the value at `path`, or of its key when `key` is set; falls back to the nearest ancestor. */
  locate(path: readonly PathSegment[], options?: { key?: boolean }): Position;
  /** The scalar at `path` read from the node tree, even when the document has errors (e.g. its `id`). */
  scalarAt(path: readonly PathSegment[]): unknown;
  /**
   * The scalar at `path` as the source wrote it (`.inf`, `1e400`), where there is source text: a message
   * must not show a value as JSON would write it (a non-finite number as `null`).
   */
  textAt?(path: readonly PathSegment[]): string | undefined;
  /**
   * A problem positioned at `path`. `also`: the other place the problem lies (the edge of the band an
   * overlap is inside): a document a profile changed reports it at the change that wrote either place.
   */
  problemAt(path: readonly PathSegment[], code: ProblemCode, message: string, options?: ProblemOptions): Problem;
}

export interface ProblemOptions {
  key?: boolean;
  severity?: 'error' | 'warning';
  also?: readonly PathSegment[];
}

export interface ShadowedReading {
  /** JSON pointer of the repeated key. */
  path: string;
  /** `data` with the earlier value at `path`, whose positions there are the earlier occurrence's. */
  source: SourceDocument;
}

/** The yaml library's words for a second document advise calling its API; ours say what the file holds. */
const MULTIPLE_DOCS = 'a second YAML document starts here (a "---" line): a file holds one patient, rule set, profile or case list; remove the line, or put each document in its own file';

export function readSourceFile(file: string): SourceDocument {
  const read = readSourceText(file);
  return typeof read === 'string' ? parseSource(read, file) : read;
}

/** The text of a file, or a document holding the problem that kept it from being read. */
export function readSourceText(file: string): string | SourceDocument {
  try {
    const size = statSync(file).size;
    if (size > MAX_FILE_BYTES) {
      return emptyDocument(file, 'FILE_TOO_LARGE', `file is ${size} bytes; the limit is ${MAX_FILE_BYTES} bytes`);
    }
    return decodeSource(readFileSync(file), file);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? 'unknown error';
    // `-` names standard input only where a command reads it (evaluate, explain, batch, diff --cohort).
    if (file === STANDARD_INPUT && reason === 'ENOENT') return emptyDocument(file, 'FILE_UNREADABLE', 'standard input (-) is read by evaluate, explain, batch and diff --cohort; this command needs a file');
    return emptyDocument(file, 'FILE_UNREADABLE', `cannot read file (${reason})`);
  }
}

/** `-` in place of a file: the command's standard input (a pipe, a here-document), named <stdin> in problems. */
export const STANDARD_INPUT = '-';
export const STANDARD_INPUT_NAME = '<stdin>';

/** Standard input's text, or a document holding the problem that kept it from being read; read no further than the size limit. */
export async function readStandardInput(): Promise<string | SourceDocument> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  try {
    for await (const chunk of process.stdin) {
      const buffer = chunk as Buffer;
      bytes += buffer.length;
      if (bytes > MAX_FILE_BYTES) {
        process.stdin.destroy();
        return emptyDocument(STANDARD_INPUT_NAME, 'FILE_TOO_LARGE', `standard input is over ${MAX_FILE_BYTES} bytes, the limit`);
      }
      chunks.push(buffer);
    }
  } catch (err) {
    return emptyDocument(STANDARD_INPUT_NAME, 'FILE_UNREADABLE', `cannot read standard input (${(err as NodeJS.ErrnoException).code ?? 'unknown error'})`);
  }
  return decodeSource(Buffer.concat(chunks), STANDARD_INPUT_NAME);
}

/**
 * A file's bytes as text, or, where they are not UTF-8, the document of the text as decoded (each bad
 * byte U+FFFD) holding an ENCODING_INVALID at each line with one beside its other problems, and no data:
 * nothing is read with a character lost.
 */
function decodeSource(bytes: Buffer, file: string): string | SourceDocument {
  const faults = encodingFaults(bytes);
  const text = bytes.toString('utf8');
  if (!faults.length) return text;
  const document = parseSource(text, file);
  return { ...document, data: undefined, shadowed: undefined, problems: [...faults.map((fault) => encodingProblem(fault, file)), ...document.problems] };
}

/**
 * The document of `text`, parsed only when something asks for it: a rule set whose checks were done at
 * build time needs positions only if a later check (across rule sets) reports a problem in it.
 */
export function lazySourceDocument(text: string, file: string): SourceDocument {
  let parsed: SourceDocument | undefined;
  const get = (): SourceDocument => (parsed ??= parseSource(text, file));
  return {
    file,
    get data() {
      return get().data;
    },
    get problems() {
      return get().problems;
    },
    get shadowed() {
      return get().shadowed;
    },
    locate: (path, options) => get().locate(path, options),
    scalarAt: (path) => get().scalarAt(path),
    textAt: (path) => get().textAt?.(path),
    problemAt: (path, code, message, options) => get().problemAt(path, code, message, options),
  };
}

/**
 * `maxBytes`: the largest text read (a file's limit by default); the service passes its own body limit,
 * which it has held the body to already (serve --body-limit may be above a file's).
 */
export function parseSource(text: string, file: string, maxBytes = MAX_FILE_BYTES): SourceDocument {
  if (Buffer.byteLength(text) > maxBytes) {
    return emptyDocument(file, 'FILE_TOO_LARGE', `document is larger than ${maxBytes} bytes`);
  }
  // Every position, of an error or of a node, is counted in the text itself: the yaml library's
  // LineCounter hears of no line break inside a block scalar (`|`, `>-`) read while recovering from an
  // error, so every error after one was placed on the block's last line, past its end.
  const at: (offset: number) => Position = positionsIn(text);
  // Told before the parser runs: whether and where it runs out of stack depends on the stack left to it
  // (a batch worker's is smaller, helper-63; standard input is read a few frames deeper than a file),
  // and what it says after giving out (unclosed brackets, a second exhaustion) is not about the text.
  const deep = firstTooDeep(text);
  if (deep !== undefined) return unreadDocument(file, tooDeep(file, at(deep)));
  const doc = parseDocument(text, PARSE_OPTIONS);
  const problems: Problem[] = [];

  const errors = [...doc.errors, ...doc.warnings];
  // Nesting in blocks (`- - - …`) can still take the parser past its stack: one problem, where it first gave out.
  const exhausted = errors.find((err) => err.code === 'RESOURCE_EXHAUSTION' && err.message.startsWith('Maximum call stack'));
  if (exhausted) return unreadDocument(file, tooDeep(file, at(exhausted.pos[0])));
  const tabs = tabIndentation(text, errors, yamlErrors);
  for (const offset of tabs?.tabs ?? []) {
    problems.push({ code: 'YAML_TAB_INDENT', severity: 'error', message: 'this line is indented with a tab; YAML expects spaces here (replace the tab with spaces)', file, ...at(offset) });
  }
  // Indented by spaces, but not as far as the keys it belongs with: one problem at that line, not the
  // parser's errors about the structure around it. Beside tab-indented lines, the text is repaired as
  // re-read with their tabs as spaces; a line with a tab is told so already.
  const repair = tabs ? misindentedLines(tabs.spaced.text, tabs.spaced.errors, structureErrors) : misindentedLines(text, errors, structureErrors);
  const misindented = tabs && repair ? { lines: repair.lines.filter((l) => !tabs.lines.has(l.line)), errors: tabs.inText(repair.errors) } : repair;
  for (const { line, written, expected } of misindented?.lines ?? []) {
    const message = `this line is indented ${written} space${written === 1 ? '' : 's'}; at ${expected} it lines up with the keys it belongs with and the file reads on (YAML nests by indentation)`;
    problems.push({ code: 'YAML_INDENTATION', severity: 'error', message, file, line: line + 1, column: written + 1 });
  }
  // The parser says some errors once per bracket left open (`id: [[[`): each is told once.
  const told = new Set<string>();
  for (const err of misindented?.errors ?? tabs?.errors ?? errors) {
    // A repeated key among the errors comes from the re-reading of tab-indented lines (yamlErrors).
    const code: ProblemCode = err.code === 'DUPLICATE_KEY' ? 'DUPLICATE_KEY' : 'YAML_SYNTAX';
    const message = code === 'DUPLICATE_KEY' ? duplicateKeyMessage(text, err.pos[0]) : err.code === 'MULTIPLE_DOCS' ? MULTIPLE_DOCS : (err.message.split('\n')[0] ?? err.message);
    const problem: Problem = { code, severity: 'error', message, file, ...at(err.pos[0]) };
    const key = JSON.stringify([code, problem.line, problem.column, message]);
    if (told.has(key)) continue;
    told.add(key);
    problems.push(problem);
  }

  // Repeated keys are found here, with the index findNode uses: the parser's own check (uniqueKeys)
  // compares every key with every other, and a document of 32,000 keys took seconds to read. A file with
  // tab-indented lines was misread; its repeated keys are those of the re-reading with spaces, above.
  visit(doc, {
    Map(_key, map) {
      // A misread text (tabs, or a misindented line) has keys in the wrong maps: their repeats are not the file's.
      if (tabs || misindented) return;
      for (const pairs of pairsByKey(map).values()) {
        for (const pair of pairs.slice(1)) {
          const offset = (pair.key as Node).range?.[0] ?? 0;
          problems.push({ code: 'DUPLICATE_KEY', severity: 'error', message: duplicateKeyMessage(text, offset), file, ...at(offset) });
        }
      }
    },
    Pair(_key, pair) {
      if (isScalar(pair.key) && FORBIDDEN_KEYS.has(String(pair.key.value))) {
        problems.push({
          code: 'FORBIDDEN_KEY',
          severity: 'error',
          message: `the key "${String(pair.key.value)}" is not allowed (it could alter object prototypes)`,
          file,
          ...at(pair.key.range?.[0] ?? 0),
        });
      }
    },
  });

  // A repeated key still leaves a document that reads as data, so its other problems are found in the
  // same run; a syntax error, a forbidden key or an alias bomb does not.
  let data: unknown;
  if (problems.every((p) => p.code === 'DUPLICATE_KEY')) {
    try {
      data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      problems.push({
        code: 'ALIAS_LIMIT',
        severity: 'error',
        message: `too many alias expansions (limit ${MAX_ALIAS_COUNT}): ${(err as Error).message}`,
        file,
        line: 1,
        column: 1,
      });
    }
  }

  /** The document as `data`, reading `chosen` where its key is repeated, else the last pair (the one the data holds). */
  const reading = (data: unknown, found: Problem[], chosen?: Pair): SourceDocument => {
    const locate = (path: readonly PathSegment[], options: { key?: boolean } = {}): Position => {
      const { node } = findNode(doc, path, options.key ?? false, chosen);
      return at(node?.range?.[0] ?? 0);
    };
    const scalar = (path: readonly PathSegment[]) => {
      const { node, complete } = findNode(doc, path, false, chosen);
      return complete && isScalar(node) ? node : undefined;
    };
    return {
      file,
      data,
      problems: found,
      locate,
      scalarAt: (path) => scalar(path)?.value,
      textAt: (path) => scalar(path)?.source,
      problemAt: (path, code, message, options = {}) => ({
        code,
        severity: options.severity ?? 'error',
        message,
        file,
        path: toPointer(path),
        ...locate(path, options),
      }),
    };
  };
  const source = reading(data, problems);
  // With data, a problem can only be a repeated key: each earlier value gets a reading of its own.
  if (data !== undefined && problems.length) {
    source.shadowed = shadowedPairs(doc.contents).map(({ path, pair }) => ({
      path: toPointer(path),
      source: reading(withValueAt(data, path, isNode(pair.value) ? pair.value.toJS(doc, { maxAliasCount: MAX_ALIAS_COUNT }) : null), [], pair),
    }));
  }
  return source;
}

// logLevel 'error': the library's warnings (a collection as a key, stringified) are not printed on
// standard error, outside the problem format; what they are about is reported as a problem of its own.
const PARSE_OPTIONS = { uniqueKeys: false, prettyErrors: false, strict: true, logLevel: 'error' } as const;

/** A reading of `text` with another indentation of a line (indentation-repair.ts): its errors, and where its keys and entries start. */
function structureErrors(text: string): Reading {
  const doc = parseDocument(text, PARSE_OPTIONS);
  const starts = new Set<number>();
  visit(doc, {
    Pair(_key, pair) {
      const at = (pair.key as Node | null)?.range?.[0];
      if (at !== undefined) starts.add(at);
    },
    Seq(_key, seq) {
      for (const item of seq.items) if (isNode(item) && item.range) starts.add(item.range[0]);
    },
  });
  return { errors: [...doc.errors, ...doc.warnings], starts };
}

/** The errors of reading `text`, for a second reading (see tab-indentation.ts). */
function yamlErrors(text: string): YamlErrors {
  // Only files with tab-indented lines are read again: the parser's own (quadratic) check of repeated keys is affordable.
  const doc = parseDocument(text, { ...PARSE_OPTIONS, uniqueKeys: true });
  return [...doc.errors, ...doc.warnings];
}

/**
 * Walks the YAML node tree along `path`, through the pair the data holds where a key is repeated (the
 * last) unless `chosen` is one of them; stops at the deepest node that exists (`complete` when that is
 * the end of the path).
 */
function findNode(doc: Document, path: readonly PathSegment[], wantKey: boolean, chosen?: Pair): { node: Node | undefined; complete: boolean } {
  let node: unknown = doc.contents;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pairs = pairsByKey(node).get(String(segment)) ?? [];
      const pair = chosen && pairs.includes(chosen) ? chosen : pairs[pairs.length - 1];
      if (!pair) return { node, complete: false };
      if (last && wantKey) return { node: pair.key as Node, complete: true };
      if (!pair.value) return { node: pair.key as Node, complete: false };
      node = pair.value;
    } else if (isSeq(node) && /^\d+$/.test(String(segment)) && node.items[Number(segment)] !== undefined) {
      node = node.items[Number(segment)];
    } else {
      return { node: node as Node | undefined, complete: false };
    }
  }
  return { node: node as Node | undefined, complete: true };
}

/**
 * A map's pairs by key (a repeated key has several), worked out once per map: a document with
 * thousands of unknown keys is located thousands of times, and a scan of the map each time was quadratic.
 */
function pairsByKey(map: YAMLMap): Map<string, Pair[]> {
  let byKey = pairIndex.get(map);
  if (!byKey) {
    byKey = new Map();
    for (const p of map.items) {
      if (!isPair(p) || !isScalar(p.key)) continue;
      const key = String(p.key.value);
      const pairs = byKey.get(key);
      if (pairs) pairs.push(p);
      else byKey.set(key, [p]);
    }
    pairIndex.set(map, byKey);
  }
  return byKey;
}
const pairIndex = new WeakMap<YAMLMap, Map<string, Pair[]>>();

export function toPointer(path: readonly PathSegment[]): string {
  return '/' + path.map((s) => String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

/** The value at `path` in plain data (a document built rather than parsed: a CSV row, a patient mapped from FHIR). */
export function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  return path.reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<PathSegment, unknown>)[key] : undefined), data);
}

export function fromPointer(pointer: string): PathSegment[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function emptyDocument(file: string, code: ProblemCode, message: string): SourceDocument {
  return unreadDocument(file, { code, severity: 'error', message, file, line: 1, column: 1 });
}

/** A document that could not be read, holding the one problem that says why. */
export function unreadDocument(file: string, problem: Problem): SourceDocument {
  return {
    file,
    data: undefined,
    problems: [problem],
    locate: () => ({ line: 1, column: 1 }),
    scalarAt: () => undefined,
    problemAt: (path, c, m, options = {}) => ({ code: c, severity: options.severity ?? 'error', message: m, file, path: toPointer(path), line: 1, column: 1 }),
  };
}

/** The yaml library says only "Map keys must be unique": name the key, read at its position (YAML or JSON). */
function duplicateKeyMessage(text: string, offset: number): string {
  const key = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^:\s,{}[\]]+)/.exec(text.slice(offset, offset + 200))?.[1];
  return `${key ? `key ${key}` : 'a key'} appears twice in one mapping; keep one (a reader would silently take the last value)`;
}
