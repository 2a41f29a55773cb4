import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateCohort, type Patient } from '../bench/cohort.js';
import { EXIT } from '../src/cli/exit-codes.js';
import type { ComponentChange } from '../src/diff/component-values.js';
import { evaluatePatient } from '../src/engine/evaluate-patient.js';
import { BUNDLED_RULES_DIR, loadRuleSets } from '../src/ruleset/load-rulesets.js';
import { writeProfile } from './support/profile-fixture.js';
import { runCli } from './support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'spinemets-diff-components-'));
const COHORT = join(dir, 'cohort.ndjson');
const cohort: Patient[] = generateCohort(200, 20261127);

// NESMS's albumin point from 3.0 g/dL instead of 3.5: a patient at 3.0-3.49 gains the point, but one whose
// NESMS was already 3 (the ceiling) keeps it.
const ALBUMIN_3 = writeProfile(
  dir,
  'nesms-albumin-3',
  'nesms: "1.x"',
  [
    '  - { id: albumin-point, op: set-condition, ruleset: nesms, rule: albumin.atLeast3_5, at: "", value: 3.0, label: Albumin 3.0 g/dL or more, reference: board, reason: test, author: test }',
    '  - { id: albumin-none, op: set-condition, ruleset: nesms, rule: albumin.below3_5, at: "", value: 3.0, label: Albumin below 3.0 g/dL, reference: board, reason: test, author: test }',
  ].join('\n'),
);
// Mechanical pain 2 SINS points instead of 3: a lesion-scope component, changed per lesion.
const PAIN_2 = writeProfile(dir, 'sins-pain-2', 'sins: "1.x"', '  - { id: pain-2, op: set-points, ruleset: sins, rule: pain.mechanical, points: 2, reference: board, reason: test, author: test }');
// No visceral metastasis 2 points of the modified Bauer subscore instead of 1.
const NO_VISCERAL_2 = writeProfile(dir, 'bauer-visceral-2', 'nesms: "1.x"', '  - { id: visceral-2, op: set-points, ruleset: nesms, rule: noVisceral.none, points: 2, reference: board, reason: test, author: test }');
const SINS_BANDS_12 = writeProfile(dir, 'sins-bands-12', 'sins: "1.x"', [
  '  - { id: unstable-12, op: set-band, ruleset: sins, category: unstable, min: 12, reference: board, reason: test, author: test }',
  '  - { id: potentially-11, op: set-band, ruleset: sins, category: potentially_unstable, max: 11, reference: board, reason: test, author: test }',
].join('\n'));

interface CohortJson {
  changedPatients: number;
  changed: Array<{ id: string }>;
  componentChangedPatients: number;
  absorbedPatients: number;
  components: Array<{ output: string; score: string; changed: number; patients: number; absorbed: number; transitions: Array<{ from: string; to: string; count: number }> }>;
  componentChanged: Array<{ id: string; line: number; resultChanged: boolean; changes: ComponentChange[] }>;
}

/** Review warnings of a profile that moves a threshold other rule sets also test; nothing else may be said. */
const REVIEW_LINE = /^\S+ (THRESHOLD_NOT_FOLLOWED|PROFILE_STALE_LABEL) \(warning\) /;

function diff(a: string, b: string, cohortFile = COHORT): { json: CohortJson; text: string } {
  const run = (format: string): string => {
    const { code, stdout, stderr } = runCli(['diff', a, b, '--cohort', cohortFile, '--format', format, '--show', '1000']);
    expect(stderr.split('\n').filter((l) => l && !REVIEW_LINE.test(l))).toEqual([]);
    expect(code).toBe(EXIT.ok);
    return stdout;
  };
  return { json: (JSON.parse(run('json')) as { cohort: CohortJson }).cohort, text: run('text') };
}

/** The lines of a text section: from its heading (matched at the start) to the next blank line. */
function section(text: string, heading: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(heading));
  if (start < 0) return [];
  const end = lines.indexOf('', start);
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

/** Serum albumin in g/dL, as NESMS reads it. */
function albuminGdl(p: Patient): number | undefined {
  const a = p.albumin;
  if (a === undefined || typeof a === 'number') return a;
  return a.unit === 'g/L' ? a.value * 0.1 : a.value;
}

beforeAll(() => writeFileSync(COHORT, cohort.map((p) => JSON.stringify(p)).join('\n') + '\n'));

describe('diff --cohort reports components that change, whether or not the result does', () => {
  // A threshold change the NESMS ceiling absorbed read "no change" for those patients: the report compared
  // scores, categories and decisions only, so the board did not see the change act on them at all.
  it('an albumin threshold of 3.0 changes the albumin component of exactly the patients at 3.0-3.49; those already at NESMS 3 are listed as absorbed', async () => {
    const { rulesets } = await loadRuleSets([BUNDLED_RULES_DIR]);
    const nesms = rulesets.filter((r) => r.document.id === 'nesms');
    const inWindow: Array<{ id: string; line: number; nesms: number | null }> = [];
    for (const [i, p] of cohort.entries()) {
      const albumin = albuminGdl(p);
      if (albumin === undefined || albumin < 3 || albumin >= 3.5) continue;
      const evaluation = await evaluatePatient(p as Record<string, unknown>, nesms);
      inWindow.push({ id: String(p.id), line: i + 1, nesms: evaluation.results.nesms?.score ?? null });
    }
    const absorbed = inWindow.filter((p) => p.nesms === 3);
    const reached = inWindow.filter((p) => p.nesms !== 3);
    expect(absorbed.length).toBeGreaterThan(0);
    expect(reached.length).toBeGreaterThan(absorbed.length);

    const { json, text } = diff('nesms', ALBUMIN_3);
    expect(json.components).toEqual([
      { output: 'nesms.albumin', score: 'nesms.score', changed: inWindow.length, patients: inWindow.length, absorbed: absorbed.length, transitions: [{ from: '0 (below3_5)', to: '1 (atLeast3_5)', count: inWindow.length }] },
    ]);
    expect(json.componentChangedPatients).toBe(inWindow.length);
    expect(json.absorbedPatients).toBe(absorbed.length);
    expect(json.componentChanged.filter((p) => !p.resultChanged)).toEqual(
      absorbed.map((p) => ({ id: p.id, line: p.line, resultChanged: false, changes: [{ output: 'nesms.albumin', from: '0 (below3_5)', to: '1 (atLeast3_5)', score: { output: 'nesms.score', from: '3', to: '3' }, absorbed: true }] })),
    );
    expect(json.componentChanged.filter((p) => p.resultChanged).map((p) => p.id)).toEqual(reached.map((p) => p.id));
    // The result-level report is as it was: the absorbed patients are not among the changed ones.
    expect(json.changed.map((p) => p.id)).toEqual(reached.map((p) => p.id));

    expect(text).toContain(`Components: ${inWindow.length} patients with a changed component; result changed in ${reached.length}, unchanged in ${absorbed.length} (absorbed)`);
    expect(section(text, 'Components changed, result unchanged (absorbed)')).toEqual(absorbed.map((p) => `  ${p.id} (line ${p.line}): nesms.albumin 0 (below3_5) -> 1 (atLeast3_5), nesms.score stays 3`));
    const changedLines = section(text, 'Components changed, result changed');
    expect(changedLines.map((l) => l.split(' ')[2])).toEqual(reached.map((p) => p.id));
    for (const [i, l] of changedLines.entries()) expect(l).toMatch(new RegExp(`\\(line ${reached[i]?.line}\\): nesms\\.albumin 0 \\(below3_5\\) -> 1 \\(atLeast3_5\\), nesms\\.score \\S+ -> \\S+$`));
  });

  it('a lesion-scope component changes per lesion: every mechanical-pain lesion, and every lesion whose pain is not known, with its index', () => {
    const expected = cohort.flatMap((p) =>
      (p.lesions ?? []).flatMap((l, lesion) => {
        if (l.pain === 'mechanical') return [{ id: String(p.id), lesion, from: '3 (mechanical)', to: '2 (mechanical)' }];
        // Open, the component may give any of its points: the most is now 2.
        if (l.pain === undefined) return [{ id: String(p.id), lesion, from: '0–3 (undetermined: mechanical or none or occasional)', to: '0–2 (undetermined: mechanical or none or occasional)' }];
        return [];
      }),
    );
    expect(expected.some((c) => c.lesion > 0)).toBe(true);
    const { json } = diff('sins', PAIN_2);
    const listed = json.componentChanged.flatMap((p) => p.changes.map((c) => ({ id: p.id, lesion: c.lesion, from: c.from, to: c.to, output: c.output, score: c.score.output, absorbed: c.absorbed })));
    expect(listed).toEqual(expected.map((c) => ({ ...c, output: 'sins.pain', score: 'sins.score', absorbed: false })));
  });

  it('a subscore component names the subscore; the score reading the subscore lists a change only where its threshold is crossed', () => {
    const file = join(dir, 'bauer.ndjson');
    const base = { primaryTumor: 'prostate', visceralMetastases: false, extraspinalBoneMetastasisCount: 0, albumin: 4, ambulatoryStatus: 'intact' };
    // Modified Bauer 3 -> 4: the NESMS Bauer component (3 or more) stays; 2 -> 3 crosses it.
    const patients = [
      { id: 'solitary', ...base, spinalMetastasisCount: 1 },
      { id: 'multiple', ...base, spinalMetastasisCount: 2 },
    ];
    writeFileSync(file, patients.map((p) => JSON.stringify(p)).join('\n') + '\n');
    const { json } = diff('nesms', NO_VISCERAL_2, file);
    const visceral = { output: 'nesms.modifiedBauer.noVisceral', from: '1 (none)', to: '2 (none)', absorbed: false };
    expect(json.componentChanged).toEqual([
      { id: 'solitary', line: 1, resultChanged: true, changes: [{ ...visceral, score: { output: 'nesms.modifiedBauer.score', from: '3', to: '4' } }] },
      {
        id: 'multiple',
        line: 2,
        resultChanged: true,
        changes: [
          { output: 'nesms.bauer', from: '0 (upTo2)', to: '2 (atLeast3)', score: { output: 'nesms.score', from: '2', to: '3' }, absorbed: false },
          { ...visceral, score: { output: 'nesms.modifiedBauer.score', from: '2', to: '3' } },
        ],
      },
    ]);
  });

  it('a change of bands alone changes no component: the text says so, and the changed results are listed as before', () => {
    const { json, text } = diff('sins', SINS_BANDS_12);
    expect(json.changedPatients).toBeGreaterThan(0);
    expect(json.components).toEqual([]);
    expect(json.componentChanged).toEqual([]);
    expect(text).toContain('\nComponents: none changed\n');
    expect(section(text, 'Changed patients').length).toBe(json.changedPatients);
  });
});
