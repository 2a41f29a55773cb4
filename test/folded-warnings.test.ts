import { beforeAll, describe, expect, it } from 'vitest';
import { evaluatePatient } from '../src/engine/evaluate-patient.js';
import { foldedWarnings } from '../src/explain/folded-warnings.js';
import type { LoadedRuleSet } from '../src/ruleset/types.js';
import { bundledRuleSets } from './support/bundled.js';

// With the primary tumour missing, the text report listed ten "possible" notes for Tomita's growth
// table alone, one per unconfirmed row, and four for NESMS's bands: the notes that apply were buried.

let all: LoadedRuleSet[];
beforeAll(async () => {
  all = await bundledRuleSets();
});

const unconfirmed = (listed: ReturnType<typeof foldedWarnings>, ruleset: string) => listed.filter((w) => w.code === 'UNCONFIRMED_SOURCE' && w.ruleset === ruleset);

describe('foldedWarnings: the possible unconfirmed elements of one table, score or part at one place are one line', () => {
  it('folds the rows a missing key could look up, naming each row, and keeps every warning in the evaluation', async () => {
    // One vertebra and no other bone metastasis: solitary for Tomita, whose "multiple" reading would warn too.
    const evaluation = await evaluatePatient({ lesions: [{ level: 'T12' }], spinalMetastasisCount: 1, extraspinalBoneMetastasisCount: 0 }, all);
    const tomita = unconfirmed(foldedWarnings(evaluation.warnings), 'tomita');
    expect(tomita).toHaveLength(1);
    expect(tomita[0]?.message).toMatch(/^table primaryGrowth rows breast, prostate, lung_nsclc, lung_sclc, renal_cell, thyroid, hepatocellular, gastric, uterine, unknown_primary \(possible: /);
    // Notes that differ are not run together; one shared by every band is given once.
    expect(tomita[0]?.message).toMatch(/: each has its own note/);
    const nesms = unconfirmed(foldedWarnings(evaluation.warnings), 'nesms');
    const band = evaluation.warnings.find((w) => w.code === 'UNCONFIRMED_SOURCE' && w.ruleset === 'nesms');
    expect(nesms.map((w) => w.message)).toEqual([`nesms categories nesms_0, nesms_1, nesms_2, nesms_3 (possible: missing data leaves open which applies): ${band?.code === 'UNCONFIRMED_SOURCE' ? band.note : ''}`]);
    expect(evaluation.warnings.filter((w) => w.code === 'UNCONFIRMED_SOURCE' && w.ruleset === 'tomita')).toHaveLength(10);
  });

  it('leaves a warning that applies as it is, and does not fold across lesions', async () => {
    const evaluation = await evaluatePatient({ primaryTumor: 'renal_cell', lesions: [{ level: 'T12' }, { level: 'L2' }] }, all);
    // Two vertebrae are multiple bone metastases, where "isolated" ones would also score 2 (unconfirmed, applies).
    const listed = foldedWarnings(evaluation.warnings);
    const tomita = evaluation.warnings.filter((w) => w.code === 'UNCONFIRMED_SOURCE' && w.ruleset === 'tomita');
    expect(unconfirmed(listed, 'tomita')).toEqual(tomita);
    expect(tomita.map((w) => (w.code === 'UNCONFIRMED_SOURCE' ? `${w.status} ${w.id}` : ''))).toEqual(['applies primaryGrowth.renal_cell', 'applies bone.multiple']);
    // Each lesion keeps its own NOMS notes (the same elements at both, neither folded into the other).
    const noms = unconfirmed(listed, 'noms').map((w) => `${w.lesion} ${w.message}`);
    const at = (lesion: number) => noms.filter((n) => n.startsWith(`${lesion} `)).map((n) => n.slice(2));
    expect(at(0).length).toBeGreaterThan(0);
    expect(at(1)).toEqual(at(0));
    expect(noms).toHaveLength(at(0).length * 2);
  });
});
