import type { Problem } from '../problems/problem.js';
import { parseSource } from './source-document.js';

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
    const message = `not valid JSON: ${(err as Error).message.split('\n')[0]}`;
    const position = /position (\d+)/.exec((err as Error).message);
    if (!position) {
      // V8 names no position for some errors (an unclosed bracket); the YAML reader, JSON's superset, does.
      const where = parseSource(text, file).problems[0];
      return { code: 'JSON_SYNTAX', severity: 'error', message, file, line: where?.line ?? 1, column: where?.column ?? 1 };
    }
    const before = text.slice(0, Number(position[1]));
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    return { code: 'JSON_SYNTAX', severity: 'error', message, file, line, column };
  }
}
