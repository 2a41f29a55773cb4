import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveRuleSets, type LiveRuleSetsEvents, type RuleSetsSnapshot } from '../src/ruleset/live-rule-sets.js';
import { BUNDLED_RULES_DIR } from '../src/ruleset/load-rulesets.js';
import { asVersion, replaced } from './support/mutate.js';
import { testApp } from './support/server.js';

const json = { 'content-type': 'application/json' };
const PATIENT = JSON.stringify({ lesions: [{ level: 'T12', pain: 'mechanical', boneLesion: 'lytic', alignment: 'normal', collapse: 'under_50', posterolateral: 'unilateral' }] });

let dir: string;
let live: LiveRuleSets;
let app: FastifyInstance;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'spinemets-serve-reload-'));
  cpSync(join(BUNDLED_RULES_DIR, 'sins'), join(dir, 'sins'), { recursive: true });
  live = await LiveRuleSets.start({ paths: [dir], debounceMs: 20 });
  app = await testApp({ rules: live });
});
afterAll(async () => {
  await app.close();
  await live.close();
  rmSync(dir, { recursive: true, force: true });
});

const evaluate = async () => {
  const response = await app.inject({ method: 'POST', url: '/evaluate?trace=none', payload: PATIENT, headers: json });
  expect(response.statusCode).toBe(200);
  return response.json() as { generation: number; rulesets: Array<{ id: string; sha256: string }>; lesions: Array<{ results: { sins: { score: number } } }> };
};
const identity = (s: RuleSetsSnapshot) => s.rulesets.map((r) => r.sha256).join();
const next = <E extends keyof LiveRuleSetsEvents>(event: E) => once(live, event) as Promise<LiveRuleSetsEvents[E]>;

describe('the service over live rule sets', () => {
  it('swaps a valid change in between requests, names the version used, and keeps the last good set on a broken change', async () => {
    const file = join(dir, 'sins', 'sins.yaml');
    const good = readFileSync(file, 'utf8');
    const first = await evaluate();
    expect(first.generation).toBe(1);
    expect(first.lesions[0]?.results.sins.score).toBe(11);

    // Under way while the file changes: every answer is wholly from one snapshot, the old or the new.
    const snapshots = [live.current()];
    live.on('reloaded', (s) => snapshots.push(s));
    const reloaded = next('reloaded');
    const during = Array.from({ length: 20 }, () => evaluate());
    const mechanical = 'when: { fact: pain, operator: equal, value: mechanical }';
    writeFileSync(file, replaced(asVersion(good, '9.0.1', 'test edit'), [[`points: 3\n          ${mechanical}`, `points: 2\n          ${mechanical}`]]));
    await reloaded;
    const answers = [...(await Promise.all(during)), await evaluate()];
    for (const answer of answers) {
      const snapshot = snapshots.find((s) => s.generation === answer.generation);
      expect(answer.rulesets.map((r) => r.sha256).join()).toBe(snapshot && identity(snapshot));
      expect(answer.lesions[0]?.results.sins.score).toBe(answer.generation === 1 ? 11 : 10);
    }
    const after = answers.at(-1);
    expect(after?.generation).toBe(2);
    expect(after?.rulesets).toContainEqual(expect.objectContaining({ id: 'sins', version: '9.0.1' }));
    expect((await app.inject({ method: 'GET', url: '/rulesets/sins' })).json()).toMatchObject({ version: '9.0.1', generation: 2 });

    const rejected = next('rejected');
    writeFileSync(file, good.replace('bands:', 'bandz:'));
    const [problems] = await rejected;
    expect(problems[0]).toMatchObject({ file, line: expect.any(Number), column: expect.any(Number) });
    const still = await evaluate();
    expect(still.generation).toBe(2);
    expect(still.lesions[0]?.results.sins.score).toBe(10);
  }, 30_000);
});

describe('/health over live rule sets', () => {
  // /health said {status: ok} after a broken edit had been rejected: the last good set serving hid from
  // probes that the rules on disk would not load, and that the next restart would fail (QA of the service).
  it('says that the last reload was rejected, with its problem codes, and still answers 200', async () => {
    const health = async () => {
      const response = await app.inject({ method: 'GET', url: '/health' });
      expect(response.statusCode).toBe(200);
      return response.json() as { status: string; generation: number; lastReload: { status: string; at: string; problems: number; codes: string[] } | null };
    };
    const file = join(dir, 'sins', 'sins.yaml');
    const good = readFileSync(join(BUNDLED_RULES_DIR, 'sins', 'sins.yaml'), 'utf8');
    // Written again until the watcher reacts: it can miss a save that closely follows a reload, which is
    // not what this test is about.
    const saved = async <E extends keyof LiveRuleSetsEvents>(text: string, event: E): Promise<LiveRuleSetsEvents[E]> => {
      const reacted = next(event);
      let done = false;
      void reacted.then(() => (done = true));
      while (!done) {
        writeFileSync(file, text);
        await Promise.race([reacted, new Promise((resolve) => setTimeout(resolve, 2_000))]);
      }
      return reacted;
    };
    await saved(asVersion(good, '9.0.2', 'mended'), 'reloaded');
    expect((await health()).lastReload).toMatchObject({ status: 'accepted', problems: 0, codes: [] });
    const generation = live.current().generation;

    const [problems] = await saved(good.replace('bands:', 'bandz:'), 'rejected');
    const broken = await health();
    expect(broken).toMatchObject({ status: 'ok', generation, lastReload: { status: 'rejected', problems: problems.length, codes: [...new Set(problems.map((p) => p.code))].sort() } });
    expect(broken.lastReload?.codes).toContain('SCHEMA_UNKNOWN_KEY');
    expect(Date.parse(broken.lastReload?.at ?? '')).toBeGreaterThan(Date.now() - 60_000);

    await saved(asVersion(good, '9.0.3', 'mended'), 'reloaded');
    expect(await health()).toMatchObject({ status: 'ok', generation: generation + 1, lastReload: { status: 'accepted', problems: 0, codes: [] } });
  }, 30_000);
});
