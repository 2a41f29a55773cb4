import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Debian's chromium (installed by scripts/ensure-chromium.sh before the tests), as the probe starts it. */
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const CLI = new URL('../dist/cli/main.js', import.meta.url).pathname;
const EXAMPLE = new URL('../examples/patient.yaml', import.meta.url).pathname;
const ARTIFACTS = new URL('../test-artifacts/', import.meta.url).pathname;

const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

let browser: Browser;
let reportFile: string;
let evaluation: { results: Record<string, { score?: number | null; range?: [number, number] | null }>; lesions: Array<{ results: Record<string, { score?: number | null; decision?: string | null }> }>; trace: unknown[] };

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spinemets-report-'));
  const json = cli(['evaluate', EXAMPLE, '--format', 'json']);
  expect(json.status).toBe(0);
  evaluation = JSON.parse(json.stdout);
  const resultFile = join(dir, 'result.json');
  writeFileSync(resultFile, json.stdout);
  reportFile = join(dir, 'report.html');
  expect(cli(['report', resultFile, '--html', reportFile]).status).toBe(0);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

describe('the HTML audit report in headless Chromium', () => {
  it('is standalone: no network address in any src or href', () => {
    const html = readFileSync(reportFile, 'utf8');
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
  });

  // Table lookups were not rendered: an institution's row (ESCC 1c low grade) showed only as a rule citing the paper.
  it('lists each table lookup with its source and the institution change that set it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spinemets-report-'));
    const patient = join(dir, 'p.json');
    writeFileSync(patient, JSON.stringify({ primaryTumor: 'breast', lesions: [{ level: 'T6', bilskyGrade: '1c', myelopathy: false }] }));
    const profile = new URL('../examples/profiles/breast-radiosensitive.profile.yaml', import.meta.url).pathname;
    const json = cli(['evaluate', patient, '--profile', profile, '--format', 'json']);
    writeFileSync(join(dir, 'r.json'), json.stdout);
    expect(cli(['report', join(dir, 'r.json'), '--html', join(dir, 'r.html')]).status).toBe(0);
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    expect(html).toContain('<h2>Table lookups</h2>');
    expect(html).toMatch(/<td><code>esccGrade<\/code><\/td><td>1c<\/td><td>esccClass = low_grade<\/td><td>Example University Hospital[^<]*profile breast-radiosensitive/);
  });

  // An undetermined rule showed no points, so the range of its component could not be rebuilt from the page.
  it('gives the points of a rule that did not fire or is undetermined', () => {
    const html = readFileSync(reportFile, 'utf8');
    // The example's second lesion leaves its collapse open: SINS 3-6.
    expect(html).toMatch(/<code>collapse\.over_50<\/code>: undetermined \(possible\) \(would add 3 points\)/);
  });

  // The text report and explain listed egfrMutation as given but read by no rule set; the HTML had no word of it.
  it('lists the fields given that no rule set read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spinemets-report-'));
    const patient = join(dir, 'p.json');
    writeFileSync(patient, JSON.stringify({ primaryTumor: 'lung_nsclc', egfrMutation: true }));
    const json = cli(['evaluate', patient, '--format', 'json']);
    writeFileSync(join(dir, 'r.json'), json.stdout);
    expect(cli(['report', join(dir, 'r.json'), '--html', join(dir, 'r.html')]).status).toBe(0);
    expect(readFileSync(join(dir, 'r.html'), 'utf8')).toContain('<h3>Given, but read by no rule set in use</h3><ul><li>egfrMutation</li></ul>');
  });

  it('says when the evaluation it reports carries less than the full trace, and does not call it every rule', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spinemets-report-'));
    const rules = cli(['evaluate', EXAMPLE, '--format', 'json', '--trace', 'rules']);
    expect(JSON.parse(rules.stdout).traceLevel).toBe('rules');
    writeFileSync(join(dir, 'rules.json'), rules.stdout);
    expect(cli(['report', join(dir, 'rules.json'), '--html', join(dir, 'rules.html')]).status).toBe(0);
    const partial = readFileSync(join(dir, 'rules.html'), 'utf8');
    expect(partial).toContain('<p class="partial" data-trace-level="rules">');
    expect(partial).toContain('<h2>Rules that fired</h2>');
    expect(partial).not.toContain('Every rule evaluated');
    const whole = readFileSync(reportFile, 'utf8');
    expect(whole).not.toContain('class="partial"');
    expect(whole).toContain('<h2>Every rule evaluated</h2>');
  });

  it('renders the same scores and decisions as the JSON output, expands a rule, prints to PDF', async () => {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(reportFile).href);
    expect(await page.title()).toBe('Decision report — patient example-001');
    // The results open the page (the first score stood below the rule-set table and every input, helper-53),
    // and every section is one link away.
    const headings = await page.locator('section > h2').allTextContents();
    expect(headings.slice(0, 4)).toEqual(['Patient results', 'Lesion 1 (T12)', 'Lesion 2 (L3)', 'Missing inputs and notes']);
    const links = await page.locator('nav a').evaluateAll((nodes) => nodes.map((n) => [n.textContent, document.querySelector(n.getAttribute('href') ?? '')?.querySelector('h2')?.textContent]));
    expect(links).toEqual(headings.map((h) => [h, h]));
    // Its results tables had no unconfirmed mark at all (helper-53): each value now carries explain's (NOMS's
    // mechanical "stable" for SINS 11; the decision on it is the same stable or not, so it is not marked).
    const nomsRow = (id: string) => page.locator(`section#lesion-1-t12 [data-ruleset="noms"] tr[data-classification="${id}"] [data-unconfirmed]`);
    expect(await nomsRow('mechanical').textContent()).toMatch(/^\[unconfirmed source: The review calls SINS 7-12 potentially unstable/);
    expect(await nomsRow('decision').count()).toBe(0);
    expect(await nomsRow('neurologic').count()).toBe(0);
    // A rule set marked as a whole, at its heading, as explain marks it (helper-57: only in the notes).
    expect(await page.locator('section#patient-results [data-ruleset="lmnop"] > h3 [data-unconfirmed]').textContent()).toMatch(/^\[unconfirmed framework: The LMNOP treatment algorithm/);
    expect(await page.locator('section#lesion-1-t12 [data-ruleset="lesion-plan"] [data-recommendation="srs_dose_fracture_risk_age"] [data-unconfirmed]').textContent()).toMatch(/^\[unconfirmed source: The review names "older age" without a threshold/);

    // Every score shown equals the JSON output's, patient and per lesion.
    const sections = page.locator('section');
    const patientScores = await sections.filter({ hasText: 'Patient results' }).locator('[data-ruleset]').evaluateAll((nodes) =>
      nodes.map((n) => [n.getAttribute('data-ruleset'), n.querySelector('[data-score]')?.textContent ?? null]));
    const scored = Object.entries(evaluation.results).filter(([, r]) => r.score !== undefined);
    expect(patientScores.filter(([, shown]) => shown !== null).map(([id]) => id).sort()).toEqual(scored.map(([id]) => id).sort());
    for (const [id, shown] of patientScores) {
      const result = evaluation.results[id as string];
      if (result?.score === undefined) continue;
      const expected = result.score !== null ? String(result.score) : `${result.range?.[0]}–${result.range?.[1]} (undetermined)`;
      expect([id, shown]).toEqual([id, expected]);
    }
    const lesion1 = sections.filter({ hasText: 'Lesion 1 (T12)' });
    expect(await lesion1.locator('[data-ruleset="sins"] [data-score]').textContent()).toBe(String(evaluation.lesions[0]?.results.sins?.score));
    expect(await lesion1.locator('[data-ruleset="noms"] [data-classification="decision"] strong').textContent()).toBe(evaluation.lesions[0]?.results.noms?.decision);

    // Every rule evaluated is listed, collapsed; one expands to show its conditions and values.
    const rules = page.locator('details.rule');
    expect(await rules.count()).toBe(evaluation.trace.filter((t) => (t as { kind: string }).kind === 'rule').length);
    const junctional = page.locator('details[data-rule="location.junctional"]').first();
    expect(await junctional.getAttribute('open')).toBeNull();
    await junctional.locator('summary').click();
    expect(await junctional.getAttribute('open')).not.toBeNull();
    await expect.poll(() => junctional.locator('td', { hasText: 'region' }).first().isVisible()).toBe(true);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: false });
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(requests.every((url) => url.startsWith('file:'))).toBe(true);
    await page.close();
  }, 60_000);
});
