import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { generateCohort } from '../bench/cohort.js';

/** The built command, run the way a user runs it (`npm test` builds first). */
const CLI = new URL('../dist/cli/main.js', import.meta.url).pathname;
const COHORT_CSV = new URL('../examples/cohort.csv', import.meta.url).pathname;
const SINS_RULES = new URL('../rules/sins/', import.meta.url).pathname;

function run(args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 256 * 1024 * 1024 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'spinemets-batch-'));
const ndjson = (text: string) => text.trim().split('\n').map((l) => JSON.parse(l));
const csvRows = (text: string) => parse(text, { columns: true }) as Array<Record<string, string>>;

/** `count` seeded patients as NDJSON, some fields missing. */
function cohortFile(dir: string, count: number): string {
  const file = join(dir, 'cohort.ndjson');
  writeFileSync(file, generateCohort(count, 7, { missingRate: 0.15 }).map((p) => JSON.stringify(p)).join('\n') + '\n');
  return file;
}

describe('batch: CSV input', () => {
  it('maps the example registry export onto the contract: known SINS and NESMS, an empty cell is missing data', () => {
    const { code, stdout } = run(['batch', COHORT_CSV, '--trace', 'none']);
    expect(code).toBe(0);
    const [first, second, third] = ndjson(stdout);
    expect(first).toMatchObject({ line: 2, patient: { id: 'example-001' }, results: { nesms: { score: 3, category: 'nesms_3' } } });
    expect(first.lesions[0]).toMatchObject({ level: 'T12', results: { sins: { score: 11, range: [11, 11], category: 'potentially_unstable' } } });
    // lesion2.collapse is an empty cell: missing, so SINS is a range, never scored as 0 points.
    expect(first.lesions[1]).toMatchObject({ level: 'L3', results: { sins: { score: null, range: [3, 6], category: 'stable', missing: ['collapse'] } } });
    // Bilsky grade "2" stays a string (the schema's type), and drives NOMS.
    expect(first.lesions[0].results.noms.neurologic).toBe('high_grade');
    // No lesion2 cells: one lesion, not an empty second one.
    expect(second).toMatchObject({ line: 3, patient: { id: 'breast-002' } });
    expect(second.lesions).toHaveLength(1);
    // An empty albumin cell leaves NESMS open instead of scoring low albumin.
    expect(third).toMatchObject({ line: 4, patient: { id: 'lung-003' } });
    expect(third.lesions.map((l: { results: { sins: { score: number } } }) => l.results.sins.score)).toEqual([14, 8]);
  });

  it('gives the same result as the same patient in JSON', () => {
    const dir = tmp();
    const json = join(dir, 'p.ndjson');
    const patient = { id: 'x', albumin: { value: 38, unit: 'g/L' }, crp: { value: 5, unit: 'mg/L' }, lesions: [{ level: 'T12', pain: 'mechanical', bilskyGrade: '1c' }] };
    writeFileSync(json, JSON.stringify(patient) + '\n');
    const csv = join(dir, 'p.csv');
    writeFileSync(csv, 'id,albumin,albumin.unit,crp[mg/L],lesion1.level,lesion1.pain,lesion1.bilskyGrade\nx,38,g/L,5,T12,mechanical,1c\n');
    const fromJson = ndjson(run(['batch', json, '--workers', '1']).stdout)[0];
    const fromCsv = ndjson(run(['batch', csv, '--workers', '1']).stdout)[0];
    expect({ ...fromCsv, line: 1 }).toEqual(fromJson);
  });

  it('reports each bad row with its CSV line and column and goes on with the next', () => {
    const dir = tmp();
    const file = join(dir, 'bad.csv');
    writeFileSync(
      file,
      [
        'id,age,visceralMetastases,lesion1.level,lesion1.pain,lesion2.level',
        'ok-1,60,no,T12,mechanical,',
        'bad-level,60,no,T13,mechanical,',
        'bad-number,sixty,maybe,T12,none,',
        'too-few,60',
        'gap,60,no,,,L1',
        'ok-2,,,C5,none,',
        // A stray quote stays in its cell, which fails as that column's value. It used to leave the
        // parser inside a quote, so every later row of the file was lost without a word.
        'quote,"6"0,no,T12,none,',
        'after-quote,60,no,T12,none,',
      ].join('\n') + '\n',
    );
    const { code, stdout, stderr } = run(['batch', file, '--rules', SINS_RULES]);
    expect(code).toBe(2);
    const out = ndjson(stdout);
    expect(out).toHaveLength(8);
    expect(out[0]).toMatchObject({ line: 2, patient: { id: 'ok-1' } });
    expect(out[1]).toMatchObject({ line: 3, error: { problems: [{ code: 'SCHEMA_ENUM', file, line: 3, column: 4, path: '/lesions/0/level' }] } });
    expect(out[2].error.problems).toMatchObject([
      { code: 'CSV_CELL', line: 4, column: 2, path: '/age' },
      { code: 'CSV_CELL', line: 4, column: 3, path: '/visceralMetastases' },
    ]);
    expect(out[3]).toMatchObject({ line: 5, error: { problems: [{ code: 'CSV_COLUMN_COUNT', line: 5 }] } });
    expect(out[4]).toMatchObject({ line: 6, error: { problems: [{ code: 'CSV_LESION_GAP', line: 6, column: 6 }] } });
    expect(out[5]).toMatchObject({ line: 7, patient: { id: 'ok-2' } });
    expect(out[5].lesions[0].results.sins.range).toEqual([2, 14]);
    expect(out[6].line).toBe(8);
    expect(out[6].error.problems).toMatchObject([{ code: 'CSV_CELL', line: 8, column: 2, path: '/age' }]);
    expect(out[7]).toMatchObject({ line: 9, patient: { id: 'after-quote' } });
    expect(stderr).toContain('8 patients, 3 evaluated, 5 invalid');
    expect(stderr).toContain(`${file}:3:4 SCHEMA_ENUM`);
  });

  /** The problems of each row of `rows` (under `header`), as code@line:column path. */
  function rowProblems(header: string, rows: string[]): string[][] {
    const file = join(tmp(), 'rows.csv');
    writeFileSync(file, [header, ...rows].join('\n') + '\n');
    const { code, stdout } = run(['batch', file, '--rules', SINS_RULES, '--workers', '1']);
    expect(code).toBe(2);
    return ndjson(stdout).map((row) => (row.error?.problems ?? []).map((p: { code: string; line: number; column: number; path?: string }) => `${p.code}@${p.line}:${p.column} ${p.path ?? ''}`));
  }

  // The row's schema check ran only when every cell had read: the wrong level came to light a run later.
  it('a cell that does not read does not hide the schema problems of the rest of the row', () => {
    const header = 'id,age,visceralMetastases,lesion1.level,lesion1.myelopathy,albumin,albumin.unit';
    expect(rowProblems(header, ['p1,sixty,no,T13,,,', 'p2,60,no,L1,perhaps,lots,g/L'])).toEqual([
      ['CSV_CELL@2:2 /age', 'SCHEMA_ENUM@2:4 /lesions/0/level'],
      ['CSV_CELL@3:5 /lesions/0/myelopathy', 'CSV_CELL@3:6 /albumin'],
    ]);
  });

  it('a lab value that does not read still has its unit checked, and no second problem of its own', () => {
    const header = 'id,crp,crp.unit,ldh[U/L]';
    expect(rowProblems(header, ['p1,high,furlongs,', 'p2,high,,', 'p3,,,many', 'p4,3,mg/L,'])).toEqual([
      ['CSV_CELL@2:2 /crp', 'SCHEMA_ENUM@2:3 /crp/unit'],
      ['CSV_CELL@3:2 /crp', 'SCHEMA_REQUIRED@3:2 /crp/unit'],
      ['CSV_CELL@4:4 /ldh'],
      [],
    ]);
  });

  it('a lesion gap does not hide the schema problems of the rest of the row', () => {
    const header = 'id,spinalMetastasisCount,lesion1.level,lesion1.pain,lesion2.level,lesion2.pain';
    // The count is not compared with the lesions: with a gap, how many vertebrae they involve is not known.
    expect(rowProblems(header, ['p1,1,,,T13,severe'])).toEqual([['CSV_LESION_GAP@2:5 /lesions/1/level', 'SCHEMA_ENUM@2:5 /lesions/1/level', 'SCHEMA_ENUM@2:6 /lesions/1/pain']]);
  });

  it('rejects an unknown column in the header at line 1 with a suggestion, before evaluating anything', () => {
    const dir = tmp();
    const file = join(dir, 'header.csv');
    writeFileSync(file, 'id,primaryTumour,crp\nx,breast,3\n');
    const { code, stdout, stderr } = run(['batch', file]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(new RegExp(`${file}:1:2 CSV_HEADER unknown column "primaryTumour"; did you mean "primaryTumor"\\?`));
    expect(stderr).toMatch(new RegExp(`${file}:1:3 CSV_HEADER "crp" needs its unit`));
  });

  // The header was placed at line 1 whatever blank lines came before it; a unit column alone failed every row.
  it('places header problems at the header line, and asks for the value column of a unit column', () => {
    const file = join(tmp(), 'header.csv');
    writeFileSync(file, '\n\nid,Age,crp.unit\np1,60,mg/L\n');
    const { code, stderr } = run(['batch', file]);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n').map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual([`${file}:3:2 CSV_HEADER`, `${file}:3:3 CSV_HEADER`]);
  });

  // An empty header cell was 'unknown column ""; did you mean "id"?', and a unit problem at column 2
  // came after a name problem at column 3 (QA pass of the batch).
  it('names a column without a name as such, and gives the header problems in the header\'s order', () => {
    const file = join(tmp(), 'header.csv');
    writeFileSync(file, 'id,crp,Age,\np1,3,60,\n');
    const { code, stderr } = run(['batch', file]);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n').map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual([`${file}:1:2 CSV_HEADER`, `${file}:1:3 CSV_HEADER`, `${file}:1:4 CSV_HEADER`]);
    expect(stderr).toContain(`${file}:1:4 CSV_HEADER a column has no name;`);
  });

  // Registry exports fill the unit column on every row: an empty value beside it rejected the whole row.
  it('reads a lab whose value cell is empty as missing, whatever its unit cell says', () => {
    const file = join(tmp(), 'labs.csv');
    writeFileSync(file, 'id,albumin,albumin.unit\na1,,g/L\na2,38,g/L\n');
    const { code, stdout } = run(['batch', file, '--rules', new URL('../rules/nesms/', import.meta.url).pathname, '--workers', '1', '--trace', 'none']);
    expect(code).toBe(0);
    const [a1, a2] = ndjson(stdout);
    expect(a1.results.nesms.components.albumin).toMatchObject({ points: null, missing: ['albumin'] });
    expect(a2.results.nesms.components.albumin).toMatchObject({ points: 1 });
  });

  // Spreadsheet exports end with rows of commas: each was a patient with nothing known, counted in the summary.
  it('skips a row of empty cells as it skips a blank line', () => {
    const file = join(tmp(), 'commas.csv');
    writeFileSync(file, 'id,age,lesion1.level\np1,60,T4\n,,\n , ,\n');
    const { code, stdout, stderr } = run(['batch', file, '--rules', SINS_RULES, '--workers', '1', '--trace', 'none']);
    expect(code).toBe(0);
    expect(ndjson(stdout).map((r) => r.patient.id)).toEqual(['p1']);
    expect(stderr).toMatch(/^1 patient, 1 evaluated, 0 invalid/m);
  });

  // A space after a closing quote kept the quotes in the id ("\"p2\""), with no error.
  it('reads a quoted cell followed by spaces as the text inside the quotes', () => {
    const file = join(tmp(), 'quoted.csv');
    writeFileSync(file, 'id,age\n"p2" ,61\n');
    const { stdout } = run(['batch', file, '--rules', SINS_RULES, '--workers', '1', '--trace', 'none']);
    expect(ndjson(stdout).map((r) => r.patient.id)).toEqual(['p2']);
  });
});

// Rule sets sent to worker threads were rebuilt without the review of the profiles: under a profile not
// followed everywhere, `batch` on several cores wrote no THRESHOLD_NOT_FOLLOWED, one worker did (helper-50).
describe('batch: under a profile, worker threads and the main thread write the same lines', () => {
  it('keeps the review of the profile in every line, whatever the number of workers', () => {
    const file = cohortFile(tmp(), 6);
    const profile = new URL('../examples/profiles/sins-unstable-12.profile.yaml', import.meta.url).pathname;
    const [one, two] = ['1', '2'].map((workers) => run(['batch', file, '--trace', 'none', '--profile', profile, '--workers', workers]));
    expect(two?.stdout).toBe(one?.stdout);
    const lines = ndjson(one?.stdout ?? '');
    const withLesions = lines.filter((l) => l.lesions?.length);
    expect(withLesions.length).toBeGreaterThan(0);
    for (const line of withLesions) expect(line.warnings.filter((w: { code: string }) => w.code === 'THRESHOLD_NOT_FOLLOWED')).toMatchObject([{ ruleset: 'lesion-plan', change: 'sins-unstable-band' }]);
  });

  // CSV output has no warnings: a registry read there the results of a profile not followed everywhere
  // with nothing saying so (regression QA, helper-50). A `caution` column says it, only where one is needed.
  it('gives CSV output a caution column under such a profile, and none without one', () => {
    const profile = new URL('../examples/profiles/sins-unstable-12.profile.yaml', import.meta.url).pathname;
    const rows = csvRows(run(['batch', COHORT_CSV, '--output-format', 'csv', '--profile', profile]).stdout);
    expect(rows.length).toBe(3);
    for (const row of rows) expect(row.caution).toMatch(/^Institution profile sins-unstable-12@1\.5\.0 is not followed everywhere: 1 test in lesion-plan /);
    expect(Object.keys(csvRows(run(['batch', COHORT_CSV, '--output-format', 'csv']).stdout)[0] ?? {})).not.toContain('caution');
  });
});

describe('batch: rows that cannot be evaluated', () => {
  // NDJSON error rows were {line, error} alone: the analyst lost the id to join them back (QA pass of the batch).
  it('names the patient of a rejected NDJSON row when its id can be read', () => {
    const file = join(tmp(), 'bad.ndjson');
    // helper-60: a key repeated elsewhere in the row lost the id too, though it is written once.
    writeFileSync(file, '{"id":"bad","age":"sixty"}\n{"id": 5, "agee": 1}\nnot json\n{"id":"twice","id":"again"}\n{"id":"age-twice","age":50,"age":60}\n');
    const { code, stdout } = run(['batch', file, '--trace', 'none', '--workers', '1']);
    expect(code).toBe(2);
    expect(ndjson(stdout).map((row) => [row.line, row.patient ?? null, row.error.problems[0].code])).toEqual([
      [1, { id: 'bad' }, 'SCHEMA_TYPE'],
      [2, null, 'SCHEMA_UNKNOWN_KEY'],
      [3, null, 'JSON_SYNTAX'],
      [4, null, 'DUPLICATE_KEY'],
      [5, { id: 'age-twice' }, 'DUPLICATE_KEY'],
    ]);
  });

  // helper-58: an unclosed line of 5,000 `[` took the JSON error reader past the stack: exit 70 and an empty
  // output on one worker (the other rows lost), JSON_SYNTAX on two.
  it('an unclosed line nesting thousands deep is NESTING_TOO_DEEP at its bracket, and the rows around it are written', () => {
    const file = join(tmp(), 'deep.ndjson');
    // helper-63: closed at 2,000 deep, a row read NESTING_TOO_DEEP on one worker and SCHEMA_UNKNOWN_KEY on two
    // (whether the positioned reader ran out of stack depended on the thread's stack).
    writeFileSync(file, `{"id":"a"}\n{"id":${'['.repeat(5000)}\n{"id":"c","age":1,"age":2,"x":${'['.repeat(5000)}${']'.repeat(5000)}}\n{"id":"d"}\n{"id":"e","x":${'['.repeat(2000)}${']'.repeat(2000)}}\n`);
    for (const workers of ['1', '2']) {
      const { code, stdout } = run(['batch', file, '--trace', 'none', '--workers', workers]);
      expect(code, workers).toBe(2);
      const rows = ndjson(stdout);
      expect(rows.map((row) => [row.line, row.patient?.id ?? null, row.error?.problems[0].code ?? null]), workers).toEqual([
        [1, 'a', null],
        [2, null, 'NESTING_TOO_DEEP'],
        [3, null, 'NESTING_TOO_DEEP'],
        [4, 'd', null],
        [5, 'e', 'NESTING_TOO_DEEP'],
      ]);
      // The document's brace is the first level: the 100th bracket, column 7 + 99, opens the 101st.
      expect(rows[1].error.problems[0]).toMatchObject({ line: 2, column: 106 });
    }
  });

  // helper-58: a last line of nothing but an incomplete UTF-8 sequence decoded to nothing and was dropped:
  // "1 patient, 0 invalid", exit 0, where the same bytes before a newline, or in a CSV file, were refused.
  it('a last line of an incomplete UTF-8 sequence is ENCODING_INVALID, with or without its newline', () => {
    for (const [end, workers] of [['', '1'], ['', '2'], ['\n', '1']] as const) {
      const file = join(tmp(), 'cut.ndjson');
      writeFileSync(file, Buffer.concat([Buffer.from('{"id":"a"}\n'), Buffer.from([0xc3]), Buffer.from(end)]));
      const { code, stdout } = run(['batch', file, '--trace', 'none', '--workers', workers]);
      expect(code, JSON.stringify(end) + workers).toBe(2);
      expect(ndjson(stdout).map((row) => [row.line, row.error?.problems.map((p: { code: string; line: number; column: number }) => [p.code, p.line, p.column]) ?? null])).toEqual([
        [1, null],
        [2, [['ENCODING_INVALID', 2, 1]]],
      ]);
    }
  });

  // "cannot read file" said nothing of why, where --rules said "(ENOENT)" (QA pass of the batch).
  it('says why the input cannot be read', () => {
    const missing = join(tmp(), 'nope.ndjson');
    const { code, stderr } = run(['batch', missing]);
    expect(code).toBe(2);
    expect(stderr).toBe(`${missing}:1:1 FILE_UNREADABLE cannot read file (ENOENT)\n`);
  });
});

describe('batch: CSV output', () => {
  it('writes one row per patient with each rule set and lesion flattened into named columns', () => {
    const { code, stdout } = run(['batch', COHORT_CSV, '--output-format', 'csv']);
    expect(code).toBe(0);
    const rows = csvRows(stdout);
    expect(rows).toHaveLength(3);
    const [first] = rows;
    expect(first).toMatchObject({
      line: '2',
      id: 'example-001',
      error: '',
      'nesms.score': '3',
      'nesms.category': 'nesms_3',
      lesions: '2',
      'lesion1.level': 'T12',
      'lesion1.sins.score': '11',
      'lesion1.sins.category': 'potentially_unstable',
      'lesion2.sins.score': '',
      'lesion2.sins.min': '3',
      'lesion2.sins.max': '6',
      'lesion2.sins.missing': 'collapse',
    });
    expect(first?.['lesion1.noms.decision']).toMatch(/\S/);
  });

  // A patient without a list of lesions had `lesions` 0 beside `lmnop.missing: lesions` (QA pass of the batch).
  it('leaves the number of lesions empty when the patient gives no list, 0 only for an empty one', () => {
    const file = join(tmp(), 'p.ndjson');
    writeFileSync(file, [{ id: 'unknown' }, { id: 'none', lesions: [] }, { id: 'one', lesions: [{ level: 'T4' }] }].map((p) => JSON.stringify(p)).join('\n') + '\n');
    const { code, stdout } = run(['batch', file, '--output-format', 'csv', '--workers', '1']);
    expect(code).toBe(0);
    expect(csvRows(stdout).map((row) => [row.id, row.lesions])).toEqual([['unknown', ''], ['none', '0'], ['one', '1']]);
  });

  // NDJSON wrote `lesions: []` for both: an auditor could not tell a patient with no list from one with none listed.
  it('tells a patient without a list of lesions from one with lesions: [] in NDJSON, as evaluate --format json does', () => {
    const dir = tmp();
    const patients = [{ id: 'unknown' }, { id: 'none', lesions: [] }, { id: 'one', lesions: [{ level: 'T4' }] }];
    const file = join(dir, 'p.ndjson');
    writeFileSync(file, patients.map((p) => JSON.stringify(p)).join('\n') + '\n');
    const expected = [[{ id: 'unknown', lesionsListed: false }, 0], [{ id: 'none', lesionsListed: true }, 0], [{ id: 'one', lesionsListed: true }, 1]];
    for (const workers of ['1', '2']) {
      const lines = ndjson(run(['batch', file, '--workers', workers, '--trace', 'none']).stdout);
      expect(lines.map((l: { patient: unknown; lesions: unknown[] }) => [l.patient, l.lesions.length])).toEqual(expected);
    }
    const evaluated = patients.map((p, i) => {
      const one = join(dir, `p${i}.json`);
      writeFileSync(one, JSON.stringify(p));
      const { patient, lesions } = JSON.parse(run(['evaluate', one, '--format', 'json', '--trace', 'none']).stdout) as { patient: unknown; lesions: unknown[] };
      return [patient, lesions.length];
    });
    expect(evaluated).toEqual(expected);
  });

  // CSV named the fact a table has no row for (esccClass) among the missing inputs, which no record can give.
  it('names what the team decides apart from the missing inputs', () => {
    const file = join(tmp(), 'gap.csv');
    writeFileSync(file, 'id,primaryTumor,toleratesSurgery,lesion1.level,lesion1.pain,lesion1.boneLesion,lesion1.alignment,lesion1.collapse,lesion1.posterolateral,lesion1.bilskyGrade,lesion1.myelopathy\np1c,renal_cell,yes,T4,none,blastic,normal,none,none,1c,no\n');
    const { code, stdout } = run(['batch', file, '--output-format', 'csv', '--workers', '1']);
    expect(code).toBe(0);
    const [row] = csvRows(stdout);
    expect(row?.['lesion1.noms.decision']).toBe('');
    expect(row?.['lesion1.noms.missing']).toBe('');
    expect(row?.['lesion1.noms.teamDecides']).toBe('esccClass: table esccGrade of noms has no row for bilskyGrade = 1c');
  });

  // CSV listed only the recommendations that apply: one that missing inputs leave open read as not applying.
  it('lists the recommendations missing inputs leave open apart from those that apply', () => {
    const { code, stdout } = run(['batch', COHORT_CSV, '--output-format', 'csv']);
    expect(code).toBe(0);
    const [first, second] = csvRows(stdout);
    expect(first).toMatchObject({
      'lesion1.lesion-plan.possibleRecommendations': 'surgical_site_infection_risk instrumentation_failure_risk',
      'lesion1.noms.recommendations': 'surgical_consultation',
      'lesion1.noms.possibleRecommendations': '',
    });
    expect(first?.['lesion1.lesion-plan.recommendations']?.split(' ')).not.toContain('instrumentation_failure_risk');
    expect(second).toMatchObject({ 'lesion1.lesion-plan.recommendations': '', 'lesion1.lesion-plan.possibleRecommendations': 'srs_dose_fracture_risk_age' });
  });

  it('turns a patient with more lesions than lesion column groups into an error row, never a truncated one', () => {
    const dir = tmp();
    const file = join(dir, 'p.ndjson');
    writeFileSync(file, JSON.stringify({ id: 'three', lesions: [{ level: 'T1' }, { level: 'T2' }, { level: 'T3' }] }) + '\n');
    const { code, stdout } = run(['batch', file, '--rules', SINS_RULES, '--output-format', 'csv', '--lesion-columns', '2']);
    expect(code).toBe(2);
    const [row] = csvRows(stdout);
    expect(row).toMatchObject({ id: 'three', error: expect.stringMatching(/CSV_TOO_MANY_LESIONS 3 lesions/) });
    expect(row?.['lesion1.sins.score']).toBe('');
  });

  // An invalid row's id cell was left empty, so the error could not be joined back to the patient.
  it('keeps the id of a CSV row that is invalid', () => {
    const file = join(tmp(), 'bad.csv');
    writeFileSync(file, 'id,age\np1,sixty\n');
    const { code, stdout } = run(['batch', file, '--rules', SINS_RULES, '--output-format', 'csv', '--workers', '1']);
    expect(code).toBe(2);
    expect(csvRows(stdout)[0]).toMatchObject({ id: 'p1', error: expect.stringMatching(/CSV_CELL/) });
  });

  it('a patient rejected for too many lesions adds nothing to the summary counts', () => {
    const dir = tmp();
    const file = join(dir, 'p.ndjson');
    const summaryFile = join(dir, 'summary.json');
    writeFileSync(file, JSON.stringify({ id: 'three', lesions: [{ level: 'T1' }, { level: 'T2' }, { level: 'T3' }] }) + '\n');
    const { code } = run(['batch', file, '--rules', SINS_RULES, '--output-format', 'csv', '--lesion-columns', '2', '--summary', summaryFile, '-o', join(dir, 'out.csv')]);
    expect(code).toBe(2);
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
    expect(summary).toMatchObject({ rows: 1, evaluated: 0, errors: 1 });
    expect(summary.counts).toEqual({});
  });

  // The NDJSON lines gave no way to find their records; the service's /batch lines name them.
  it('names each line\'s decision record with --record', () => {
    const dir = tmp();
    const log = join(dir, 'decisions.jsonl');
    const { code, stdout } = run(['batch', cohortFile(dir, 3), '--rules', SINS_RULES, '--workers', '1', '--record', log]);
    expect(code).toBe(0);
    const recorded = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l).decisionId);
    expect(ndjson(stdout).map((r) => r.decisionId)).toEqual(recorded);
  });

  // It recorded a decision for every such row although the output and the exit code said none was made.
  it('records no decision for a patient rejected for too many lesions', () => {
    const dir = tmp();
    const file = join(dir, 'p.ndjson');
    const log = join(dir, 'decisions.jsonl');
    writeFileSync(file, [{ id: 'two', lesions: [{ level: 'T1' }, { level: 'T2' }] }, { id: 'three', lesions: [{ level: 'T1' }, { level: 'T2' }, { level: 'T3' }] }].map((p) => JSON.stringify(p)).join('\n') + '\n');
    const { code } = run(['batch', file, '--rules', SINS_RULES, '--output-format', 'csv', '--lesion-columns', '2', '--record', log, '-o', join(dir, 'out.csv')]);
    expect(code).toBe(2);
    const recorded = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l).input.lesions.length);
    expect(recorded).toEqual([2]);
  });

  it('rejects a trace it could not write (CSV has no trace columns) as a usage error (64), before evaluating anything', () => {
    for (const level of ['rules', 'full']) {
      const { code, stdout, stderr } = run(['batch', COHORT_CSV, '--output-format', 'csv', '--trace', level]);
      expect(code).toBe(64);
      expect(stdout).toBe('');
      expect(stderr).toMatch(new RegExp(`--trace ${level}: CSV output has no trace columns`));
    }
    // Built without a trace, the rows are those of --trace none, which is allowed.
    const none = run(['batch', COHORT_CSV, '--output-format', 'csv', '--trace', 'none']);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe(run(['batch', COHORT_CSV, '--output-format', 'csv']).stdout);
  });

  // --lesion-columns with NDJSON output was silently ignored (QA pass, patient inputs).
  it('rejects lesion column groups for NDJSON output as a usage error (64), before evaluating anything', () => {
    const { code, stdout, stderr } = run(['batch', COHORT_CSV, '--lesion-columns', '2']);
    expect(code).toBe(64);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^<command line> OPTION_CONFLICT /);
  });

  // --lesion-columns 0 was taken, and every row with a lesion was then CSV_TOO_MANY_LESIONS (helper-52).
  it('refuses --lesion-columns 0 as a usage error (64): a lesion needs a column group', () => {
    const { code, stdout, stderr } = run(['batch', COHORT_CSV, '--output-format', 'csv', '--lesion-columns', '0']);
    expect(code).toBe(64);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^<command line> OPTION_INVALID --lesion-columns must be a whole number from 1 to 33, got "0"/);
  });
});

describe('batch: workers, order, shards, summary', () => {
  it('keeps input order with two workers and gives the same output as one', () => {
    const dir = tmp();
    const file = cohortFile(dir, 300);
    const two = run(['batch', file, '--rules', SINS_RULES, '--workers', '2', '--trace', 'none']);
    const one = run(['batch', file, '--rules', SINS_RULES, '--workers', '1', '--trace', 'none']);
    expect(two.code).toBe(0);
    const ids = ndjson(two.stdout).map((r) => r.patient.id);
    expect(ids).toEqual(Array.from({ length: 300 }, (_, i) => `S7-P${i}`));
    expect(two.stdout).toBe(one.stdout);
  });

  it('splits rows by index mod n: shards 1/3, 2/3 and 3/3 together are the whole batch', () => {
    const dir = tmp();
    const file = cohortFile(dir, 100);
    const whole = run(['batch', file, '--rules', SINS_RULES, '--trace', 'none']).stdout;
    const shards = [1, 2, 3].map((i) => run(['batch', file, '--rules', SINS_RULES, '--trace', 'none', '--shard', `${i}/3`]).stdout);
    ndjson(shards[1] ?? '').forEach((r, k) => expect(r.line).toBe(3 * k + 2));
    const byLine = (a: { line: number }, b: { line: number }) => a.line - b.line;
    expect(ndjson(shards.join('')).sort(byLine)).toEqual(ndjson(whole));
  });

  it('rejects a malformed --shard or --workers, or an output it cannot write, as a usage error (64)', () => {
    for (const [option, value, problem] of [
      ['--shard', '4/3', 'OPTION_INVALID --shard 4/3: i must be between 1 and 3'],
      ['--shard', 'half', 'OPTION_INVALID --shard must be i/n'],
      ['--shard', '1/0', 'OPTION_INVALID --shard 1/0: n must be at least 1'],
      ['--workers', '0', 'OPTION_INVALID --workers must be a whole number from 1'],
      ['-o', '/nonexistent-dir/out.ndjson', 'OUTPUT_UNWRITABLE cannot write /nonexistent-dir/out.ndjson (ENOENT)'],
      ['--nope', '1', 'OPTION_INVALID unknown option'],
      // commander's suggestion stays on the problem's line.
      ['--worker', '1', "OPTION_INVALID unknown option '--worker' (Did you mean --workers?)"],
    ] as const) {
      const { code, stderr, stdout } = run(['batch', COHORT_CSV, option, value]);
      expect(code).toBe(64);
      expect(stdout).toBe('');
      // One problem line with a stable code, as every other mistake is reported.
      expect(stderr.startsWith(`<command line> ${problem}`)).toBe(true);
    }
  });

  it('counts rows, errors with their first lines, categories and decisions in the summary', () => {
    const dir = tmp();
    const file = join(dir, 'cohort.ndjson');
    const t12 = { level: 'T12', pain: 'mechanical', boneLesion: 'lytic', alignment: 'normal', collapse: 'under_50', posterolateral: 'unilateral' };
    const c5 = { level: 'C5', pain: 'none', boneLesion: 'blastic', alignment: 'normal', collapse: 'none', posterolateral: 'none' };
    writeFileSync(
      file,
      [
        JSON.stringify({ id: 'a', lesions: [t12] }),
        'not json',
        JSON.stringify({ id: 'b', lesions: [c5, t12] }),
        JSON.stringify({ id: 'c', lesions: [{ level: 'T12' }] }),
      ].join('\n') + '\n',
    );
    const summaryFile = join(dir, 'summary.json');
    const { code, stderr } = run(['batch', file, '--rules', SINS_RULES, '--summary', summaryFile, '-o', join(dir, 'out.ndjson')]);
    expect(code).toBe(2);
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
    expect(summary).toMatchObject({ rows: 4, evaluated: 3, errors: 1, firstErrors: [{ line: 2, problem: expect.stringContaining(`${file}:2:`) }] });
    // T12 as in the README's example: 11, potentially unstable; C5 (mobile spine, 2) with nothing else: 2, stable;
    // a T12 with nothing but its level: 3-18, undetermined.
    expect(summary.counts.sins.category).toEqual({ potentially_unstable: 2, stable: 1, undetermined: 1 });
    expect(summary.elapsedSeconds).toBeGreaterThan(0);
    expect(stderr).toContain('4 patients, 3 evaluated, 1 invalid');
    expect(stderr).toContain('sins.category: potentially_unstable 2, stable 1, undetermined 1');
  });

  it('records decisions in input order from the main thread with two workers', () => {
    const dir = tmp();
    const file = cohortFile(dir, 40);
    const log = join(dir, 'audit.jsonl');
    expect(run(['batch', file, '--rules', SINS_RULES, '--workers', '2', '--record', log, '-o', join(dir, 'out.ndjson')]).code).toBe(0);
    const ids = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l).input.id);
    expect(ids).toEqual(Array.from({ length: 40 }, (_, i) => `S7-P${i}`));
    expect(run(['audit', 'verify', log]).code).toBe(0);
  });
});

// `batch s.ndjson -o s.ndjson` emptied the cohort before reading it; --summary at a missing folder
// failed with an internal error after the whole batch had run; a folder as input was an internal error.
describe('batch refuses outputs that would destroy the input or fail at the end', () => {
  it('refuses -o, --summary or --record naming the cohort (also through a link), exit 64, the cohort intact', () => {
    const dir = tmp();
    const file = cohortFile(dir, 3);
    const before = readFileSync(file, 'utf8');
    symlinkSync(file, join(dir, 'link.ndjson'));
    for (const args of [['-o', file], ['--summary', join(dir, 'link.ndjson')], ['--record', file], ['-o', join(dir, 'out'), '--summary', join(dir, 'out')]]) {
      const { code, stdout } = run(['batch', file, '--workers', '1', ...args]);
      expect(code).toBe(64);
      expect(stdout).toBe('');
      expect(readFileSync(file, 'utf8')).toBe(before);
    }
  });

  it('refuses a --summary whose folder does not exist before evaluating anyone, exit 64', () => {
    const dir = tmp();
    const { code, stdout } = run(['batch', cohortFile(dir, 3), '--workers', '1', '--summary', join(dir, 'missing', 'summary.json')]);
    expect(code).toBe(64);
    expect(stdout).toBe('');
  });

  // It ran the whole batch, then failed at its last step with an internal error (EISDIR, exit 70).
  it('refuses a --summary that is a folder before evaluating anyone, exit 64', () => {
    const dir = tmp();
    const { code, stdout, stderr } = run(['batch', cohortFile(dir, 3), '--workers', '1', '--summary', dir]);
    expect(code).toBe(64);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^<command line> OUTPUT_UNWRITABLE /);
  });

  // A full disk under `batch cohort > results.ndjson` printed a stack trace and exit 1, read as rule-set problems.
  it.runIf(existsSync('/dev/full'))('reports standard output that cannot be written in one line, exit 74', () => {
    const full = openSync('/dev/full', 'w');
    try {
      const result = spawnSync(process.execPath, [CLI, 'batch', cohortFile(tmp(), 3), '--workers', '1'], { encoding: 'utf8', stdio: ['ignore', full, 'pipe'] });
      expect(result.status).toBe(74);
      expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^<command line> OUTPUT_WRITE_FAILED standard output could not be written: ENOSPC/)]);
    } finally {
      closeSync(full);
    }
  });

  it('reports a folder given as the cohort as FILE_UNREADABLE at 1:1, exit 2', () => {
    const dir = tmp();
    const { code, stderr } = run(['batch', dir]);
    expect(code).toBe(2);
    expect(stderr).toMatch(new RegExp(`^${dir}:1:1 FILE_UNREADABLE `));
  });

  it('reads an NDJSON cohort that starts with a byte-order mark', () => {
    const dir = tmp();
    const file = join(dir, 'bom.ndjson');
    writeFileSync(file, '\uFEFF{"id":"a"}\n{"id":"b"}\n');
    const { code, stdout } = run(['batch', file, '--workers', '1', '--trace', 'none']);
    expect(code).toBe(0);
    expect(ndjson(stdout).map((r: { line: number; patient: { id: string } }) => [r.line, r.patient.id])).toEqual([[1, 'a'], [2, 'b']]);
  });
});

// csv-parse counts a CRLF inside a quoted cell as two lines: every later row was reported one too low.
describe('CSV line numbers after a quoted cell spanning lines, with CRLF line endings', () => {
  it('names each row by its own line, as with LF endings', () => {
    const dir = tmp();
    for (const eol of ['\r\n', '\n']) {
      const file = join(dir, `crlf-${eol.length}.csv`);
      writeFileSync(file, ['id,ecog', `"a${eol}b",1`, 'c,9', 'd,9', ''].join(eol));
      const out = ndjson(run(['batch', file, '--workers', '1', '--trace', 'none']).stdout);
      expect(out.map((r: { line: number; error?: { problems: Array<{ line: number }> } }) => [r.line, r.error?.problems[0]?.line ?? null])).toEqual([[2, null], [4, 4], [5, 5]]);
    }
  });
});

// csv-parse read everything after a quote opened and never closed into that cell: one CSV_SYNTAX problem
// at the end of the file, and no later row evaluated.
describe('CSV: a quote that opens a cell and is not closed on its line', () => {
  type Row = { line: number; patient?: { id: string }; error?: { problems: Array<{ code: string; line: number; column: number }> } };
  const summary = (stdout: string) => ndjson(stdout).map((r: Row) => [r.line, r.error?.problems.map((p) => `${p.code}@${p.line}:${p.column}`).join(' ') ?? r.patient?.id]);

  it('fails its own row at the line and cell where it opened; every later row is evaluated', () => {
    const dir = tmp();
    for (const eol of ['\n', '\r\n']) {
      const file = join(dir, `unclosed-${eol.length}.csv`);
      // A cell spanning lines before it, and blank lines, keep their line numbers.
      writeFileSync(file, ['id,ecog,lesion1.level', `"p${eol}1",1,T4`, 'p2,1,T4', '', '  ', 'p3,"6,T4', 'p4,2,T6', 'p5,1,T7', ''].join(eol));
      const { code, stdout } = run(['batch', file, '--workers', '1', '--trace', 'none']);
      expect(code).toBe(2);
      expect(summary(stdout)).toEqual([[2, `p${eol}1`], [4, 'p2'], [7, 'CSV_SYNTAX@7:2'], [8, 'p4'], [9, 'p5']]);
    }
  });

  it('also when a quote on a later line, followed by neither a comma nor a line end, took it as closed', () => {
    const dir = tmp();
    for (const eol of ['\n', '\r\n']) {
      const file = join(dir, `runaway-${eol.length}.csv`);
      // relax_quotes took the quote before 2 as closing p2's cell, so p3 and p4 were lost inside p2's row.
      writeFileSync(file, ['id,ecog', 'p1,1', 'p2,"1', 'p3,1', 'p4,"2"', '"p5,2', 'p6,1', ''].join(eol));
      const { code, stdout } = run(['batch', file, '--workers', '1', '--trace', 'none']);
      expect(code).toBe(2);
      expect(summary(stdout)).toEqual([[2, 'p1'], [3, 'CSV_SYNTAX@3:2'], [4, 'p3'], [5, 'p4'], [6, 'CSV_SYNTAX@6:1'], [7, 'p6']]);
    }
  });

  // A CSV_SYNTAX row kept no id, where an NDJSON row rejected for its syntax keeps the id it can read.
  it('keeps the id of its row when the id cell comes before the quote, in NDJSON and in CSV output', () => {
    const dir = tmp();
    for (const eol of ['\n', '\r\n']) {
      const file = join(dir, `unclosed-id-${eol.length}.csv`);
      // p2's quote is never closed, p3's is closed by the quote before 4 on its next line; the id of the
      // last row is itself the quoted cell, so it cannot be read.
      writeFileSync(file, ['age,id,ecog', '60, "p1" ,1', '61,p2,"1', '62,p3,"1', '"4",p4,1', '"63,p5,1', ''].join(eol));
      const rows = ndjson(run(['batch', file, '--workers', '1', '--trace', 'none']).stdout).map((r: Row) => [r.line, r.patient?.id ?? null, r.error?.problems.map((p) => p.code).join(' ') ?? null]);
      expect(rows).toEqual([[2, 'p1', null], [3, 'p2', 'CSV_SYNTAX'], [4, 'p3', 'CSV_SYNTAX'], [5, 'p4', null], [6, null, 'CSV_SYNTAX']]);
      const csv = csvRows(run(['batch', file, '--output-format', 'csv', '--workers', '2']).stdout).map((r) => [r.line, r.id, r.error?.split(' ')[1] ?? '']);
      expect(csv).toEqual([['2', 'p1', ''], ['3', 'p2', 'CSV_SYNTAX'], ['4', 'p3', 'CSV_SYNTAX'], ['5', 'p4', ''], ['6', '', 'CSV_SYNTAX']]);
    }
  });
});

// JSON.stringify writes Infinity as null: a cell or value of 1e400 was reported as "got null".
describe('batch: a number that is not finite (1e400 reads as Infinity)', () => {
  it('is named as written, at its line and column, in NDJSON and in CSV', () => {
    const dir = tmp();
    const lines = join(dir, 'inf.ndjson');
    writeFileSync(lines, '{"id": "a"}\n{"id": "b", "age": 1e400}\n');
    const csv = join(dir, 'inf.csv');
    writeFileSync(csv, 'id,age,crp,crp.unit\na,1,2,mg/L\nb,60,1e400,mg/L\n');
    for (const [file, line, column, path] of [[lines, 2, 20, '/age'], [csv, 3, 3, '/crp/value']] as const) {
      const { code, stdout } = run(['batch', file, '--workers', '1', '--trace', 'none']);
      expect(code).toBe(2);
      const [, bad] = ndjson(stdout);
      expect(bad.error.problems).toEqual([expect.objectContaining({ code: 'SCHEMA_TYPE', line, column, path, message: expect.stringContaining('got 1e400 (not a finite number)') })]);
    }
  });
});
