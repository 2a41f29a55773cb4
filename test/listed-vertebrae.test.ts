import { describe, expect, it } from 'vitest';
import { evaluatePatient } from '../src/engine/evaluate-patient.js';
import type { InputTrace } from '../src/engine/types.js';
import { checkPatient } from '../src/patient/load-patient.js';
import { listedVertebrae } from '../src/patient/listed-vertebrae.js';
import { BUNDLED_RULES_DIR, loadRuleSets } from '../src/ruleset/load-rulesets.js';
import { parseSource } from '../src/source/source-document.js';

describe('listedVertebrae', () => {
  it('counts each level once, and a lesion without a level as at a listed level or at its own', () => {
    expect(listedVertebrae([{ level: 'T12' }, { level: 'T12' }])).toEqual({ least: 1, most: 1, repeated: ['T12'] });
    expect(listedVertebrae([{ level: 'T12' }, { level: 'L1' }, {}])).toEqual({ least: 2, most: 3, repeated: [] });
    expect(listedVertebrae([{}, {}])).toEqual({ least: 1, most: 2, repeated: [] });
    expect(listedVertebrae([])).toEqual({ least: 0, most: 0, repeated: [] });
  });
});

describe('two lesions listed at the same level are one involved vertebra', () => {
  const patient = { id: 'same-level', primaryTumor: 'breast', visceralMetastases: false, extraspinalBoneMetastasisCount: 0, lesions: [{ level: 'T12' }, { level: 'T12' }] };

  it('the defaulted count is 1, and the trace says why', async () => {
    const { rulesets } = await loadRuleSets([BUNDLED_RULES_DIR]);
    const evaluation = await evaluatePatient(patient, rulesets.filter((r) => r.document.id === 'modified-bauer'), { trace: 'full' });
    const count = evaluation.trace.find((t): t is InputTrace => t.kind === 'input' && t.input === 'spinalMetastasisCount');
    expect(count).toMatchObject({ value: 1, source: 'default', takenFrom: ['lesions'] });
    expect(count?.note).toContain('T12 listed more than once');
    // Breast, no visceral metastases, a solitary skeletal metastasis: Leithner 2008, one point each.
    expect(evaluation.results['modified-bauer']?.components?.solitarySkeletal?.points).toBe(1);
  });

  it('a given count of 1 is consistent with them (it was INCONSISTENT_INPUT)', () => {
    const text = JSON.stringify({ ...patient, spinalMetastasisCount: 1 });
    const load = checkPatient(parseSource(text, 'p.json'));
    expect(load.problems).toEqual([]);
    expect(checkPatient(parseSource(JSON.stringify({ ...patient, lesions: [{ level: 'T12' }, { level: 'L1' }], spinalMetastasisCount: 1 }), 'p.json')).problems.map((p) => p.code)).toEqual(['INCONSISTENT_INPUT']);
  });
});

describe('a lesion without a level may be at a level listed already (it was counted as a vertebra of its own)', () => {
  const unplaced = { pain: 'none', priorRadiotherapyAtLevel: false };

  it('a given count that only the shared level allows is consistent (it was INCONSISTENT_INPUT)', () => {
    const lesions = [{ level: 'T5' }, { level: 'S2' }, { level: 'L3' }, unplaced];
    expect(checkPatient(parseSource(JSON.stringify({ spinalMetastasisCount: 3, lesions }), 'p.json')).problems).toEqual([]);
    const fewer = checkPatient(parseSource(JSON.stringify({ spinalMetastasisCount: 2, lesions }), 'p.json')).problems;
    expect(fewer.map((p) => [p.code, p.line, p.column])).toEqual([['INCONSISTENT_INPUT', 1, 26]]);
  });

  it('the defaulted count is a range, and a score it can change is open, naming the count', async () => {
    const { rulesets } = await loadRuleSets([BUNDLED_RULES_DIR]);
    const patient = { primaryTumor: 'breast', visceralMetastases: false, extraspinalBoneMetastasisCount: 0, lesions: [{ level: 'T12' }, unplaced] };
    const evaluation = await evaluatePatient(patient, rulesets.filter((r) => r.document.id === 'modified-bauer'), { trace: 'full' });
    const count = evaluation.trace.find((t): t is InputTrace => t.kind === 'input' && t.input === 'spinalMetastasisCount');
    expect(count).toMatchObject({ value: null, possible: [1, 2], source: 'missing', takenFrom: ['lesions'] });
    // Leithner 2008: a solitary skeletal metastasis 1 point, else 0; one vertebra or two.
    const bauer = evaluation.results['modified-bauer'];
    expect(bauer?.components?.solitarySkeletal).toMatchObject({ points: null, range: [0, 1], missing: ['spinalMetastasisCount'] });
    expect(bauer).toMatchObject({ score: null, range: [3, 4] });
  });

  it('an LMNOP finding over the vertebrae counted stays open while the unplaced lesion may leave one unlisted', async () => {
    const { rulesets } = await loadRuleSets([BUNDLED_RULES_DIR]);
    const lesions = [{ level: 'T5', priorRadiotherapyAtLevel: false }, { level: 'S2', priorRadiotherapyAtLevel: false }, { level: 'L3', priorRadiotherapyAtLevel: false }, unplaced];
    const lmnop = rulesets.filter((r) => ['lmnop', 'sins', 'noms', 'nesms'].includes(r.document.id));
    const open = await evaluatePatient({ spinalMetastasisCount: 4, lesions }, lmnop, { trace: 'full' });
    // Four vertebrae: if the unplaced lesion is at T5, S2 or L3, the fourth is not listed and may have been irradiated.
    expect(open.results.lmnop?.classifications?.previousIrradiation).toMatchObject({ value: null, possible: ['irradiated', 'not_irradiated'] });
    expect(open.results.lmnop?.missing).toEqual(expect.arrayContaining(['level']));
    const irradiation = open.trace.find((t): t is InputTrace => t.kind === 'input' && t.ruleset === 'lmnop' && t.input === 'previousRadiotherapy');
    expect(irradiation?.aggregate?.values).toEqual([false, false, false, false, null]);
    // With the fourth lesion's level given, every vertebra counted is listed.
    const placed = await evaluatePatient({ spinalMetastasisCount: 4, lesions: [...lesions.slice(0, 3), { ...unplaced, level: 'T9' }] }, lmnop, { trace: 'none' });
    expect(placed.results.lmnop?.classifications?.previousIrradiation).toMatchObject({ value: 'not_irradiated' });
  });
});

// With one vertebra involved and T12 listed, a second lesion without a level was scored at any level
// (SINS 10-13) and LMNOP left continuity and regions open over one vertebra (QA pass, clinical edge cases).
describe('a lesion without a level is at a listed level when the count leaves no vertebra of its own', () => {
  const unplaced = { pain: 'mechanical', boneLesion: 'lytic', alignment: 'de_novo_deformity', collapse: 'over_50', posterolateral: 'none' };
  const patient = { spinalMetastasisCount: 1, lesions: [{ level: 'T12', pain: 'none', boneLesion: 'blastic', alignment: 'normal', collapse: 'none', posterolateral: 'none' }, unplaced] };

  it('takes the one listed level, traced as taken from the count and the lesions', async () => {
    const { rulesets } = await loadRuleSets([BUNDLED_RULES_DIR]);
    const evaluation = await evaluatePatient(patient, rulesets.filter((r) => ['sins', 'lmnop', 'noms', 'nesms'].includes(r.document.id)), { trace: 'full' });
    // T12 junctional 3 + mechanical 3 + lytic 2 + de novo deformity 2 + >50% collapse 3 + none 0 = 13 (Fisher 2010).
    expect(evaluation.lesions[1]?.results.sins).toMatchObject({ score: 13, category: 'unstable' });
    const level = evaluation.trace.find((t): t is InputTrace => t.kind === 'input' && t.ruleset === 'sins' && t.lesion === 1 && t.input === 'level');
    expect(level).toMatchObject({ value: 'T12', source: 'default', takenFrom: ['spinalMetastasisCount', 'lesions'] });
    expect(evaluation.results.lmnop?.classifications).toMatchObject({ continuity: { value: 'contiguous' }, regions: { value: 'thoracic_only' }, mechanical: { value: 'unstable' } });
  });

  it('keeps it one of the listed levels when there are several, and open when the count leaves room', async () => {
    const { rulesets } = await loadRuleSets([BUNDLED_RULES_DIR]);
    const sins = rulesets.filter((r) => r.document.id === 'sins');
    const two = { spinalMetastasisCount: 2, lesions: [{ level: 'T12' }, { level: 'L3' }, unplaced] };
    const both = await evaluatePatient(two, sins, { trace: 'full' });
    expect(both.trace.find((t): t is InputTrace => t.kind === 'input' && t.lesion === 2 && t.input === 'level')).toMatchObject({ value: null, possible: ['T12', 'L3'] });
    // L3 mobile 2 or T12 junctional 3: 12 or 13.
    expect(both.lesions[2]?.results.sins).toMatchObject({ score: null, range: [12, 13] });
    const room = await evaluatePatient({ ...two, spinalMetastasisCount: 3 }, sins, { trace: 'none' });
    expect(room.lesions[2]?.results.sins).toMatchObject({ score: null, range: [10, 13] });
  });
});

// `lesions: []` without a count read as no vertebra involved: LMNOP said "not irradiated" and "no level
// listed" as findings, while it left the number of levels open and a count of 2 opened both (QA pass).
describe('no lesion listed and no count: every involved vertebra is unknown, not absent', () => {
  it('leaves the LMNOP findings over the vertebrae counted open, naming the lesions, as a given count does', async () => {
    const { rulesets } = await loadRuleSets([BUNDLED_RULES_DIR]);
    const lmnop = rulesets.filter((r) => ['lmnop', 'sins', 'noms', 'nesms'].includes(r.document.id));
    for (const patient of [{ lesions: [] }, { spinalMetastasisCount: 2, lesions: [] }]) {
      const evaluation = await evaluatePatient(patient, lmnop, { trace: 'full' });
      const classifications = evaluation.results.lmnop?.classifications;
      expect(classifications?.previousIrradiation).toMatchObject({ value: null, possible: ['irradiated', 'not_irradiated'] });
      expect(classifications?.previousIrradiation?.missing).toContain('lesions');
      expect(classifications?.regions?.value).toBeNull();
      expect(classifications?.regions?.missing).toContain('lesions');
      expect(classifications?.continuity?.missing).toEqual(['lesions']);
    }
    const irradiation = (await evaluatePatient({ lesions: [] }, lmnop, { trace: 'full' })).trace.find((t): t is InputTrace => t.kind === 'input' && t.ruleset === 'lmnop' && t.input === 'previousRadiotherapy');
    expect(irradiation?.note).toContain('no lesion is listed and spinalMetastasisCount is missing');
    expect(irradiation?.possible).toEqual([true, false]);
    // With the count given, the note does not call it missing (it did, QA pass of the audit trail).
    const counted = (await evaluatePatient({ spinalMetastasisCount: 2, lesions: [] }, lmnop, { trace: 'full' })).trace.find((t): t is InputTrace => t.kind === 'input' && t.ruleset === 'lmnop' && t.input === 'previousRadiotherapy');
    expect(counted?.note).toBe('no lesion is listed; spinalMetastasisCount counts 2 vertebrae, each unknown');
    // An open aggregate says what it may be and why, as a missing input does (the trace said neither).
    const oncologic = (await evaluatePatient({ spinalMetastasisCount: 2, lesions: [] }, lmnop, { trace: 'full' })).trace.find((t): t is InputTrace => t.kind === 'input' && t.ruleset === 'lmnop' && t.input === 'oncologic');
    // Over no lesion at all its possible values are every value (it had none, QA regression pass).
    expect(oncologic).toMatchObject({ value: null, source: 'aggregate', note: 'no lesion is listed', possible: ['radiosensitive', 'radioresistant'] });
  });
});

// A CDS Hooks prefetch read one page of a paged Observation search: the T12 listed became "a solitary
// skeletal metastasis" (Bauer 1 point) and LMNOP "thoracic only", the lowest the unlisted pages allowed.
describe('lesionsIncomplete: lesions that may not be all are no count', () => {
  const patient = { primaryTumor: 'breast', visceralMetastases: false, extraspinalBoneMetastasisCount: 0, lesions: [{ level: 'T12', priorRadiotherapyAtLevel: false }] };

  it('leaves the count missing and the LMNOP findings over the vertebrae open, where the list alone settles them', async () => {
    const { rulesets } = await loadRuleSets([BUNDLED_RULES_DIR]);
    const used = rulesets.filter((r) => ['modified-bauer', 'lmnop', 'sins', 'noms', 'nesms'].includes(r.document.id));
    const whole = await evaluatePatient(patient, used, { trace: 'full' });
    expect(whole.results['modified-bauer']?.components?.solitarySkeletal?.points).toBe(1);
    expect(whole.results.lmnop?.classifications).toMatchObject({ regions: { value: 'thoracic_only' }, continuity: { value: 'contiguous' }, previousIrradiation: { value: 'not_irradiated' } });

    const partial = await evaluatePatient({ ...patient, lesionsIncomplete: true }, used, { trace: 'full' });
    expect(partial.unread ?? []).not.toContain('lesionsIncomplete');
    const count = partial.trace.find((t): t is InputTrace => t.kind === 'input' && t.ruleset === 'modified-bauer' && t.input === 'spinalMetastasisCount');
    expect(count).toMatchObject({ value: null, source: 'missing' });
    expect(partial.results['modified-bauer']?.components?.solitarySkeletal).toMatchObject({ points: null, range: [0, 1], missing: ['spinalMetastasisCount'] });
    const lmnop = partial.results.lmnop?.classifications;
    expect(lmnop?.regions?.value).toBeNull();
    expect(lmnop?.continuity?.value).toBeNull();
    expect(lmnop?.previousIrradiation).toMatchObject({ value: null, possible: ['irradiated', 'not_irradiated'] });
    // A count given settles it again.
    const counted = await evaluatePatient({ ...patient, lesionsIncomplete: true, spinalMetastasisCount: 1 }, used, { trace: 'none' });
    expect(counted.results['modified-bauer']?.components?.solitarySkeletal?.points).toBe(1);
    expect(counted.results.lmnop?.classifications?.regions?.value).toBe('thoracic_only');
  });

  // The count was left missing over every value, so two vertebrae listed still let Bauer and Tomita score a
  // solitary metastasis, Tokuhashi one vertebra and LMNOP a single level: values the list itself rules out.
  it('keeps the count at least the vertebrae listed: what fewer would give is not possible, what more would give stays open', async () => {
    const { rulesets } = await loadRuleSets([BUNDLED_RULES_DIR]);
    const used = rulesets.filter((r) => ['modified-bauer', 'tomita', 'tokuhashi-revised', 'plan', 'lmnop', 'sins', 'noms', 'nesms', 'katagiri-revised'].includes(r.document.id));
    const partial = { primaryTumor: 'thyroid', extraspinalBoneMetastasisCount: 0, visceralMetastases: false, estimatedSurvivalMonths: 36, toleratesSurgery: true, lesionsIncomplete: true };
    const countEntry = (evaluation: Awaited<ReturnType<typeof evaluatePatient>>, ruleset: string) =>
      evaluation.trace.find((t): t is InputTrace => t.kind === 'input' && t.ruleset === ruleset && t.input === 'spinalMetastasisCount');

    const two = await evaluatePatient({ ...partial, lesions: [{ level: 'T5' }, { level: 'L2' }] }, used, { trace: 'full' });
    // Missing, and the trace gives the range and the values tried for it (Tokuhashi tests 1, 2 and 3 or more).
    const count = countEntry(two, 'tokuhashi-revised');
    expect(count).toMatchObject({ source: 'missing', value: null, takenFrom: ['lesions', 'lesionsIncomplete'], explored: [2, 3] });
    expect(count).not.toHaveProperty('possible');
    expect(count?.note).toContain('spinalMetastasisCount is at least 2 (at most 33)');
    expect(two.results['modified-bauer']?.components?.solitarySkeletal).toMatchObject({ status: 'determined', points: 0, alternative: 'multiple' });
    expect(two.results.tomita?.components?.bone).toMatchObject({ status: 'determined', alternative: 'multiple' });
    expect(two.results['tokuhashi-revised']?.components?.vertebralBody).toMatchObject({ points: null, range: [0, 1], possible: ['threeOrMore', 'two'], missing: ['spinalMetastasisCount'] });
    expect(two.results.plan?.recommendations?.map((r) => r.id)).not.toContain('en_bloc_isolated_slow_growing');
    const lmnop = two.results.lmnop?.classifications;
    expect(lmnop?.levels?.value).toBe('multiple');
    expect(lmnop?.regions?.value).toBe('several_regions');
    // Vertebrae not listed could join T5 to L2, or not.
    expect(lmnop?.continuity).toMatchObject({ value: null, possible: ['contiguous', 'noncontiguous'] });
    // The count, or the lesions not listed, would settle how many vertebrae join the two: every level is given.
    expect(two.missing.filter((m) => m.input === 'spinalMetastasisCount').map((m) => m.ruleset).sort()).toEqual(['lmnop', 'tokuhashi-revised']);
    expect(two.missing.filter((m) => m.ruleset === 'lmnop' && m.affects.includes('continuity')).map((m) => m.input).sort()).toEqual(['lesions', 'spinalMetastasisCount']);

    // A lesion without a level may be at T5: one vertebra at least, so a solitary metastasis stays possible.
    const unplaced = await evaluatePatient({ ...partial, lesions: [{ level: 'T5' }, {}] }, used, { trace: 'full' });
    expect(countEntry(unplaced, 'modified-bauer')).toMatchObject({ source: 'missing', explored: [1, 2] });
    expect(unplaced.results['modified-bauer']?.components?.solitarySkeletal).toMatchObject({ points: null, possible: ['solitary', 'multiple'] });
    expect(unplaced.results.lmnop?.classifications?.levels?.possible).toEqual(['single', 'multiple']);

    // Above the rule set's last threshold the least alone stands for every count: three or more, decided.
    const four = await evaluatePatient({ ...partial, lesions: ['T5', 'T9', 'L2', 'L4'].map((level) => ({ level })) }, used, { trace: 'full' });
    expect(countEntry(four, 'tokuhashi-revised')).toMatchObject({ source: 'missing', explored: [4] });
    expect(four.results['tokuhashi-revised']?.components?.vertebralBody).toMatchObject({ status: 'determined', points: 0, alternative: 'threeOrMore' });
  });
});
