import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { LiveRuleSets, type LiveRuleSetsEvents } from '../src/ruleset/live-rule-sets.js';
import { BUNDLED_RULES_DIR } from '../src/ruleset/load-rulesets.js';

// Regression: this test once waited for a rejection its edit never caused (the profile has no `id:`).
it('keeps the profiled rule sets when a profile edit is broken, and reloads the fixed profile', async () => {
  const profile = join(mkdtempSync(join(tmpdir(), 'spinemets-profile-reload-')), 'sins-unstable-12.profile.yaml');
  const text = readFileSync(new URL('../examples/profiles/sins-unstable-12.profile.yaml', import.meta.url), 'utf8');
  writeFileSync(profile, text);
  const live = await LiveRuleSets.start({ paths: [BUNDLED_RULES_DIR], profiles: [profile], debounceMs: 20 });
  const sinsBands = () => live.current().rulesets.find((r) => r.document.id === 'sins')?.document.score?.bands?.map((b) => b.min);
  const next = <E extends keyof LiveRuleSetsEvents>(event: E) => once(live, event) as Promise<LiveRuleSetsEvents[E]>;
  // Writes the profile and waits for the event; under a loaded CI machine a file watcher can miss one
  // write's notification, so the same content is written again every 3 s until the event comes.
  const save = async <E extends keyof LiveRuleSetsEvents>(content: string, event: E): Promise<LiveRuleSetsEvents[E]> => {
    const arrived = next(event);
    writeFileSync(profile, content);
    let timer: NodeJS.Timeout | undefined;
    const rewrite = (): void => void (timer = setTimeout(() => (writeFileSync(profile, content), rewrite()), 3000));
    rewrite();
    try {
      return await arrived;
    } finally {
      clearTimeout(timer);
    }
  };
  try {
    const [problems] = await save(text.replace(/^version: .*$/m, 'version: first'), 'rejected');
    const versionLine = text.split('\n').findIndex((line) => line.startsWith('version:')) + 1;
    expect(problems.map((p) => ({ file: p.file, line: p.line }))).toContainEqual({ file: profile, line: versionLine });
    expect(live.current().generation).toBe(1);
    expect(sinsBands()).toEqual([0, 7, 12]);

    const [snapshot] = await save(text, 'reloaded');
    expect(snapshot.generation).toBe(2);
    expect(sinsBands()).toEqual([0, 7, 12]);
    expect(live.current().rulesets.find((r) => r.document.id === 'sins')?.document.profile?.id).toBe('sins-unstable-12');
  } finally {
    await live.close();
  }
}, 60_000);
