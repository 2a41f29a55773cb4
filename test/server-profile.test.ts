import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { LiveRuleSets } from '../src/ruleset/live-rule-sets.js';
import { BUNDLED_RULES_DIR } from '../src/ruleset/load-rulesets.js';
import { testApp } from './support/server.js';

const FIELD = 'https://spinemets.invalid/fhir/CodeSystem/patient-field';

it('serves and evaluates rule sets with the profile applied', async () => {
  const profile = join(mkdtempSync(join(tmpdir(), 'spinemets-serve-profile-')), 'sins-unstable-12.profile.yaml');
  const text = readFileSync(new URL('../examples/profiles/sins-unstable-12.profile.yaml', import.meta.url), 'utf8');
  writeFileSync(profile, text);
  const live = await LiveRuleSets.start({ paths: [BUNDLED_RULES_DIR], profiles: [profile], debounceMs: 20 });
  const app = await testApp({ rules: live });

  const sins = (await app.inject({ method: 'GET', url: '/rulesets/sins' })).json();
  expect(sins.profile).toMatchObject({ id: 'sins-unstable-12', version: '1.5.0' });
  expect(sins.document.score.bands.map((b: { min: number }) => b.min)).toEqual([0, 7, 12]);
  // SINS 12 (junctional 3, mechanical 3, mixed 1, normal 0, <50% 2, bilateral 3): published potentially unstable, unstable here.
  const twelve = JSON.stringify({ lesions: [{ level: 'T12', pain: 'mechanical', boneLesion: 'mixed', alignment: 'normal', collapse: 'under_50', posterolateral: 'bilateral' }] });
  const evaluated = (await app.inject({ method: 'POST', url: '/evaluate?trace=none', payload: twelve, headers: { 'content-type': 'application/json' } })).json();
  expect(evaluated.lesions[0].results.sins).toMatchObject({ score: 12, category: 'unstable' });

  // The card named "sins 1.1.0", the published rule set, for a decision made under the profile.
  const lesion = { resourceType: 'Observation', id: 'l1', status: 'final', code: { coding: [{ system: FIELD, code: 'lesion' }] }, bodySite: { coding: [{ system: FIELD, code: 'T12' }] } };
  const hook = { hook: 'patient-view', hookInstance: 'a2f9b5c4-1d1e-4c55-9a11-2b1f3c4d5e6f', context: { userId: 'Practitioner/1', patientId: 'p1' }, prefetch: { patient: null, observations: { resourceType: 'Bundle', type: 'searchset', entry: [{ resource: lesion }] }, conditions: null } };
  const [card] = (await app.inject({ method: 'POST', url: '/cds-services/spinemets-spine', payload: JSON.stringify(hook), headers: { 'content-type': 'application/json' } })).json().cards;
  expect(card.source.label).toMatch(/^spinemets \S+ \+ institution profile$/);
  expect(card.detail).toMatch(/Rule sets: .*sins 1\.1\.0 \+ profile sins-unstable-12@1\.5\.0 \(sha256:/);
  // The profile leaves lesion-plan's instrumentation-failure risk at SINS 13: the card says so at its top
  // and is no info card (the service did not review profiles; its cards said nothing).
  expect(card.indicator).not.toBe('info');
  // At the top of the detail, before any reason the card gives (whose words may be the published ones).
  expect(card.detail.startsWith('**Warning**: Institution profile sins-unstable-12@1.5.0')).toBe(true);
  expect(card.detail).toMatch(/\*\*Warning\*\*: Institution profile sins-unstable-12@1\.5\.0 is not followed everywhere: 1 test in lesion-plan still divides a value at the published threshold the profile moved\. /);
  expect(evaluated.warnings.filter((w: { code: string }) => w.code === 'THRESHOLD_NOT_FOLLOWED')).toMatchObject([{ ruleset: 'lesion-plan', change: 'sins-unstable-band' }]);
  // The card's reason gives the band as served: it said "SINS 7-12" under this profile (config/cds-hooks.yaml's words).
  expect(card.detail).toContain('possibly unstable spine (SINS 12-18)');
  expect(card.detail).not.toMatch(/unstable spine \(SINS (7-12|13-18)\)/);

  await app.close();
  await live.close();
});
