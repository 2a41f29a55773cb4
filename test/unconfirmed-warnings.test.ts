import { beforeAll, describe, expect, it } from 'vitest';
import { evaluatePatient } from '../src/engine/evaluate-patient.js';
import type { Evaluation, UnconfirmedSourceWarning } from '../src/engine/types.js';
import type { LoadedRuleSet, TableRow } from '../src/ruleset/types.js';
import { bundledRuleSets } from './support/bundled.js';

// UNCONFIRMED_SOURCE as data: each warning says whether the unconfirmed element determined the result
// (`applies`) or only may have, because missing data leaves the result a range (`possible`), which
// element (rule, band, row) and which one, the rule file's note, and the shown values beside which the
// mark stands. The rule sets and patients are the bundled ones and their cases.

type Fields = Pick<UnconfirmedSourceWarning, 'status' | 'element' | 'id' | 'beside'>;

/** The UNCONFIRMED_SOURCE warnings of one rule set, their fields without the note. */
function sources(evaluation: Evaluation, ruleset: string): Fields[] {
  return evaluation.warnings
    .filter((w): w is UnconfirmedSourceWarning => w.code === 'UNCONFIRMED_SOURCE' && w.ruleset === ruleset)
    .map(({ status, element, id, beside }) => ({ status, element, id, beside }));
}

/** The note of each UNCONFIRMED_SOURCE warning of a rule set, by id. */
function notes(evaluation: Evaluation, ruleset: string): Record<string, string> {
  return Object.fromEntries(evaluation.warnings.flatMap((w) => (w.code === 'UNCONFIRMED_SOURCE' && w.ruleset === ruleset ? [[w.id, w.note]] : [])));
}

let all: LoadedRuleSet[];
const rules = (ids: string[]): LoadedRuleSet[] => {
  const wanted = new Set(ids);
  return all.filter((r) => wanted.has(r.document.id));
};
const document = (id: string): LoadedRuleSet['document'] => {
  const found = all.find((r) => r.document.id === id);
  if (!found) throw new Error(`no bundled rule set ${id}`);
  return found.document;
};
/** The `unconfirmed` text the rule file gives an element. */
const alternativeNote = (ruleset: string, classification: string, row: string): string | undefined =>
  document(ruleset).classifications?.find((c) => c.id === classification)?.alternatives?.find((a) => a.id === row)?.unconfirmed;
const recommendationNote = (ruleset: string, id: string): string | undefined => document(ruleset).recommendations?.find((r) => r.id === id)?.unconfirmed;
const bandNote = (ruleset: string, category: string): string | undefined => document(ruleset).score?.bands?.find((b) => b.category === category)?.unconfirmed;
const rowNote = (ruleset: string, table: string, key: string): string | undefined => (document(ruleset).tables?.[table]?.rows[key] as TableRow | undefined)?.unconfirmed;

beforeAll(async () => {
  all = await bundledRuleSets();
});

// T12 junctional 3, every other SINS input 0: SINS 3, stable by the published band (no inference, no consultation).
const STABLE_T12 = { level: 'T12', pain: 'none', boneLesion: 'blastic', alignment: 'normal', collapse: 'none', posterolateral: 'none' };

describe('an unconfirmed rule (NOMS: low-grade ESCC with myelopathy taken down the high-grade path)', () => {
  it('applies when its row is the one that held (Bilsky 1a with myelopathy)', async () => {
    const evaluation = await evaluatePatient({ lesions: [{ ...STABLE_T12, bilskyGrade: '1a', myelopathy: true }] }, rules(['sins', 'noms']));
    expect(evaluation.lesions[0]?.results.noms?.neurologic).toBe('high_grade');
    expect(sources(evaluation, 'noms')).toEqual([{ status: 'applies', element: 'rule', id: 'neurologic.high_grade_myelopathy', beside: [{ classification: 'neurologic' }] }]);
    expect(evaluation.warnings.find((w) => w.code === 'UNCONFIRMED_SOURCE')?.lesion).toBe(0);
    expect(notes(evaluation, 'noms')).toEqual({ 'neurologic.high_grade_myelopathy': alternativeNote('noms', 'neurologic', 'high_grade_myelopathy') });
  });

  it('is possible when the value is decided but a missing table row leaves open which row gave it (Bilsky 1c with myelopathy)', async () => {
    const evaluation = await evaluatePatient({ lesions: [{ ...STABLE_T12, bilskyGrade: '1c', myelopathy: true }] }, rules(['sins', 'noms']));
    expect(evaluation.lesions[0]?.results.noms?.neurologic).toBe('high_grade');
    expect(sources(evaluation, 'noms')).toEqual([{ status: 'possible', element: 'rule', id: 'neurologic.high_grade_myelopathy', beside: [{ classification: 'neurologic' }] }]);
  });

  it('gives no warning when its row cannot hold (Bilsky 2: high grade by the published row)', async () => {
    const evaluation = await evaluatePatient({ lesions: [{ ...STABLE_T12, bilskyGrade: '2', myelopathy: true }] }, rules(['sins', 'noms']));
    expect(sources(evaluation, 'noms')).toEqual([]);
  });
});

// A clinical-fidelity audit found two more readings of the sources that were not marked as such.
describe('the NOMS readings of intermediate SINS: stable without >50% collapse, consultation ending at 12', () => {
  // T12 junctional 3 + mechanical pain 3 + lytic 2: SINS 8, potentially unstable; collapse decides NOMS's reading.
  const sins8 = { ...STABLE_T12, pain: 'mechanical', boneLesion: 'lytic', bilskyGrade: '0', myelopathy: false };

  it('warn where they hold: stable for NOMS (no >50% collapse) and the consultation', async () => {
    const evaluation = await evaluatePatient({ lesions: [sins8] }, rules(['sins', 'noms']));
    expect(evaluation.lesions[0]?.results.noms?.mechanical).toBe('stable');
    expect(sources(evaluation, 'noms').map((w) => [w.status, w.id])).toEqual([
      ['applies', 'mechanical.stable_intermediate'],
      ['applies', 'surgical_consultation.applies'],
    ]);
  });

  it('the consultation warns, the stable reading does not, with >50% collapse (unstable by Kim et al.)', async () => {
    const evaluation = await evaluatePatient({ lesions: [{ ...sins8, collapse: 'over_50' }] }, rules(['sins', 'noms']));
    expect(evaluation.lesions[0]?.results.noms?.mechanical).toBe('unstable');
    expect(sources(evaluation, 'noms').map((w) => [w.status, w.id])).toEqual([['applies', 'surgical_consultation.applies']]);
  });
});

describe('an unconfirmed recommendation (plan: en bloc for an isolated slow-growing lesion)', () => {
  const patient = { estimatedSurvivalMonths: 36, toleratesSurgery: true, srsAvailable: true, primaryTumor: 'breast', karnofsky: 90, extraspinalBoneMetastasisCount: 0, spinalMetastasisCount: 1, frankelGrade: 'E' };
  const enBloc: Fields['beside'] = [{ recommendation: 'en_bloc_isolated_slow_growing' }];
  // Revised Tokuhashi 9-15 read as more than 3 months is the plan's own reading too (shown beside scoreSurvival).
  const tokuhashiGate = { status: 'applies', element: 'rule', id: 'scoreSurvival.over_3_months', beside: [{ classification: 'scoreSurvival' }] };

  it('applies when the recommendation applies', async () => {
    const evaluation = await evaluatePatient({ ...patient, visceralMetastases: false }, rules(['plan', 'tokuhashi-revised', 'tomita']));
    expect(evaluation.results.plan?.recommendations?.find((r) => r.id === 'en_bloc_isolated_slow_growing')?.status).toBe('applies');
    expect(sources(evaluation, 'plan')).toEqual([tokuhashiGate, { status: 'applies', element: 'rule', id: 'en_bloc_isolated_slow_growing.applies', beside: enBloc }]);
    expect(notes(evaluation, 'plan')['en_bloc_isolated_slow_growing.applies']).toBe(recommendationNote('plan', 'en_bloc_isolated_slow_growing'));
  });

  it('is possible when missing data leaves the recommendation possible (visceral metastases not recorded)', async () => {
    const evaluation = await evaluatePatient(patient, rules(['plan', 'tokuhashi-revised', 'tomita']));
    expect(evaluation.results.plan?.recommendations?.find((r) => r.id === 'en_bloc_isolated_slow_growing')?.status).toBe('possible');
    expect(sources(evaluation, 'plan')).toEqual([tokuhashiGate, { status: 'possible', element: 'rule', id: 'en_bloc_isolated_slow_growing.applies', beside: enBloc }]);
  });
});

describe('an unconfirmed band (modified Bauer: survival figures per band)', () => {
  it('applies when the score falls in it', async () => {
    const evaluation = await evaluatePatient({ primaryTumor: 'breast', visceralMetastases: false, spinalMetastasisCount: 1, extraspinalBoneMetastasisCount: 0 }, rules(['modified-bauer']));
    expect(evaluation.results['modified-bauer']?.category).toBe('middle_term_local_control');
    expect(sources(evaluation, 'modified-bauer')).toEqual([{ status: 'applies', element: 'band', id: 'modified-bauer.middle_term_local_control', beside: [{ score: 'modified-bauer' }] }]);
    expect(notes(evaluation, 'modified-bauer')['modified-bauer.middle_term_local_control']).toBe(bandNote('modified-bauer', 'middle_term_local_control'));
  });

  it('is possible for each band a range spans (visceral metastases not staged: 2 or 3)', async () => {
    const evaluation = await evaluatePatient({ primaryTumor: 'breast', spinalMetastasisCount: 2, extraspinalBoneMetastasisCount: 3 }, rules(['modified-bauer']));
    expect(evaluation.results['modified-bauer']?.range).toEqual([2, 3]);
    expect(sources(evaluation, 'modified-bauer')).toEqual([
      { status: 'possible', element: 'band', id: 'modified-bauer.short_term_palliation', beside: [{ score: 'modified-bauer' }] },
      { status: 'possible', element: 'band', id: 'modified-bauer.middle_term_local_control', beside: [{ score: 'modified-bauer' }] },
    ]);
  });
});

// helper-59 (an auditor recomputing from the trace alone): 61 `possible` band warnings had nothing in the
// trace behind them; the open band entry listed each band's edges but not its note.
describe('an open band entry carries each possible band\'s unconfirmed note, so a possible band mark is explained by the trace', () => {
  it('modified Bauer 2-3: both bands, with the notes the warnings carry', async () => {
    const evaluation = await evaluatePatient({ primaryTumor: 'breast', spinalMetastasisCount: 2, extraspinalBoneMetastasisCount: 3 }, rules(['modified-bauer']));
    const band = evaluation.trace.find((t) => t.kind === 'band' && t.ruleset === 'modified-bauer');
    expect(band?.kind === 'band' && band.possibleBands).toEqual([
      { category: 'short_term_palliation', min: 2, max: 2, unconfirmed: bandNote('modified-bauer', 'short_term_palliation') },
      { category: 'middle_term_local_control', min: 3, max: 4, unconfirmed: bandNote('modified-bauer', 'middle_term_local_control') },
    ]);
  });

  it('every possible band warning of a sparse patient has its note on a possible band of the trace', async () => {
    const evaluation = await evaluatePatient({ primaryTumor: 'lung_nsclc', lesions: [{ level: 'L1', bilskyGrade: '3' }] }, all);
    const possible = evaluation.warnings.filter((w): w is UnconfirmedSourceWarning => w.code === 'UNCONFIRMED_SOURCE' && w.element === 'band' && w.status === 'possible');
    expect(possible.length).toBeGreaterThan(3);
    for (const w of possible) {
      const entry = evaluation.trace.find((t) => t.kind === 'band' && t.ruleset === w.ruleset && t.lesion === w.lesion && w.id.startsWith(`${t.score}.`));
      const category = w.id.slice(w.id.lastIndexOf('.') + 1);
      expect(entry?.kind === 'band' && entry.possibleBands?.find((b) => b.category === category)?.unconfirmed, w.id).toBe(w.note);
    }
  });
});

describe('an unconfirmed table row (Tomita: histology -> growth class)', () => {
  const growth: Fields['beside'] = [{ score: 'tomita', component: 'growth' }];

  it('applies when the histology is given, beside the component that tests the derived fact', async () => {
    const evaluation = await evaluatePatient({ primaryTumor: 'breast', visceralMetastasesTreatability: 'none', spinalMetastasisCount: 1, extraspinalBoneMetastasisCount: 0 }, rules(['tomita']));
    expect(evaluation.results.tomita?.score).toBe(2);
    expect(sources(evaluation, 'tomita')).toEqual([{ status: 'applies', element: 'row', id: 'primaryGrowth.breast', beside: growth }]);
    expect(notes(evaluation, 'tomita')['primaryGrowth.breast']).toBe(rowNote('tomita', 'primaryGrowth', 'breast'));
  });

  it('is possible for every row a missing histology could take, at every trace level', async () => {
    const unconfirmedRows = Object.keys(document('tomita').tables?.primaryGrowth?.rows ?? {}).filter((key) => rowNote('tomita', 'primaryGrowth', key) !== undefined);
    expect(unconfirmedRows).toHaveLength(10);
    for (const trace of ['full', 'rules', 'none'] as const) {
      const evaluation = await evaluatePatient({ visceralMetastasesTreatability: 'untreatable', spinalMetastasisCount: 3 }, rules(['tomita']), { trace });
      expect(evaluation.results.tomita?.components?.growth?.status).toBe('undetermined');
      // In the order of the histology's possible values (the patient contract's), not the table's.
      const byId = (a: Fields, b: Fields): number => a.id.localeCompare(b.id);
      // Three vertebrae are multiple bone metastases, where "isolated" ones would also score 2 (unconfirmed too).
      const multiple: Fields = { status: 'applies', element: 'rule', id: 'bone.multiple', beside: [{ score: 'tomita', component: 'bone' }] };
      expect(sources(evaluation, 'tomita').sort(byId)).toEqual([multiple, ...unconfirmedRows.map((key): Fields => ({ status: 'possible', element: 'row', id: `primaryGrowth.${key}`, beside: growth }))].sort(byId));
    }
  });

  it('is not raised for a histology with no row (TABLE_NO_ENTRY instead)', async () => {
    const evaluation = await evaluatePatient({ primaryTumor: 'melanoma', spinalMetastasisCount: 1, extraspinalBoneMetastasisCount: 0 }, rules(['tomita']));
    expect(sources(evaluation, 'tomita')).toEqual([]);
    expect(evaluation.warnings.filter((w) => w.ruleset === 'tomita').map((w) => w.code)).toEqual(['TABLE_NO_ENTRY']);
  });
});
