import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonLine } from '../src/batch/json-line.js';
import { evaluatePatient } from '../src/engine/evaluate-patient.js';
import { TRACE_LEVELS } from '../src/engine/trace-level.js';
import { loadPatientFile } from '../src/patient/load-patient.js';
import { BUNDLED_RULES_DIR, loadRuleSets } from '../src/ruleset/load-rulesets.js';

/** What batch wrote before: the one string, encoded. */
const reference = (value: unknown): Buffer => Buffer.from(`${JSON.stringify(value)}\n`);
const same = (value: unknown): boolean => Buffer.from(jsonLine(value)).equals(reference(value));

// Values JSON writes in its own ways: left out in an object, null in an array, toJSON, -0, NaN.
const awkward = fc.oneof(fc.constant(undefined), fc.constant(() => 1), fc.constant(Symbol('s')), fc.constant(-0), fc.constant(Number.NaN), fc.date({ noInvalidDate: true }), fc.string({ unit: 'binary' }));
const plainData = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.jsonValue(), awkward, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 6 }),
  object: fc.dictionary(fc.string({ unit: 'binary' }), tie('value'), { maxKeys: 6 }),
})).value;

describe('jsonLine: the bytes of JSON.stringify(value) + newline, built piece by piece', () => {
  it('equals them for any plain data, at every depth, with any characters (lone surrogates, "—", "µ")', () => {
    fc.assert(fc.property(plainData, same), { numRuns: 2000 });
  });

  it('equals them for the evaluation of the example patient at every trace level, as batch writes it', async () => {
    const { rulesets } = await loadRuleSets([BUNDLED_RULES_DIR]);
    const patient = loadPatientFile(new URL('../examples/patient.yaml', import.meta.url).pathname).patient;
    expect(patient).toBeDefined();
    for (const trace of TRACE_LEVELS) {
      const evaluation = await evaluatePatient(patient as Record<string, unknown>, rulesets, { trace });
      const line = { line: 1, ...evaluation };
      expect(same(line)).toBe(true);
      // The rule sets' own non-ASCII text is in it, so the pieces' encoding is exercised.
      expect(reference(line).length).toBeGreaterThan(JSON.stringify(line).length);
    }
  });

  it('a line longer than its reused buffer grows it and loses nothing, and the next line is its own', () => {
    const long = { text: 'x'.repeat(5_000_000), tail: '— end' };
    expect(same(long)).toBe(true);
    const first = jsonLine({ a: 'first line' });
    jsonLine({ b: 'second line, written into the same buffer' });
    expect(Buffer.from(first).toString()).toBe('{"a":"first line"}\n');
  });
});
