import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { LiveRuleSets } from '../src/ruleset/live-rule-sets.js';
import { BUNDLED_RULES_DIR } from '../src/ruleset/load-rulesets.js';
import { testApp } from './support/server.js';

it('serves and evaluates rule sets with the profile applied', async () => {
  const profile = join(mkdtempSync(join(tmpdir(), 'spinemets-serve-profile-')), 'sins-unstable-12.profile.yaml');
  const text = readFileSync(new URL('../examples/profiles/sins-unstable-12.profile.yaml', import.meta.url), 'utf8');
  writeFileSync(profile, text);
  const live = await LiveRuleSets.start({ paths: [BUNDLED_RULES_DIR], profiles: [profile], debounceMs: 20 });
  const app = await testApp({ rules: live });

  const sins = (await app.inject({ method: 'GET', url: '/rulesets/sins' })).json();
  expect(sins.profile).toMatchObject({ id: 'sins-unstable-12', version: '1.2.0' });
  expect(sins.document.score.bands.map((b: { min: number }) => b.min)).toEqual([0, 7, 12]);
  // SINS 12 (junctional 3, mechanical 3, mixed 1, normal 0, <50% 2, bilateral 3): published potentially unstable, unstable here.
  const twelve = JSON.stringify({ lesions: [{ level: 'T12', pain: 'mechanical', boneLesion: 'mixed', alignment: 'normal', collapse: 'under_50', posterolateral: 'bilateral' }] });
  const evaluated = (await app.inject({ method: 'POST', url: '/evaluate?trace=none', payload: twelve, headers: { 'content-type': 'application/json' } })).json();
  expect(evaluated.lesions[0].results.sins).toMatchObject({ score: 12, category: 'unstable' });

  await app.close();
  await live.close();
});
