import { describe, expect, it } from 'vitest';
import { firstTooDeep } from '../src/source/flow-nesting.js';

const deep = (n: number): string => '['.repeat(n) + ']'.repeat(n);
/** The offset of the bracket that opens level `limit + 1` of the nesting that starts at `start`. */
const past = (text: string, start: string, limit: number): number => text.indexOf(start) + start.length + limit;

describe('firstTooDeep: the bracket where a document goes past the limit', () => {
  it('counts [ and { where a value begins, in YAML and JSON', () => {
    expect(firstTooDeep(`lesions: ${deep(5)}`, 4)).toBe(past(`lesions: ${deep(5)}`, 'lesions: ', 4));
    expect(firstTooDeep(`lesions: ${deep(4)}`, 4)).toBeUndefined();
    // The document's own brace is the first level.
    const json = `{"lesions":${deep(5)}}`;
    expect(firstTooDeep(json, 5)).toBe(past(json, '"lesions":', 4));
  });

  // An apostrophe in a plain value opened a "quoted string" that ran on past the nesting, and brackets
  // inside plain text were counted (regression QA, helper-46).
  it('reads an apostrophe or brackets inside a plain value, quoted strings and comments as text', () => {
    for (const before of ["id: Tomita's patient\n", 'id: a[[[[[[\n', 'id: "[[[[[["\n', "id: '[[[[[[''s'\n", '# [[[[[[ a comment\n', 'url: http://x/[[[[[[\n']) {
      const text = `${before}lesions: ${deep(7)}\n`;
      expect(firstTooDeep(text, 6)).toBe(past(text, 'lesions: ', 6));
    }
    const json = '{"id":"x[[[[","note":"a]]]\\"[[","lesions":' + deep(7) + '}';
    expect(firstTooDeep(json, 7)).toBe(past(json, '"lesions":', 6));
  });

  it('counts flow collections after a comma or a list dash', () => {
    expect(firstTooDeep('a: [1, [2, [3]]]', 2)).toBe('a: [1, [2, '.length);
    expect(firstTooDeep('- [[[x]]]', 2)).toBe('- [['.length);
  });

  // Since every YAML text is measured before it is read, a block scalar whose lines start with [ (a
  // clinical note pasted under `|`) was NESTING_TOO_DEEP, hiding the file's real problems (helper-70).
  it('reads the lines of a block scalar as text, and counts again after it', () => {
    for (const header of ['|', '>', '|-', '>+2', '| # a note']) {
      const block = `primaryTumor: ${header}\n${'  [note {x\n'.repeat(120)}`;
      expect(firstTooDeep(block, 6), header).toBeUndefined();
      const after = `${block}lesions: ${deep(7)}\n`;
      expect(firstTooDeep(after, 6), header).toBe(past(after, 'lesions: ', 6));
      const listed = `notes:\n  - ${header}\n${'    [[[[[[[\n'.repeat(3)}  - ${deep(7)}\n`;
      expect(firstTooDeep(listed, 6), header).toBe(past(listed, `  - ${header}\n${'    [[[[[[[\n'.repeat(3)}  - `, 6));
    }
  });

  // A block under a tag or an anchor was counted (valid YAML refused), and one under `- level: |` ended
  // only at the list's indentation, hiding a sibling's nesting (helper-74).
  it('finds a block scalar after a tag or anchor, and ends it at the key or list entry it belongs to', () => {
    for (const header of ['!!str |', '&note |', '!!str &note >-']) expect(firstTooDeep(`id: ${header}\n  ${'['.repeat(9)}\nage: 1\n`, 6), header).toBeUndefined();
    const sibling = `- level: |\n    text\n  other: ${deep(7)}\n`;
    expect(firstTooDeep(sibling, 6)).toBe(past(sibling, 'other: ', 6));
    const nested = `a:\n  - - |\n      ${'['.repeat(9)}\n  - ${deep(7)}\n`;
    expect(firstTooDeep(nested, 6)).toBe(nested.lastIndexOf('  - ') + '  - '.length + 6);
  });
});
