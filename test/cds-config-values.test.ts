import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../src/cli/exit-codes.js';
import { DEFAULT_CDS_CONFIG, loadCdsConfig } from '../src/server/cds-config.js';
import { positionOf, read, writeVariant } from './support/mutate.js';
import { CLI } from './support/run-cli.js';
import { withServe } from './support/serve-process.js';

/** config/cds-hooks.yaml with each [from, to] replaced once, as a temporary file. */
const configWith = (edits: Array<[string, string]>) => writeVariant(read(DEFAULT_CDS_CONFIG), edits, 'cds-hooks.yaml');

const placed = (problems: ReadonlyArray<{ code: string; line?: number; column?: number }>): string[] => problems.map((p) => `${p.code}@${p.line}:${p.column}`).sort();
const at = (code: string, { line, column }: { line: number; column: number }): string => `${code}@${line}:${column}`;

// `set: { primaryTumor: brest }`, `set: { visceralMetastases: "often" }` and `units: { g/L: kg/L }` started
// the service, and every CDS call with a matching Condition or Observation was then a 422 SCHEMA_ENUM or
// SCHEMA_TYPE blamed on the EHR's prefetch; only a misspelt field name (UNKNOWN_PATIENT_FIELD) was refused.
describe('VALUE_NOT_IN_DOMAIN and UNIT_MISMATCH: a config/cds-hooks.yaml value the patient contract does not allow', () => {
  it('a Condition setting a value outside the field\'s enum or type, and an Observation unit the field does not take, are each placed at the value', () => {
    const { file, text } = configWith([
      ['set: { primaryTumor: breast }', 'set: { primaryTumor: brest }'],
      ['code: C78, set: { visceralMetastases: true }', 'code: C78, set: { visceralMetastases: "often" }'],
      ['units: { g/dL: g/dL, g/L: g/L }', 'units: { g/dL: g/dL, g/L: kg/L }'],
    ]);
    const { config, problems } = loadCdsConfig(file);
    expect(config).toBeUndefined();
    expect(problems.every((p) => p.file === file && p.severity === 'error')).toBe(true);
    expect(placed(problems)).toEqual(
      [at('VALUE_NOT_IN_DOMAIN', positionOf(text, 'brest')), at('VALUE_NOT_IN_DOMAIN', positionOf(text, '"often"')), at('UNIT_MISMATCH', positionOf(text, 'kg/L'))].sort(),
    );
  });

  // helper-62: an Observation mapped to a field that takes no number started, and every call with it was a 422.
  it('an Observation by LOINC mapped to a field that takes no number is INPUT_TYPE_MISMATCH at the field', () => {
    const { file, text } = configWith([['{ field: karnofsky, loinc: [89243-0] }', '{ field: primaryTumor, loinc: [89243-0] }']]);
    expect(placed(loadCdsConfig(file).problems)).toEqual([at('INPUT_TYPE_MISMATCH', positionOf(text, 'primaryTumor', 'field: primaryTumor, loinc'))]);
  });

  it('"*" (the Condition\'s own code) stays valid for a text field, and is not for a true-or-false one', () => {
    expect(loadCdsConfig().problems).toEqual([]);
    const wildcard = configWith([['code: C61, set: { primaryTumor: prostate } }', 'code: C61, set: { primaryTumor: "*" } }']]);
    expect(loadCdsConfig(wildcard.file).problems).toEqual([]);
    const boolean = configWith([['code: C78, set: { visceralMetastases: true }', 'code: C78, set: { visceralMetastases: "*" }']]);
    expect(placed(loadCdsConfig(boolean.file).problems)).toEqual([at('VALUE_NOT_IN_DOMAIN', positionOf(boolean.text, '"*"', 'code: C78'))]);
  });

  it('a unit mapped for a field without one, a quantity read without its unit, and a field a Condition cannot set', () => {
    const { file, text } = configWith([
      ['{ field: karnofsky, loinc: [89243-0] }', '{ field: karnofsky, loinc: [89243-0], units: { "%": "%" } }'],
      ['{ field: crp, loinc: [1988-5], units: { mg/dL: mg/dL, mg/L: mg/L } }', '{ field: crp, loinc: [1988-5] }'],
      ['code: C79.3, set: { visceralMetastases: true }', 'code: C79.3, set: { spinalMetastasisCount: "2" }'],
    ]);
    expect(placed(loadCdsConfig(file).problems)).toEqual(
      [
        at('UNIT_MISMATCH', positionOf(text, '{ "%"')),
        at('UNIT_MISMATCH', positionOf(text, 'crp, loinc')),
        at('VALUE_NOT_IN_DOMAIN', positionOf(text, '"2"')),
      ].sort(),
    );
  });

  // A sign of spinal disease that names no number field would never hold, and the card never show.
  it('a spinalDisease sign naming no field of the contract, or one that takes no number, is placed at the field', () => {
    const { file, text } = configWith([['- { field: spinalMetastasisCount, atLeast: 1 }', '- { field: spinalMetastasesCount, atLeast: 1 }\n    - { field: ambulatoryStatus, atLeast: 1 }']]);
    expect(placed(loadCdsConfig(file).problems)).toEqual([at('UNKNOWN_PATIENT_FIELD', positionOf(text, 'spinalMetastasesCount')), at('INPUT_TYPE_MISMATCH', positionOf(text, 'ambulatoryStatus, atLeast'))].sort());
  });

  // atLeast: 40 loaded though the patient contract counts at most 33 vertebrae: a sign that never holds (QA, clinical).
  it('VALUE_NOT_IN_DOMAIN: a spinalDisease threshold outside its field\'s range is placed at atLeast; its bounds are not', () => {
    const { file, text } = configWith([['- { field: spinalMetastasisCount, atLeast: 1 }', '- { field: spinalMetastasisCount, atLeast: 40 }\n    - { field: extraspinalBoneMetastasisCount, atLeast: -1 }']]);
    expect(placed(loadCdsConfig(file).problems)).toEqual([at('VALUE_NOT_IN_DOMAIN', positionOf(text, '40', 'spinalMetastasisCount, atLeast')), at('VALUE_NOT_IN_DOMAIN', positionOf(text, '-1', 'extraspinalBoneMetastasisCount, atLeast'))].sort());
    const bounds = configWith([['- { field: spinalMetastasisCount, atLeast: 1 }', '- { field: spinalMetastasisCount, atLeast: 33 }\n    - { field: extraspinalBoneMetastasisCount, atLeast: 0 }']]);
    expect(loadCdsConfig(bounds.file).problems).toEqual([]);
  });

  it('serve does not start on them: each problem at its place in the file, exit 1', () => {
    const { file, text } = configWith([
      ['set: { primaryTumor: breast }', 'set: { primaryTumor: brest }'],
      ['units: { g/dL: g/dL, g/L: g/L }', 'units: { g/dL: g/dL, g/L: kg/L }'],
    ]);
    const result = spawnSync(process.execPath, [CLI, 'serve', '--port', '0', '--cds-config', file], { encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(EXIT.rules);
    const heads = result.stderr.split('\n').flatMap((l) => /^(\S+:\d+:\d+ [A-Z_]+) /.exec(l)?.[1] ?? []);
    const where = (needle: string) => `${file}:${positionOf(text, needle).line}:${positionOf(text, needle).column}`;
    expect(heads.sort()).toEqual([`${where('brest')} VALUE_NOT_IN_DOMAIN`, `${where('kg/L')} UNIT_MISMATCH`].sort());
  }, 40_000);

  // It started silently, and read as "no sign listed" a record that counts its involved vertebrae but holds
  // no lesion Observation got no card, where it had one (QA, clinical).
  it('CARD_SPINAL_DISEASE_UNSET: a config without card.spinalDisease loads with a warning at card, and serve says so at start', async () => {
    const { file, text } = configWith([['  spinalDisease:\n    - { field: spinalMetastasisCount, atLeast: 1 }\n', '']]);
    const { config, problems } = loadCdsConfig(file);
    expect(config?.card.spinalDisease).toBeUndefined();
    expect(problems.map((p) => `${p.severity} ${p.code}@${p.line}:${p.column}`)).toEqual([`warning ${at('CARD_SPINAL_DISEASE_UNSET', positionOf(text, 'card:'))}`]);
    await withServe(['--cds-config', file], async (serve) => {
      expect(serve.logs.filter((l) => l.code === 'CARD_SPINAL_DISEASE_UNSET').map((l) => l.level)).toEqual([40]);
    });
  }, 40_000);
});
