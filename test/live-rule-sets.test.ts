import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProblemsError } from '../src/problems/problem.js';
import { LiveRuleSets, type LiveRuleSetsEvents } from '../src/ruleset/live-rule-sets.js';
import { BUNDLED_RULES_DIR } from '../src/ruleset/load-rulesets.js';
import { asVersion, positionOf, versionOf } from './support/mutate.js';

/** A private copy of a few rule sets to edit: SINS, and NESMS with the modified Bauer score it reads. */
function tempRules(): string {
  const dir = mkdtempSync(join(tmpdir(), 'spinemets-live-'));
  for (const id of ['sins', 'nesms', 'modified-bauer']) cpSync(join(BUNDLED_RULES_DIR, id), join(dir, id), { recursive: true });
  return dir;
}

const next = <E extends keyof LiveRuleSetsEvents>(live: LiveRuleSets, event: E) => once(live, event) as Promise<LiveRuleSetsEvents[E]>;

let live: LiveRuleSets | undefined;
let dir: string | undefined;
afterEach(async () => {
  await live?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  live = undefined;
});

describe('LiveRuleSets', () => {
  it('rejects a broken rule file with positioned problems, keeps serving the last good set, and takes the fix', async () => {
    dir = tempRules();
    live = await LiveRuleSets.start({ paths: [dir], debounceMs: 20, warnEditsInPlace: true });
    const first = live.current();
    expect(first.generation).toBe(1);
    expect(first.rulesets.map((r) => r.document.id).sort()).toEqual(['modified-bauer', 'nesms', 'sins']);

    const file = join(dir, 'sins', 'sins.yaml');
    const good = readFileSync(file, 'utf8');
    const rejected = next(live, 'rejected');
    writeFileSync(file, good.replace('fact: pain, operator: equal, value: mechanical', 'fact: pian, operator: equal, value: mechanical'));
    const [problems, changed] = await rejected;
    expect(changed).toEqual([file]);
    expect(problems).toContainEqual(expect.objectContaining({ code: 'UNKNOWN_FACT', file, line: expect.any(Number), column: expect.any(Number) }));
    // The snapshot in use is the very same object: nothing half-loaded was swapped in.
    expect(live.current()).toBe(first);

    const reloaded = next(live, 'reloaded');
    writeFileSync(file, good.replace('First encoding of Fisher 2010', 'Encoding of Fisher 2010'));
    const [snapshot, , warnings] = await reloaded;
    expect(snapshot.generation).toBe(2);
    expect(live.current()).toBe(snapshot);
    expect(Object.isFrozen(snapshot)).toBe(true);
    // Taken, and said: the edit kept the version, so decisions before and after name one version for two contents (helper-49).
    expect(warnings.map((w) => [w.code, w.file, w.severity])).toEqual([['RULESET_VERSION_REUSED', file, 'warning']]);
    const sins = (s: typeof snapshot) => s.rulesets.find((r) => r.document.id === 'sins')?.sha256;
    expect(sins(snapshot)).not.toBe(sins(first));
  }, 30_000);

  // The check skipped a rule set a profile patches: under a profile, sins.yaml edited in place with its
  // version kept was served without a word, as the patched content's hash changes with the profile's too.
  it('under a profile, says RULESET_VERSION_REUSED for the rule file edited in place, and not for the profile edited', async () => {
    dir = tempRules();
    const profile = join(mkdtempSync(join(tmpdir(), 'spinemets-live-profile-')), 'board.profile.yaml');
    const change = (value: string) => `profile: board
version: 1.0.0
title: Board
institution: Test hospital
references:
  board: { citation: Board minutes. }
appliesTo: { sins: "1.x" }
changes:
  - { id: t3, op: set-table, ruleset: sins, table: spinalRegion, key: T3, value: ${value}, reference: board, reason: test, author: test }
`;
    writeFileSync(profile, change('junctional'));
    live = await LiveRuleSets.start({ paths: [dir], profiles: [profile], debounceMs: 20, warnEditsInPlace: true });
    expect(live.initialWarnings).toEqual([]);

    const file = join(dir, 'sins', 'sins.yaml');
    const edited = readFileSync(file, 'utf8').replace('First encoding of Fisher 2010', 'Encoding of Fisher 2010');
    const reloaded = next(live, 'reloaded');
    writeFileSync(file, edited);
    const [snapshot, , warnings] = await reloaded;
    expect(snapshot.rulesets.find((r) => r.document.id === 'sins')?.document.profile?.id).toBe('board');
    expect(warnings.map((w) => ({ code: w.code, severity: w.severity, file: w.file, line: w.line, column: w.column }))).toEqual([
      { code: 'RULESET_VERSION_REUSED', severity: 'warning', file, ...positionOf(edited, versionOf(edited), 'version: ') },
    ]);

    // The profile's changes are the profile's version: the rule file's own content did not change.
    const profileEdited = next(live, 'reloaded');
    writeFileSync(profile, change('mobile'));
    const [, changed, profileWarnings] = await profileEdited;
    expect(changed).toEqual([profile]);
    expect(profileWarnings).toEqual([]);
  }, 30_000);

  it('picks up a created file and a deleted one', async () => {
    dir = tempRules();
    live = await LiveRuleSets.start({ paths: [dir], debounceMs: 20 });
    const file = join(dir, 'sins', 'sins-9.0.yaml');
    const added = next(live, 'reloaded');
    const bundled = readFileSync(join(dir, 'sins', 'sins.yaml'), 'utf8');
    writeFileSync(file, asVersion(bundled, '9.0.0', 'test copy'));
    const [withNew, changed] = await added;
    expect(changed).toEqual([file]);
    expect(withNew.rulesets.find((r) => r.document.id === 'sins')?.document.version).toBe('9.0.0');

    const removed = next(live, 'reloaded');
    rmSync(file);
    const [withoutNew] = await removed;
    expect(withoutNew.generation).toBe(3);
    expect(withoutNew.rulesets.find((r) => r.document.id === 'sins')?.document.version).toBe(versionOf(bundled));
  }, 30_000);

  // A watched file or folder deleted and created again was no longer watched: its later edits were never served.
  it('keeps watching a rule file given by name after it is deleted and created again', async () => {
    dir = tempRules();
    const file = join(dir, 'sins', 'sins.yaml');
    const bundled = readFileSync(file, 'utf8');
    live = await LiveRuleSets.start({ paths: [file], library: [BUNDLED_RULES_DIR], debounceMs: 20 });
    const rejected = next(live, 'rejected');
    rmSync(file);
    const [problems] = await rejected;
    expect(problems.map((p) => p.code)).toContain('FILE_UNREADABLE');
    const reloaded = next(live, 'reloaded');
    writeFileSync(file, asVersion(bundled, '9.0.0', 'recreated'));
    const [snapshot] = await reloaded;
    expect(snapshot.rulesets.find((r) => r.document.id === 'sins')?.document.version).toBe('9.0.0');
    const edited = next(live, 'reloaded');
    writeFileSync(file, asVersion(bundled, '9.0.1', 'edited after'));
    const [after] = await edited;
    expect(after.rulesets.find((r) => r.document.id === 'sins')?.document.version).toBe('9.0.1');
  }, 30_000);

  it('keeps watching a rules folder after it is moved away and copied back', async () => {
    dir = tempRules();
    const rules = join(dir, 'rules');
    cpSync(join(dir, 'sins'), join(rules, 'sins'), { recursive: true });
    const bundled = readFileSync(join(rules, 'sins', 'sins.yaml'), 'utf8');
    live = await LiveRuleSets.start({ paths: [rules], debounceMs: 20 });
    const rejected = next(live, 'rejected');
    renameSync(rules, join(dir, 'rules.old'));
    await rejected;
    const back = next(live, 'reloaded');
    cpSync(join(dir, 'rules.old'), rules, { recursive: true });
    await back;
    // The watcher takes the copied folder in over a few events; a save made meanwhile is saved again, as an editor would.
    const served = async (): Promise<string | undefined> => live?.current().rulesets.find((r) => r.document.id === 'sins')?.document.version;
    for (let attempt = 0; attempt < 20 && (await served()) !== '9.0.2'; attempt++) {
      writeFileSync(join(rules, 'sins', 'sins.yaml'), asVersion(bundled, '9.0.2', 'edited after the copy'));
      await Promise.race([next(live, 'reloaded'), new Promise((done) => setTimeout(done, 500))]);
    }
    expect(await served()).toBe('9.0.2');
  }, 30_000);

  it('reports a first load with errors as problems, not a crash', async () => {
    dir = tempRules();
    writeFileSync(join(dir, 'sins', 'sins.yaml'), 'id: sins\nversion: [\n');
    const started = LiveRuleSets.start({ paths: [dir] });
    await expect(started).rejects.toBeInstanceOf(ProblemsError);
    await expect(started).rejects.toMatchObject({ problems: expect.arrayContaining([expect.objectContaining({ code: 'YAML_SYNTAX', line: expect.any(Number) })]) });
  });
});
