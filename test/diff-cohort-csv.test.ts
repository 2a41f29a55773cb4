import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../src/cli/exit-codes.js';
import { runCli } from './support/run-cli.js';

const SINS_12 = new URL('../examples/profiles/sins-unstable-12.profile.yaml', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'spinemets-diff-csv-'));

// T12 junctional 3 + mechanical 3 + mixed 1 + de novo deformity 2 + <50% collapse 2 + unilateral 1 = SINS 12,
// which the profile moves to unstable; L3 with nothing else is stable either way.
const patients = [
  { id: 'p12', lesions: [{ level: 'T12', pain: 'mechanical', boneLesion: 'mixed', alignment: 'de_novo_deformity', collapse: 'under_50', posterolateral: 'unilateral' }] },
  { id: 'p2', lesions: [{ level: 'L3', pain: 'none', boneLesion: 'blastic', alignment: 'normal', collapse: 'none', posterolateral: 'none' }] },
];
const FIELDS = ['level', 'pain', 'boneLesion', 'alignment', 'collapse', 'posterolateral'] as const;
const CSV = ['id', ...FIELDS.map((f) => `lesion1.${f}`)].join(',') + '\n' + patients.map((p) => [p.id, ...FIELDS.map((f) => p.lesions[0]?.[f])].join(',')).join('\n') + '\n';

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

interface CohortJson {
  cohort: { patients: number; invalid: unknown[]; changed: Array<{ id: string; line: number }>; outputs: Array<{ output: string; transitions: unknown[] }> };
}

function diffCohort(...args: string[]): { code: number | null; json?: CohortJson; stderr: string } {
  const { code, stdout, stderr } = runCli(['diff', 'sins', SINS_12, '--format', 'json', ...args]);
  return { code, stderr, ...(code === 0 ? { json: JSON.parse(stdout) as CohortJson } : {}) };
}

// `diff --cohort examples/cohort.csv` read the CSV as NDJSON: JSON_SYNTAX on every line and "0 patients".
describe('diff --cohort reads a CSV cohort as batch does', () => {
  it('a *.csv cohort gives the same patients and changes as the same patients in NDJSON, with CSV lines', () => {
    const csv = diffCohort('--cohort', write('cohort.csv', CSV));
    const ndjson = diffCohort('--cohort', write('cohort.ndjson', patients.map((p) => JSON.stringify(p)).join('\n') + '\n'));
    expect(csv.code).toBe(EXIT.ok);
    expect(csv.json?.cohort.patients).toBe(2);
    expect(csv.json?.cohort.invalid).toEqual([]);
    expect(csv.json?.cohort.changed.map((p) => [p.id, p.line])).toEqual([['p12', 2]]);
    expect(csv.json?.cohort.outputs).toEqual(ndjson.json?.cohort.outputs);
  });

  it('--cohort-format csv reads a CSV file of another name', () => {
    const { code, json } = diffCohort('--cohort', write('registry.txt', CSV), '--cohort-format', 'csv');
    expect(code).toBe(EXIT.ok);
    expect(json?.cohort.patients).toBe(2);
  });

  it('a CSV header that does not map is CSV_HEADER at its column, exit 2, as in batch', () => {
    const { code, stderr } = diffCohort('--cohort', write('bad.csv', CSV.replace('lesion1.pain', 'lesion1.pian')));
    expect(code).toBe(EXIT.input);
    expect(stderr).toMatch(/bad\.csv:1:3 CSV_HEADER /);
  });

  it('a cohort file that does not exist is FILE_UNREADABLE, exit 2 (was an internal error)', () => {
    const { code, stderr } = diffCohort('--cohort', join(dir, 'missing.csv'));
    expect(code).toBe(EXIT.input);
    expect(stderr).toMatch(/missing\.csv:1:1 FILE_UNREADABLE /);
  });
});
