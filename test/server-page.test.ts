import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceEntry } from '../src/engine/types.js';
import { foldedWarnings } from '../src/explain/folded-warnings.js';
import { cliEvaluation, testApp } from './support/server.js';

/** Debian's chromium, as in the report test (installed by scripts/ensure-chromium.sh before the tests). */
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ARTIFACTS = new URL('../test-artifacts/', import.meta.url).pathname;

/** What the person below enters, as the patient file they would otherwise write for the CLI. */
const PATIENT = {
  primaryTumor: 'renal_cell',
  ambulatoryStatus: 'impaired',
  albumin: { value: 38, unit: 'g/L' },
  toleratesSurgery: true,
  lesions: [{ level: 'T12', pain: 'mechanical', boneLesion: 'lytic', alignment: 'normal', collapse: 'under_50', posterolateral: 'unilateral', bilskyGrade: '2' }],
};

let app: FastifyInstance;
let origin: string;
let browser: Browser;
beforeAll(async () => {
  app = await testApp();
  origin = await app.listen({ port: 0, host: '127.0.0.1' });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('the clinician page in headless Chromium', () => {
  it('shows the SINS score and NOMS decision the CLI gives for what a person enters, and the trace with references', async () => {
    const expected = cliEvaluation(PATIENT);
    const sins = String(expected.lesions[0]?.results.sins?.score);
    const decision = String(expected.lesions[0]?.results.noms?.decision);

    const page = await browser.newPage({ viewport: { width: 1024, height: 1366 } }); // a tablet held upright
    const requests: string[] = [];
    const problems: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    const response = await page.goto(origin + '/');
    expect(response?.headers()['content-security-policy']).toMatch(/default-src 'none'; script-src 'sha256-/);
    await expect.poll(() => page.locator('#status').textContent()).toMatch(/Up to date/);

    // Patient: choose from the lists and type, as a person would.
    await page.getByLabel('Histology of the primary tumor').selectOption({ label: 'renal cell' });
    await page.getByLabel('Walking ability').selectOption({ label: 'impaired' });
    const albumin = page.getByLabel('Serum albumin', { exact: true });
    await albumin.click();
    await albumin.pressSequentially('38');
    await page.getByLabel('Serum albumin unit').selectOption('g/L');
    await page.getByLabel('Medically able to tolerate surgery').selectOption({ label: 'Yes' });
    // A field no rule set labels has the schema's title, not its name in words ("Srs available", "Egfr mutation": helper-53).
    await page.getByLabel("Clinician's estimate of survival (months)").fill('24');
    expect(await page.getByLabel('Stereotactic radiosurgery available').count()).toBe(1);
    expect(await page.getByLabel('Srs available').count()).toBe(0);

    // The lesion, with the SINS choices worded as the paper words them.
    const lesion = page.locator('fieldset.lesion').first();
    await lesion.getByLabel('Vertebral level').selectOption('T12');
    await lesion.getByLabel('Pain').selectOption({ label: 'Yes (mechanical pain)' });
    await lesion.getByLabel('Bone lesion').selectOption({ label: 'Lytic' });
    await lesion.getByLabel('Radiographic spinal alignment').selectOption({ label: 'Normal alignment' });
    await lesion.getByLabel('Vertebral body collapse').selectOption({ label: '<50% collapse' });
    await lesion.getByLabel('Posterolateral involvement').selectOption({ label: 'Unilateral' });
    // Keyboard only for the last one: focus the Bilsky grade and pick "2" with the arrow keys.
    const bilsky = lesion.getByLabel('Bilsky epidural spinal cord compression grade');
    await bilsky.focus();
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowDown');
    expect(await bilsky.inputValue()).toBe('2');

    const shown = page.locator('[data-scope="lesion-0"]');
    await expect.poll(() => shown.locator('[data-ruleset="sins"] [data-score]').textContent(), { timeout: 15_000 }).toBe(sins);
    await expect.poll(() => shown.locator('[data-ruleset="noms"] [data-classification="decision"]').textContent(), { timeout: 15_000 }).toBe(decision);
    expect(await page.locator('#status').textContent()).toMatch(/Up to date/);

    // The trace: collapsed, then opened with the keyboard; it lists fired rules with their publications.
    const trace = page.locator('#trace');
    expect(await trace.getAttribute('open')).toBeNull();
    await trace.locator(':scope > summary').focus();
    await page.keyboard.press('Enter');
    expect(await trace.getAttribute('open')).not.toBeNull();
    await expect.poll(() => trace.locator('li', { hasText: 'sins, lesion 1: pain.mechanical +3' }).locator('cite').textContent()).toMatch(/Fisher CG/);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'clinician-page.png'), fullPage: false });
    expect(problems).toEqual([]);
    expect(requests.every((url) => url.startsWith(origin))).toBe(true);
    // What a result rests on is told from every row of its part, as explain tells it: the page asks for the full trace.
    const evaluations = requests.filter((url) => url.includes('/evaluate'));
    expect(evaluations.length).toBeGreaterThan(0);
    expect(evaluations.every((url) => url === `${origin}/evaluate?trace=full`)).toBe(true);
    await page.close();
  }, 60_000);

  it('says which answers were not given but taken, or narrowed, from another answer', async () => {
    const expected = cliEvaluation({ primaryTumor: 'breast', visceralMetastasesResectability: 'unremovable' });
    const page = await browser.newPage({ viewport: { width: 1024, height: 1366 } });
    await page.goto(origin + '/');
    await page.getByLabel('Histology of the primary tumor').selectOption({ label: 'breast' });
    await page.getByLabel('Metastases to major internal organs').selectOption('unremovable');
    const patient = page.locator('[data-scope="patient"]');
    const bauer = patient.locator('[data-ruleset="modified-bauer"]');
    await expect.poll(() => bauer.locator('[data-score]').textContent(), { timeout: 15_000 }).toBe(String(expected.results['modified-bauer']?.score ?? expected.results['modified-bauer']?.range?.join('–')));
    expect(await bauer.locator('.assumed [data-input="visceralMetastases"]').textContent()).toBe('visceralMetastases not given: taken as true (visceralMetastasesResectability is unremovable, so true)');
    const tomita = patient.locator('[data-ruleset="tomita"] .assumed [data-input="visceralMetastasesTreatability"]');
    expect(await tomita.textContent()).toBe('visceralMetastasesTreatability not given: one of treatable, untreatable (visceralMetastasesResectability is unremovable, so one of treatable, untreatable)');
    // Answers given are not listed as assumed.
    expect(await patient.locator('.assumed [data-input="visceralMetastasesResectability"]').count()).toBe(0);
    await page.close();
  }, 60_000);

  // A number field holding "7e" has the empty value to the page: it was posted as missing and answered "Up to date".
  it('does not evaluate while a number field holds text that is not a number, and says which', async () => {
    const page = await browser.newPage({ viewport: { width: 1024, height: 1366 } });
    await page.goto(origin + '/');
    const karnofsky = page.getByLabel(/Karnofsky/);
    await karnofsky.pressSequentially('7e');
    const status = page.locator('#status');
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toBe('Not evaluated: these fields hold text that is not a number:');
    expect(await karnofsky.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#results .problems li').allTextContents()).toEqual([expect.stringMatching(/^Patient: .*Karnofsky/)]);
    await karnofsky.fill('70');
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toMatch(/^Up to date/);
    expect(await karnofsky.getAttribute('aria-invalid')).toBeNull();
    await page.close();
  }, 60_000);

  // The page listed esccClass under "Missing:", as if a person could enter it: Bilsky 1c has no row in NOMS's table.
  it('names a table gap for the team to decide apart from the inputs to enter (Bilsky 1c)', async () => {
    const expected = cliEvaluation({ lesions: [{ level: 'T12', bilskyGrade: '1c', myelopathy: false }] });
    expect(expected.lesions[0]?.results.noms?.missing).toContain('esccClass');
    const page = await browser.newPage({ viewport: { width: 1024, height: 1366 } });
    await page.goto(origin + '/');
    const lesion = page.locator('fieldset.lesion').first();
    await lesion.getByLabel('Vertebral level').selectOption('T12');
    await lesion.getByLabel('Bilsky epidural spinal cord compression grade').selectOption('1c');
    await lesion.getByLabel('Clinical myelopathy').selectOption({ label: 'No' });
    const gap = 'For the team to decide: esccClass (table esccGrade of noms has no row for bilskyGrade = 1c)';
    for (const ruleset of ['noms', 'lesion-plan']) {
      const article = page.locator(`[data-scope="lesion-0"] [data-ruleset="${ruleset}"]`);
      await expect.poll(() => article.locator('[data-gaps]').textContent(), { timeout: 15_000 }).toBe(gap);
      const missing = await article.locator('.missing:not([data-gaps])').textContent();
      expect(missing).toMatch(/^Missing: /);
      expect(missing).not.toContain('esccClass');
      // Named as the form labels the field (helper-53: "collapse", "extraspinalBoneMetastasisCount" beside fields labelled otherwise).
      if (ruleset === 'noms') expect(missing).toContain('Vertebral body collapse');
      expect(missing?.slice('Missing: '.length).split(', ')).not.toContain('collapse');
    }
    await page.close();
  }, 60_000);

  it('marks a value that rests on an unconfirmed source beside it, and lists the warnings (low-grade ESCC with myelopathy, breast primary)', async () => {
    const expected = cliEvaluation({ primaryTumor: 'breast', lesions: [{ level: 'T12', bilskyGrade: '1a', myelopathy: true }] });
    const noted = (ruleset: string, test: (t: TraceEntry) => boolean): string => {
      const entry = expected.trace.find((t) => t.ruleset === ruleset && test(t));
      if (!entry || !('unconfirmed' in entry) || !entry.unconfirmed) throw new Error(`no unconfirmed ${ruleset} entry`);
      return entry.unconfirmed;
    };
    const neurologicNote = noted('noms', (t) => t.kind === 'rule' && t.rule === 'neurologic.high_grade_myelopathy' && t.fired === true);
    const growthNote = noted('tomita', (t) => t.kind === 'lookup' && t.table === 'primaryGrowth' && t.key === 'breast');
    // Bone metastases outside the spine not recorded: "multiple" (isolated ones scored 2, unconfirmed) may hold.
    const multipleNote = noted('tomita', (t) => t.kind === 'rule' && t.rule === 'bone.multiple' && t.possible === true);
    const ageNote = noted('lesion-plan', (t) => t.kind === 'rule' && t.rule === 'srs_dose_fracture_risk_age.applies' && t.possible === true);
    const framework = expected.warnings.find((w) => w.code === 'UNCONFIRMED_FRAMEWORK' && w.ruleset === 'lmnop');
    expect(expected.lesions[0]?.results.noms?.neurologic).toBe('high_grade');

    const page = await browser.newPage({ viewport: { width: 1024, height: 1366 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(origin + '/');
    await page.getByLabel('Histology of the primary tumor').selectOption({ label: 'breast' });
    const lesion = page.locator('fieldset.lesion').first();
    await lesion.getByLabel('Vertebral level').selectOption('T12');
    await lesion.getByLabel('Bilsky epidural spinal cord compression grade').selectOption('1a');
    await lesion.getByLabel('Clinical myelopathy').selectOption({ label: 'Yes' });

    // NOMS neurologic: high grade only through the row Table 3 does not print, marked in words beside the value.
    const neurologic = page.locator('[data-scope="lesion-0"] [data-ruleset="noms"] [data-line="neurologic"]');
    await expect.poll(() => neurologic.locator('[data-classification]').textContent(), { timeout: 15_000 }).toBe('high_grade');
    const marker = neurologic.locator('details[data-unconfirmed="applies"]');
    expect(await marker.locator('summary').textContent()).toBe('Unconfirmed source');
    expect(await marker.getAttribute('open')).toBeNull();
    await marker.locator('summary').focus();
    await page.keyboard.press('Enter');
    expect(await marker.getAttribute('open')).not.toBeNull();
    expect(await marker.locator('p').allTextContents()).toEqual([neurologicNote]);
    // The decision rests on no unconfirmed row of its own; its rows test neurologic, which does: it says
    // so, naming the value (found with a surgeon's eyes, helper-53: a decision shown as settled).
    // Undetermined here: it may rest on neurologic's row and on mechanical's (7-12 read as stable), as explain
    // says (the decided case is at the end of this test).
    const decision = page.locator('[data-scope="lesion-0"] [data-ruleset="noms"] [data-line="decision"]');
    expect(await decision.locator('details[data-unconfirmed="applies"], details[data-unconfirmed="possible"]').count()).toBe(0);
    expect(await decision.locator('details[data-unconfirmed="rests-on-possible"] summary').textContent()).toBe('May rest on an unconfirmed source');
    expect(await decision.locator('details[data-unconfirmed="rests-on-possible"] p').textContent()).toBe('Through: neurologic; mechanical');

    // Tomita: the page shows no components, so the score carries the growth row's mark.
    const tomita = page.locator('[data-scope="patient"] [data-ruleset="tomita"]');
    expect(await tomita.locator('.line details[data-unconfirmed] p').allTextContents()).toEqual([growthNote, multipleNote]);
    // A recommendation that only possibly applies says it may rest on an unconfirmed threshold, from its warning's status.
    const age = page.locator('[data-scope="lesion-0"] [data-ruleset="lesion-plan"] [data-recommendation="srs_dose_fracture_risk_age"]');
    expect(await age.textContent()).toMatch(/^Possibly: SRS in an older patient/);
    expect(await age.locator('details[data-unconfirmed="possible"] summary').textContent()).toBe('May rest on an unconfirmed source');
    expect(await age.locator('details[data-unconfirmed="possible"] p').allTextContents()).toEqual([ageNote]);
    expect(await age.locator('details[data-unconfirmed="applies"]').count()).toBe(0);
    // LMNOP as a whole: under its heading.
    const lmnop = page.locator('[data-scope="patient"] [data-ruleset="lmnop"] > details[data-unconfirmed]');
    expect(await lmnop.locator('summary').textContent()).toBe('Unconfirmed framework');
    expect(await lmnop.locator('p').allTextContents()).toEqual([framework?.message]);

    // Every warning of the evaluation, grouped by kind, naming the rule set and lesion.
    const warnings = page.locator('#warnings');
    // The possible unconfirmed elements of one table, score or rule at one place are one line, as explain lists them.
    const listed = foldedWarnings(expected.warnings);
    expect(listed.length).toBeLessThan(expected.warnings.length);
    expect(await warnings.locator('h3').textContent()).toBe(`Warnings (${listed.length})`);
    expect(await warnings.locator('li').count()).toBe(listed.length);
    expect(await warnings.locator('h4').allTextContents()).toEqual([
      'Unconfirmed framework: not verified against its primary source as a whole',
      'Unconfirmed sources: values not verified against their primary source',
      'No table row for the value given: left open',
    ]);
    const sources = await warnings.locator('[data-code="UNCONFIRMED_SOURCE"] li').allTextContents();
    expect(sources).toHaveLength(listed.filter((w) => w.code === 'UNCONFIRMED_SOURCE').length);
    expect(sources).toContain(`NOMS decision framework (neurologic, oncologic, mechanical, systemic), lesion 1 T12: neurologic = high_grade_myelopathy: ${neurologicNote}`);
    expect(sources).toContain(`Tomita score (surgical strategy for spinal metastases): table primaryGrowth row breast: ${growthNote}`);

    // Decided (SINS 11, radioresistant, fit): the decision rests on no unconfirmed row of its own, but its row
    // tested neurologic (the row Table 3 does not print; low grade would give SRS alone): it says so, naming
    // it (helper-53: the decision was shown as settled, the reason only in the warnings). Not mechanical:
    // stable or unstable, Table 3 gives this lesion separation surgery then SRS.
    await page.getByLabel('Known response to conventional radiotherapy').selectOption('radioresistant');
    await page.getByLabel('Medically able to tolerate surgery').selectOption({ label: 'Yes' });
    for (const [label, value] of [['Pain', 'mechanical'], ['Bone lesion', 'lytic'], ['Radiographic spinal alignment', 'normal'], ['Vertebral body collapse', 'under_50'], ['Posterolateral involvement', 'unilateral']] as const) {
      await lesion.getByLabel(label, { exact: true }).selectOption(value);
    }
    await expect.poll(() => decision.locator('[data-classification]').textContent(), { timeout: 15_000 }).toBe('separation_surgery_then_srs');
    expect(await decision.locator('details[data-unconfirmed="applies"], details[data-unconfirmed="possible"]').count()).toBe(0);
    expect(await decision.locator('details[data-unconfirmed="rests-on-applies"] summary').textContent()).toBe('Rests on an unconfirmed source');
    expect(await decision.locator('details[data-unconfirmed="rests-on-applies"] p').textContent()).toBe('Through: neurologic');
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
