import { parseTree, type Node } from 'jsonc-parser';
import { firstTooDeep, tooDeep } from './flow-nesting.js';
import { positionsIn } from './line-starts.js';
import { jsonSyntaxProblem } from './json-syntax.js';
import { MAX_FILE_BYTES, parseSource, toPointer, unreadDocument, type PathSegment, type Position, type SourceDocument } from './source-document.js';

/**
 * The positioned document of a JSON text `plainJson` read already (`data`: no syntax error, no repeated
 * or forbidden key, so nothing is left for a reader to report but where values are). jsonc-parser's tree
 * places them in a fraction of the time YAML's reader takes: a request body of a megabyte with one bad
 * value took 2–4 s to be told where it was, blocking every other request meanwhile. Like parseSource,
 * it refuses a text nesting beyond any document's (its tree is built by recursion).
 */
export function jsonSourceDocument(text: string, file: string, data: unknown): SourceDocument {
  let root: Node | undefined;
  const at = positionsIn(text);
  const deep = firstTooDeep(text);
  if (deep !== undefined) return unreadDocument(file, tooDeep(file, at(deep)));
  const find = (path: readonly PathSegment[], wantKey: boolean): { node: Node | undefined; complete: boolean } => {
    let node = (root ??= parseTree(text));
    for (let i = 0; i < path.length && node; i++) {
      const segment = path[i];
      let next: Node | undefined;
      if (node.type === 'object') {
        const property = node.children?.find((p) => p.children?.[0]?.value === String(segment));
        if (property && wantKey && i === path.length - 1) return { node: property.children?.[0], complete: true };
        next = property?.children?.[1];
      } else if (node.type === 'array' && /^\d+$/.test(String(segment))) {
        next = node.children?.[Number(segment)];
      }
      if (!next) return { node, complete: false };
      node = next;
    }
    return { node, complete: true };
  };
  const locate = (path: readonly PathSegment[], options: { key?: boolean } = {}): Position => at(find(path, options.key ?? false).node?.offset ?? 0);
  const scalar = (path: readonly PathSegment[]): Node | undefined => {
    const { node, complete } = find(path, false);
    return complete && node && node.type !== 'object' && node.type !== 'array' ? node : undefined;
  };
  return {
    file,
    data,
    problems: [],
    locate,
    scalarAt: (path) => scalar(path)?.value,
    // As YAML's reader gives it: a number as written (`1e400`), a string as its value.
    textAt: (path) => {
      const node = scalar(path);
      if (!node) return undefined;
      return node.type === 'string' ? (node.value as string) : text.slice(node.offset, node.offset + node.length);
    },
    problemAt: (path, code, message, options = {}) => ({ code, severity: options.severity ?? 'error', message, file, path: toPointer(path), ...locate(path, options) }),
  };
}

/**
 * The positioned document of a JSON text, `data` being what plainJson made of it: the JSON reader's when
 * it read the text; else its syntax error in JSON's terms, or, for a text JSON.parse reads with a repeated
 * or forbidden key, YAML's reader, which tells those (`maxBytes` as for parseSource).
 */
export function jsonDocument(text: string, file: string, data: unknown, maxBytes = MAX_FILE_BYTES): SourceDocument {
  if (data !== undefined) return jsonSourceDocument(text, file, data);
  const syntax = jsonSyntaxProblem(text, file);
  return syntax ? unreadDocument(file, syntax) : parseSource(text, file, maxBytes);
}
