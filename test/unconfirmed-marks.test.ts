import { beforeAll, describe, expect, it } from 'vitest';
import { evaluatePatient } from '../src/engine/evaluate-patient.js';
import type { Evaluation } from '../src/engine/types.js';
import { explainEvaluation } from '../src/explain/explain.js';
import { evaluationNotes } from '../src/explain/resting-marks.js';
import { ruleFileLinks } from '../src/explain/rule-file-links.js';
import type { LoadedRuleSet } from '../src/ruleset/types.js';
import { buildCard } from '../src/server/cds-card.js';
import { BUNDLED_RULES_DIR, loadRuleSets } from '../src/ruleset/load-rulesets.js';
import { loadCdsConfig } from '../src/server/cds-config.js';
import { bundledRuleSets } from './support/bundled.js';

// A clinician's audit: values resting on rows marked unconfirmed (Tomita's histology classes, NOMS's
// low-grade ESCC with myelopathy) were told without the mark, in the explanation and the CDS card alike.
describe('what rests on an unconfirmed source says so where it is shown', () => {
  const patient = { id: 'unconfirmed-1', primaryTumor: 'breast', lesions: [{ level: 'T12', bilskyGrade: '1a', myelopathy: true }] };
  const neurologicNote =
    "Table 3 of the review prints low-grade ESCC without myelopathy and high-grade ESCC with or without myelopathy; it prints no row for low-grade ESCC with myelopathy. Treating it as high grade is this rule set's inference, not a published row.";
  const growthNote = 'Tomita 2001 names breast as an example of slow growth (scoring-system figure, as recalled); not verified against the paper here.';
  let rulesets: LoadedRuleSet[];
  let evaluation: Evaluation;

  beforeAll(async () => {
    rulesets = await bundledRuleSets(['sins', 'noms', 'tomita']);
    evaluation = await evaluatePatient(patient, rulesets);
  });

  it('the CDS card detail marks the NOMS neurologic value and lists the warnings', () => {
    const { config } = loadCdsConfig();
    if (!config) throw new Error('the bundled CDS config must load');
    const detail = buildCard(evaluation, 'decision-1', rulesets, config.card, []).detail.split('\n');
    expect(detail).toContain(`- Neurologic (ESCC grade and myelopathy): high_grade [unconfirmed source: ${neurologicNote}] — Low-grade ESCC with myelopathy, taken down the high-grade path [esccClass = "low_grade", myelopathy = true] (Asian Spine J 2022, Table 3)`);
    const warnings = detail.indexOf('**Warnings**');
    expect(warnings).toBeGreaterThan(detail.indexOf('### Explanation'));
    expect(detail.slice(warnings + 1, warnings + 4)).toEqual([
      '',
      '- Unconfirmed sources: values not verified against their primary source',
      `  - NOMS decision framework (neurologic, oncologic, mechanical, systemic), lesion 1 T12: neurologic = high_grade_myelopathy: ${neurologicNote}`,
    ]);
    expect(detail).toContain(`  - Tomita score (surgical strategy for spinal metastases): table primaryGrowth row breast: ${growthNote}`);
  });

  it('at the rules trace level (no table rows in the trace), the Tomita row is still marked beside the component it decided', async () => {
    const rules = await evaluatePatient(patient, rulesets, { trace: 'rules' });
    const lines = explainEvaluation(rules, rulesets).map((l) => l.trim());
    expect(lines.find((l) => l.startsWith('Tomita score 2–7'))).toContain(`Slow growth +1 (Tomita 2001) [unconfirmed source: ${growthNote}]`);
    // Nothing is left over to mark at the rule set as a whole.
    expect(lines.some((l) => l.startsWith('Tomita score (surgical strategy for spinal metastases) ['))).toBe(false);
    expect(lines.find((l) => l.startsWith('Neurologic (ESCC grade and myelopathy):'))).toContain(`high_grade [unconfirmed source: ${neurologicNote}]`);
  });

  it('the CDS card detail says a value may rest on an unconfirmed row when missing data leaves open which row gave it (ESCC 1c with myelopathy)', async () => {
    const { config } = loadCdsConfig();
    if (!config) throw new Error('the bundled CDS config must load');
    const open = await evaluatePatient({ ...patient, lesions: [{ level: 'T12', bilskyGrade: '1c', myelopathy: true }] }, rulesets);
    const detail = buildCard(open, 'decision-2', rulesets, config.card, []).detail.split('\n');
    const neurologic = detail.find((l) => l.startsWith('- Neurologic (ESCC grade and myelopathy):'));
    expect(neurologic).toContain(`high_grade (every possibility agrees) [may rest on an unconfirmed source: ${neurologicNote}]`);
    expect(neurologic).not.toContain('[unconfirmed source:');
    // The value is decided: it asked to "provide esccClass" to decide it, which no input can give (1c has no row),
    // and then named esccClass as if it were an input.
    expect(neurologic).toContain('; the row it rests on depends on esccClass, which the team decides (table esccGrade of noms has no row for bilskyGrade = 1c)');
    expect(neurologic).not.toContain('to decide');
  });
});

// helper-53 (a surgeon's reading): a SINS 11 lesion's NOMS decision was shown as settled though it rests on
// NOMS's own reading that 7-12 without >50% collapse is stable; only that classification carried the mark.
describe('a result computed from a value that rests on an unconfirmed source names that value', () => {
  // Radiosensitive, high-grade ESCC, SINS 11, fit: cEBRT if the spine is stable, stabilization first if not (Table 3).
  const patient = {
    id: 'resting-1', primaryTumor: 'myeloma', toleratesSurgery: true, estimatedSurvivalMonths: 12, karnofsky: 80,
    lesions: [{ level: 'T12', pain: 'mechanical', boneLesion: 'lytic', alignment: 'normal', collapse: 'under_50', posterolateral: 'unilateral', bilskyGrade: '3', myelopathy: false }],
  };
  let rulesets: LoadedRuleSet[];
  beforeAll(async () => {
    rulesets = await bundledRuleSets(['sins', 'noms', 'plan', 'lesion-plan']);
  });

  it('through the rule that held, in its rule set and across an upstream input, at full and at rules (from the rule files)', async () => {
    for (const trace of ['full', 'rules'] as const) {
      // Below full the part's other rows are not in the trace: every fact a row that held tested counts.
      const notes = evaluationNotes(await evaluatePatient(patient, rulesets, { trace }), ruleFileLinks(rulesets));
      expect(notes('noms', 0).restsOn({ classification: 'decision' })).toEqual([{ ruleset: 'noms', output: 'mechanical', status: 'applies' }]);
      expect(notes('noms', 0).ofClassification('decision')).toEqual([]);
      expect(notes('lesion-plan', 0).restsOn({ classification: 'management' })).toEqual([{ ruleset: 'noms', output: 'decision', status: 'applies' }]);
      // What rests on nothing marked names nothing: the SINS score, NOMS's neurologic (high grade from Bilsky 3, a printed row).
      expect(notes('sins', 0).restsOn({ score: 'sins' })).toEqual([]);
      expect(notes('noms', 0).restsOn({ classification: 'neurologic' })).toEqual([]);
    }
    // Below `rules` there is no rule to follow: nothing is claimed.
    const none = evaluationNotes(await evaluatePatient(patient, rulesets, { trace: 'none' }), ruleFileLinks(rulesets));
    expect(none('noms', 0).restsOn({ classification: 'decision' })).toEqual([]);
  });

  // The CDS card's one-line summary, what a clinician reads first, showed "NOMS cebrt, plan cebrt" as settled
  // where its detail said both rest on NOMS's reading of SINS 7-12 as stable.
  it('the CDS card summary marks a shown value that rests on an unconfirmed source, and no open value', async () => {
    const { config } = loadCdsConfig();
    if (!config) throw new Error('the bundled CDS config must load');
    const card = buildCard(await evaluatePatient(patient, rulesets), 'decision-3', rulesets, config.card, []);
    expect(card.summary).toBe('T12: SINS 11, potentially unstable, NOMS cebrt (unconfirmed), plan cebrt (unconfirmed)');
    // Stable or not, Table 3 gives this fit patient's radioresistant lesion the same decision: nothing to mark.
    const settled = buildCard(await evaluatePatient({ ...patient, primaryTumor: 'renal_cell' }, rulesets), 'decision-4', rulesets, config.card, []);
    expect(settled.summary).toBe('T12: SINS 11, potentially unstable, NOMS separation surgery then srs, plan separation surgery then srs');
    // Open values are not shown as settled anyway: the room goes to what would decide them.
    const open = buildCard(await evaluatePatient({ ...patient, lesions: [{ level: 'T12', bilskyGrade: '1a', myelopathy: true }] }, rulesets), 'decision-5', rulesets, config.card, []);
    expect(open.summary).toMatch(/^T12: SINS 3–18, undetermined, NOMS undetermined, plan undetermined; provide /);
  });

  // helper-63: cut to length, the summary ended "plan separation surgery then srs…", the value shown whole and its
  // mark cut off; kept whole, the long marks then pushed the plan, the last word, out of the summary.
  it('a summary the long marks do not fit gives short ones and a legend, every value in view', async () => {
    const { config } = loadCdsConfig();
    if (!config) throw new Error('the bundled CDS config must load');
    const load = await loadRuleSets([BUNDLED_RULES_DIR], { profiles: [new URL('../examples/profiles/sins-unstable-12.profile.yaml', import.meta.url).pathname] });
    const esophageal = { id: 'p1', primaryTumor: 'esophageal', toleratesSurgery: true, estimatedSurvivalMonths: 36, radiosensitivity: 'radioresistant', srsAvailable: true, lesions: [{ level: 'T7', pain: 'occasional', boneLesion: 'mixed', alignment: 'subluxation', collapse: 'under_50', posterolateral: 'none', bilskyGrade: '1b', myelopathy: true }] };
    const card = buildCard(await evaluatePatient(esophageal, load.rulesets), 'decision-6', load.rulesets, config.card, []);
    expect(card.summary).toBe('T7: SINS 9, potentially unstable*, NOMS separation surgery then srs*, plan separation surgery then srs*; *unconfirmed');
    // With another lesion named after it, too.
    const two = buildCard(await evaluatePatient({ ...esophageal, lesions: [...esophageal.lesions, { level: 'L2' }] }, load.rulesets), 'decision-8', load.rulesets, config.card, []);
    expect(two.summary).toBe('T7: SINS 9, potentially unstable*, NOMS separation surgery then srs*, plan separation surgery then srs*; *unconfirmed; +1 more lesion');
    // What to provide comes after the legend and is what a cut takes.
    const sparse = buildCard(await evaluatePatient({ ...esophageal, lesions: [{ ...esophageal.lesions[0], level: 'T7', pain: undefined, bilskyGrade: '3', myelopathy: false }] }, load.rulesets), 'decision-7', load.rulesets, config.card, []);
    expect(sparse.summary.length).toBeLessThanOrEqual(139);
    expect(sparse.summary).toMatch(/^T7: SINS [^,]+, [^;]+; (\*[^;]+; )?provide Pain/);
  });

  // helper-55: the example patient's T12 decision was marked, and eight results after it, though Table 3
  // gives that fit patient's high-grade radioresistant lesion separation surgery then SRS stable or not.
  it('at full, a result another reading of the marked value could not change is not marked', async () => {
    const radioresistant = { ...patient, primaryTumor: 'renal_cell' };
    const notes = evaluationNotes(await evaluatePatient(radioresistant, rulesets), ruleFileLinks(rulesets));
    expect(notes('noms', 0).restsOn({ classification: 'decision' })).toEqual([]);
    expect(notes('lesion-plan', 0).restsOn({ classification: 'management' })).toEqual([]);
    expect(notes('noms', 0).ofClassification('mechanical').map((w) => w.id)).toEqual(['mechanical.stable_intermediate']);
    // Below full there are no other rows to tell: the mark stays (it cannot be told it is needless).
    const rules = evaluationNotes(await evaluatePatient(radioresistant, rulesets, { trace: 'rules' }), ruleFileLinks(rulesets));
    expect(rules('noms', 0).restsOn({ classification: 'decision' })).toEqual([{ ruleset: 'noms', output: 'mechanical', status: 'applies' }]);
  });

  // Left by the night's QA: at --trace none (no precedence entry) the plan's expected survival, taken from revised
  // Tokuhashi's reading when no estimate is given, lost the mark of the classification it took its value from.
  it('a firstOf classification has the marks of the candidate it took its value from at every trace level', async () => {
    const all = await bundledRuleSets(['plan']);
    const noEstimate = { primaryTumor: 'breast', karnofsky: 80, visceralMetastases: false, extraspinalBoneMetastasisCount: 0, frankelGrade: 'E', lesions: [{ level: 'T12' }] };
    for (const trace of ['full', 'rules', 'none'] as const) {
      const evaluation = await evaluatePatient(noEstimate, all, { trace });
      expect(evaluation.results.plan?.classifications?.expectedSurvival?.value).toBe('over_3_months');
      expect(evaluationNotes(evaluation, ruleFileLinks(all))('plan', undefined).ofClassification('expectedSurvival').map((w) => w.id)).toEqual(['scoreSurvival.over_3_months']);
    }
    // The clinician's estimate, given, is what it takes: no mark.
    const estimate = await evaluatePatient({ ...noEstimate, estimatedSurvivalMonths: 12 }, all, { trace: 'none' });
    expect(evaluationNotes(estimate, ruleFileLinks(all))('plan', undefined).ofClassification('expectedSurvival')).toEqual([]);
  });

  // helper-55: LMNOP's N, the worst NOMS neurologic over the lesions, named nothing though the worst lesion's
  // high grade is NOMS's own row for low-grade ESCC with myelopathy.
  it('an aggregate over the lesions rests on the lesions that gave it', async () => {
    const all = await bundledRuleSets(['lmnop']);
    const myelopathy = { primaryTumor: 'breast', lesions: [{ level: 'T6', bilskyGrade: '1b', myelopathy: true }, { level: 'T12', bilskyGrade: '0', myelopathy: false }] };
    for (const trace of ['full', 'rules'] as const) {
      const notes = evaluationNotes(await evaluatePatient(myelopathy, all, { trace }), ruleFileLinks(all));
      expect(notes('noms', 0).ofClassification('neurologic').map((w) => w.id)).toEqual(['neurologic.high_grade_myelopathy']);
      expect(notes('lmnop', undefined).restsOn({ classification: 'neurology' })).toEqual([{ ruleset: 'noms', output: 'neurologic', status: 'applies' }]);
    }
  });

  // helper-56, reading 2b46d6d: three ways the marks went wrong.
  it('a row whose any has a false branch still counts; a worst value another lesion gives unmarked rests on nothing; the trace alone finds an aggregate', async () => {
    const all = await bundledRuleSets(['lmnop', 'lesion-plan']);
    const base = { age: 50, primaryTumor: 'renal_cell', ambulatoryStatus: 'impaired', albumin: { value: 38, unit: 'g/L' }, visceralMetastases: false, extraspinalBoneMetastasisCount: 0, toleratesSurgery: true, karnofsky: 70, ecog: 2, frankelGrade: 'E', srsAvailable: true };
    // The gate fails (2 months): cEBRT for a stable spine, the MDT for an unstable one (lesion-plan's
    // referred_no_alternative, whose any/1 branch holds where any/0 does not): cEBRT rests on NOMS's reading.
    const gateFails = { ...base, estimatedSurvivalMonths: 2, lesions: [{ level: 'T12', pain: 'mechanical', boneLesion: 'lytic', alignment: 'normal', collapse: 'under_50', posterolateral: 'unilateral', bilskyGrade: '2', myelopathy: false }] };
    const failing = evaluationNotes(await evaluatePatient(gateFails, all), ruleFileLinks(all));
    expect(failing('lesion-plan', 0).restsOn({ classification: 'management' })).toEqual([{ ruleset: 'noms', output: 'mechanical', status: 'applies' }]);
    // High grade at L3 from Bilsky 2 (a printed row) and at T6 from myelopathy (the unconfirmed row): the
    // worst is high grade whatever T6 reads, so LMNOP's N rests on nothing unconfirmed.
    const two = { ...base, estimatedSurvivalMonths: 18, lesions: [{ level: 'L3', bilskyGrade: '2', myelopathy: false }, { level: 'T6', bilskyGrade: '1a', myelopathy: true }] };
    const tied = evaluationNotes(await evaluatePatient(two, all), ruleFileLinks(all));
    expect(tied('noms', 1).ofClassification('neurologic').map((w) => w.id)).toEqual(['neurologic.high_grade_myelopathy']);
    expect(tied('lmnop', undefined).restsOn({ classification: 'neurology' })).toEqual([]);
    // Without the rule files (the HTML report has the evaluation only), the aggregate's trace names what it took.
    const alone = { ...base, estimatedSurvivalMonths: 18, lesions: [{ level: 'L3', bilskyGrade: '0', myelopathy: false }, { level: 'T6', bilskyGrade: '1a', myelopathy: true }] };
    expect(evaluationNotes(await evaluatePatient(alone, all))('lmnop', undefined).restsOn({ classification: 'neurology' })).toEqual([{ ruleset: 'noms', output: 'neurologic', status: 'applies' }]);
  });

  // helper-56: with Bilsky 1c (no ESCC grade) NOMS's cEBRT comes by row 1 or row 5, both on mechanical stable:
  // the decision rests on that reading (unstable: stabilization then cEBRT either way); it said "may rest".
  it('a value every row that may hold agrees on rests on what each of them turns on', async () => {
    const all = await bundledRuleSets(['lesion-plan']);
    const open = { ...patient, primaryTumor: 'renal_cell', radiosensitivity: 'radiosensitive', lesions: [{ ...patient.lesions[0], bilskyGrade: '1c' }] };
    const evaluation = await evaluatePatient(open, all);
    expect(evaluation.lesions[0]?.results.noms?.decision).toBe('cebrt');
    const notes = evaluationNotes(evaluation, ruleFileLinks(all));
    expect(notes('noms', 0).restsOn({ classification: 'decision' })).toEqual([{ ruleset: 'noms', output: 'mechanical', status: 'applies' }]);
  });

  it('explain names the value beside the decision and the plan, the note staying with the value it is about', async () => {
    const lines = explainEvaluation(await evaluatePatient(patient, rulesets), rulesets).map((l) => l.trim());
    expect(lines.find((l) => l.startsWith('NOMS decision'))).toMatch(/^NOMS decision \(review Table 3\): cebrt \[rests on an unconfirmed source through: mechanical\] — /);
    expect(lines.find((l) => l.startsWith('Management recommendation'))).toContain('[rests on an unconfirmed source through: noms decision]');
    expect(lines.find((l) => l.startsWith('Mechanical'))).toContain('[unconfirmed source: The review calls SINS 7-12 potentially unstable');
    // Cited where the reader can find it (helper-53: "(review2022table3)" named only the rule file's key).
    expect(lines.find((l) => l.startsWith('NOMS decision'))).toMatch(/\(Asian Spine J 2022, Table 3\)$/);
    expect(lines.find((l) => l.startsWith('Management recommendation'))).toMatch(/\(Review Table 3 \(NOMS\)\)$/);
    expect(lines.find((l) => l.startsWith('Surgery planned at this lesion'))).toMatch(/\(Asian Spine J 2022 \[59, 60\]\)$/);
  });
});
