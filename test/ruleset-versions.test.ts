import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluatePatient } from '../src/engine/evaluate-patient.js';
import { loadRuleSets } from '../src/ruleset/load-rulesets.js';
import { parsePick } from '../src/ruleset/select-versions.js';
import { asVersion, positionOf, read, replaced, SINS_FILE, versionOf } from './support/mutate.js';

const BUNDLED = versionOf(read(SINS_FILE));
const LOCAL = '9.0.0';

/** A folder with the bundled SINS and a local 9.0.0 whose unstable band starts at 12. */
function twoVersions(): string {
  const dir = mkdtempSync(join(tmpdir(), 'spinemets-versions-'));
  const original = read(SINS_FILE);
  writeFileSync(join(dir, 'sins.yaml'), original);
  const local = replaced(asVersion(original, LOCAL, 'Unstable from 12 (local decision).'), [
    ['min: 7\n      max: 12', 'min: 7\n      max: 11'],
    ['min: 13\n      max: 18', 'min: 12\n      max: 18'],
  ]);
  writeFileSync(join(dir, `sins@${LOCAL}.yaml`), local);
  return dir;
}

// T12 junctional 3, mechanical 3, lytic 2, normal 0, <50% 2, bilateral 3: SINS 13 - 1 (unilateral) = 12.
const patient = { lesions: [{ level: 'T12', pain: 'mechanical', boneLesion: 'lytic', alignment: 'normal', collapse: 'under_50', posterolateral: 'bilateral' }] };
const patient12 = { lesions: [{ ...patient.lesions[0], posterolateral: 'unilateral', collapse: 'over_50' }] };

describe('several versions of one rule set side by side', () => {
  it('loads both and evaluates with the newest by default', async () => {
    const { rulesets, available, problems } = await loadRuleSets([twoVersions()]);
    expect(problems).toEqual([]);
    expect(available.map((r) => r.document.version).sort()).toEqual([BUNDLED, LOCAL]);
    expect(rulesets.map((r) => `${r.document.id}@${r.document.version}`)).toEqual([`sins@${LOCAL}`]);
    const evaluation = await evaluatePatient(patient12, rulesets);
    expect(evaluation.lesions[0]?.results.sins).toMatchObject({ score: 12, category: 'unstable' });
  });

  it('evaluates with the version picked by number, or by content hash', async () => {
    const dir = twoVersions();
    const byVersion = await loadRuleSets([dir], { pick: [parsePick(`sins@${BUNDLED}`)] });
    expect(byVersion.rulesets.map((r) => r.document.version)).toEqual([BUNDLED]);
    expect((await evaluatePatient(patient12, byVersion.rulesets)).lesions[0]?.results.sins).toMatchObject({ score: 12, category: 'potentially_unstable' });
    const hash = byVersion.rulesets[0]?.sha256 ?? '';
    const byHash = await loadRuleSets([dir], { pick: [parsePick(`sins@sha256:${hash.slice(0, 12)}`)] });
    expect(byHash.rulesets.map((r) => r.sha256)).toEqual([hash]);
  });

  it('reports a pick that matches nothing, and a version defined twice', async () => {
    const dir = twoVersions();
    const unknown = await loadRuleSets([dir], { pick: [parsePick('sins@2.0.0')] });
    expect(unknown.problems.map((p) => p.code)).toEqual(['UNKNOWN_RULESET_VERSION']);
    writeFileSync(join(dir, 'sins-copy.yaml'), read(SINS_FILE));
    const twice = await loadRuleSets([dir]);
    expect(twice.problems.map((p) => p.code)).toEqual(['DUPLICATE_RULESET']);
    // At the version line of the second file, not 1:1 (QA pass, a new rule set).
    const [duplicate] = twice.problems;
    const text = read(duplicate?.file ?? '');
    expect({ line: duplicate?.line, column: duplicate?.column }).toEqual(positionOf(text, versionOf(text), 'version: '));
  });
});
