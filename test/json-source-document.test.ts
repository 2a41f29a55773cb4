import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonSourceDocument } from '../src/source/json-source-document.js';
import { parseSource, type PathSegment, type SourceDocument } from '../src/source/source-document.js';

/** Every path in a JSON value, and beside each a path one step past it that the value does not have. */
function pathsOf(value: unknown, path: PathSegment[] = []): PathSegment[][] {
  const here = [path, [...path, 'absent'], [...path, 7]];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => pathsOf(v, [...path, i]))];
  if (value !== null && typeof value === 'object') return [...here, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...path, k]))];
  return here;
}

const placed = (source: SourceDocument, path: PathSegment[]) => ({
  value: source.locate(path),
  key: source.locate(path, { key: true }),
  scalar: source.scalarAt(path),
  text: source.textAt?.(path),
  problem: source.problemAt(path, 'SCHEMA_TYPE', 'm'),
});

// A request body of a megabyte with one bad value took 2-4 s to be told where it was (YAML's reader),
// blocking every other request: a text JSON.parse reads is now placed by the JSON reader, which must
// place every value, key and scalar where YAML's did.
describe('a JSON text is placed by the JSON reader exactly where the YAML reader placed it', () => {
  const key = fc.string({ maxLength: 8 }).filter((k) => !['__proto__', 'constructor', 'prototype'].includes(k));
  const json = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, fc.string({ maxLength: 10, unit: 'binary' }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
    array: fc.array(tie('value'), { maxLength: 4 }),
    object: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  })).value;

  it('for every path (and paths past the end), compact, indented and tab-indented', () => {
    fc.assert(
      fc.property(json, fc.constantFrom(undefined, 2, '\t'), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        const data = JSON.parse(text) as unknown;
        const yaml = parseSource(text, 'body');
        const fast = jsonSourceDocument(text, 'body', data);
        for (const path of pathsOf(data)) expect(placed(fast, path)).toEqual(placed(yaml, path));
      }),
      { seed: 20261207, numRuns: 300 },
    );
  });

  it('numbers as written, escapes and characters beyond the BMP', () => {
    const text = '{"albumin": {"value": 1e400, "unit": "g/L"}, "n": [-0, 1.0, 2E-3], "s": "caf\\u00e9 \\n \u{1F600}", "\\u0041": true}';
    const data = JSON.parse(text) as unknown;
    const yaml = parseSource(text, 'body');
    const fast = jsonSourceDocument(text, 'body', data);
    for (const path of pathsOf(data)) expect(placed(fast, path)).toEqual(placed(yaml, path));
    expect(fast.textAt?.(['albumin', 'value'])).toBe('1e400');
  });
});
