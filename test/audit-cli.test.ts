import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, recordHash, type DecisionRecord } from '../src/audit/decision-record.js';
import { rulesetStoreDir, storedRuleSetFile } from '../src/audit/ruleset-store.js';
import { sha256Hex } from '../src/ruleset/hash.js';

/** The built command, run the way a user runs it (`npm test` builds first). */
const CLI = new URL('../dist/cli/main.js', import.meta.url).pathname;
const EXAMPLE = new URL('../examples/patient.yaml', import.meta.url).pathname;
const RULES = new URL('../rules/', import.meta.url).pathname;
const SINS_RULES = join(RULES, 'sins');

function run(args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function runAsync(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

const tmp = () => mkdtempSync(join(tmpdir(), 'spinemets-audit-cli-'));
const records = (log: string): DecisionRecord[] => readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as DecisionRecord);
const linesOf = (log: string): string[] => readFileSync(log, 'utf8').split('\n').slice(0, -1);
const writeLines = (log: string, lines: string[]): void => writeFileSync(log, lines.map((l) => l + '\n').join(''));
/** The log's records, each edited (`i`: its index) and the chain re-sealed from the first as a forger would. */
function reseal(log: string, edit: (record: DecisionRecord, i: number, earlier: readonly DecisionRecord[]) => void): DecisionRecord[] {
  const resealed: DecisionRecord[] = [];
  for (const [i, record] of records(log).entries()) {
    const copy = structuredClone(record);
    edit(copy, i, resealed);
    copy.prev = i === 0 ? GENESIS_HASH : resealed[i - 1]!.hash;
    copy.hash = recordHash(copy);
    resealed.push(copy);
  }
  writeLines(log, resealed.map((r) => JSON.stringify(r)));
  return resealed;
}

const lesion = (level: string) => ({ level, pain: 'mechanical', boneLesion: 'lytic', alignment: 'normal', collapse: 'under_50', posterolateral: 'unilateral' });

/** An NDJSON cohort: patient ids `${tag}0`.., one lesion each, cycling through levels. */
function cohort(dir: string, tag: string, count: number): string {
  const file = join(dir, `${tag}.ndjson`);
  const levels = ['T12', 'C5', 'L3', 'T6'];
  writeFileSync(file, Array.from({ length: count }, (_, i) => JSON.stringify({ id: `${tag}${i}`, lesions: [lesion(levels[i % levels.length]!)] })).join('\n') + '\n');
  return file;
}

/** A log of five SINS decisions written by `batch --record`. */
function fiveRecordLog(): string {
  const dir = tmp();
  const log = join(dir, 'decisions.jsonl');
  const { code } = run(['batch', cohort(dir, 'p', 5), '--rules', SINS_RULES, '--record', log, '-o', join(dir, 'out.ndjson')]);
  expect(code).toBe(0);
  return log;
}

describe('evaluate --record', () => {
  it('appends one sealed, chained record per evaluation, leaving the output unchanged but for the record it names', () => {
    const dir = tmp();
    const log = join(dir, 'audit.jsonl');
    const plain = run(['evaluate', EXAMPLE, '--format', 'json']);
    const first = run(['evaluate', EXAMPLE, '--format', 'json', '--record', log]);
    expect(first.code).toBe(0);
    // The output names its record (as the service's does), and is otherwise what was shown without one.
    const { decisionId, ...rest } = JSON.parse(first.stdout);
    expect(rest).toEqual(JSON.parse(plain.stdout));
    expect(decisionId).toBe(records(log)[0]?.decisionId);
    const second = run(['evaluate', EXAMPLE, '--record', log]);
    expect(second.code).toBe(0);

    const [a, b] = records(log);
    expect(first.stderr).toContain(`decision ${a!.decisionId} recorded in ${log}`);
    const out = JSON.parse(first.stdout);
    expect(a!.input.id).toBe('example-001');
    expect(a!.outputs).toEqual({ results: out.results, lesions: out.lesions, missing: out.missing, warnings: out.warnings });
    expect(a!.trace).toEqual(out.trace);
    expect(a!.rulesets.map((r) => [r.id, r.version, r.sha256])).toEqual(out.rulesets.map((r: { id: string; version: string; sha256: string }) => [r.id, r.version, r.sha256]));
    expect([a!.prev, b!.prev]).toEqual([GENESIS_HASH, a!.hash]);
    expect([a!.hash, b!.hash]).toEqual([recordHash(a!), recordHash(b!)]);
    expect(a!.decisionId).not.toBe(b!.decisionId);
    // Each of the ten rule sets stored once, under the hash of its bytes.
    const stored = readdirSync(rulesetStoreDir(log)).sort();
    expect(stored).toEqual(a!.rulesets.map((r) => `${r.documentSha256}.json`).sort());
    expect(stored).toHaveLength(10);
    for (const r of a!.rulesets) expect(sha256Hex(readFileSync(storedRuleSetFile(log, r.documentSha256), 'utf8'))).toBe(r.documentSha256);

    const verify = run(['audit', 'verify', log]);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toBe(`ok ${log}: 2 records, chain intact, head ${b!.hash}\n`);
  });

  it('--hash-ids stores no patient or lesion id, only their sha256', () => {
    const dir = tmp();
    const log = join(dir, 'audit.jsonl');
    const patient = join(dir, 'patient.json');
    writeFileSync(patient, JSON.stringify({ id: 'MRN-889-DOE', age: 61, lesions: [{ ...lesion('T12'), id: 'doe-lesion-a' }] }));
    const { code, stdout } = run(['evaluate', patient, '--format', 'json', '--record', log, '--hash-ids']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).patient.id).toBe('MRN-889-DOE'); // the clinician's output keeps it
    const text = readFileSync(log, 'utf8');
    expect(text).not.toContain('MRN-889-DOE');
    expect(text).not.toContain('doe-lesion-a');
    const [record] = records(log);
    expect(record!.idsHashed).toBe(true);
    expect(record!.input.id).toBe(`sha256:${sha256Hex('MRN-889-DOE')}`);
    expect(record!.outputs.lesions[0]!.id).toBe(`sha256:${sha256Hex('doe-lesion-a')}`);
    expect(run(['audit', 'verify', log]).code).toBe(0);
    // And it replays as recorded: the hashed ids go through the engine unchanged.
    expect(run(['audit', 'replay', log]).code).toBe(0);
  });

  it('--hash-ids without --record is a usage error', () => {
    expect(run(['evaluate', EXAMPLE, '--hash-ids']).code).toBe(64);
  });

  it('shows no result when the decision cannot be recorded (exit 3)', () => {
    const unwritable = run(['evaluate', EXAMPLE, '--record', join(tmp(), 'missing-dir', 'audit.jsonl')]);
    expect(unwritable.code).toBe(3);
    expect(unwritable.stdout).toBe('');
    expect(unwritable.stderr).toMatch(/ AUDIT_WRITE_FAILED /);

    const log = fiveRecordLog();
    writeFileSync(log, readFileSync(log, 'utf8').slice(0, -20));
    const torn = run(['evaluate', EXAMPLE, '--rules', SINS_RULES, '--record', log]);
    expect(torn.code).toBe(3);
    expect(torn.stdout).toBe('');
    // At the torn line, as audit verify places it (the writer gave the file alone).
    expect(torn.stderr).toMatch(new RegExp(`^${log}:5:1 AUDIT_TORN_LINE `));
  });
});

describe('audit verify', () => {
  it('reports an edited, deleted, reordered or truncated record as LOG:LINE:1 CODE, exit 3', () => {
    const log = fiveRecordLog();
    const lines = linesOf(log);
    const cases: Array<[string, string[] | string, number, string]> = [
      ['one byte edited', lines.map((l, i) => (i === 3 ? l.replace('"points":3', '"points":4') : l)), 4, 'AUDIT_RECORD_EDITED'],
      ['a record deleted', lines.filter((_, i) => i !== 1), 2, 'AUDIT_CHAIN_BROKEN'],
      ['two records swapped', [lines[0]!, lines[3]!, lines[2]!, lines[1]!, lines[4]!], 2, 'AUDIT_CHAIN_BROKEN'],
      ['truncated mid-line', lines.join('\n').slice(0, lines.slice(0, 4).join('\n').length + 50), 5, 'AUDIT_TORN_LINE'],
      ['a line that is not JSON', lines.map((l, i) => (i === 2 ? l.slice(0, -1) : l)), 3, 'AUDIT_INVALID_JSON'],
      // JSON.parse keeps the last of a repeated key, so the hash held while the line showed another value.
      ['a repeated key shows a value the hash does not cover', lines.map((l, i) => (i === 2 ? l.replace('"points":3', '"points":4,"points":3') : l)), 3, 'AUDIT_INVALID_RECORD'],
      // helper-58: both took the canonical writer down (Infinity is not allowed; out of stack), exit 70.
      ['a number past JSON\'s range', lines.map((l, i) => (i === 2 ? l.replace('"points":3', '"points":1e400') : l)), 3, 'AUDIT_RECORD_EDITED'],
      ['a value nested thousands deep', lines.map((l, i) => (i === 2 ? l.replace('"points":3', `"points":${'['.repeat(3000)}3${']'.repeat(3000)}`) : l)), 3, 'AUDIT_RECORD_EDITED'],
    ];
    for (const [what, content, line, code] of cases) {
      if (typeof content === 'string') writeFileSync(log, content);
      else writeLines(log, content);
      const { code: exit, stdout } = run(['audit', 'verify', log]);
      expect(exit, what).toBe(3);
      expect(stdout.trim().split('\n'), what).toEqual([expect.stringMatching(new RegExp(`^${log}:${line}:1 ${code} `))]);
    }
    // The first record removed: there is no line 0 to have been changed (the message named one).
    writeLines(log, lines.slice(1));
    const headless = run(['audit', 'verify', log]);
    expect(headless.stdout).toMatch(new RegExp(`^${log}:1:1 AUDIT_CHAIN_BROKEN `));
    expect(headless.stdout).not.toContain('line 0');
    writeLines(log, lines);
    expect(run(['audit', 'verify', log]).stdout).toMatch(/^ok .*: 5 records, chain intact, head [0-9a-f]{64}\n$/);
  });

  // A duplicated line was called "records are out of order"; a store entry that is a folder was an internal error (EISDIR).
  it('names a duplicated record as one, and a store entry that cannot be read as a rule-set problem', () => {
    const log = fiveRecordLog();
    const lines = linesOf(log);
    writeLines(log, [...lines.slice(0, 3), lines[2]!, ...lines.slice(3)]);
    const duplicated = run(['audit', 'verify', log]);
    expect(duplicated.code).toBe(3);
    expect(duplicated.stdout).toMatch(new RegExp(`^${log}:4:1 AUDIT_CHAIN_BROKEN the record repeats line 3`));
    writeLines(log, lines);
    const file = storedRuleSetFile(log, records(log)[0]!.rulesets[0]!.documentSha256);
    rmSync(file);
    mkdirSync(file);
    const unreadable = run(['audit', 'verify', log]);
    expect(unreadable.code).toBe(3);
    expect(unreadable.stdout).toMatch(new RegExp(`^${log}:1:1 AUDIT_RULESET_MISSING .*cannot be read`));
  });

  // helper-59: a record given another's decision id and the chain re-sealed verified, and `replay --id` replayed both.
  it('a decision id recorded twice, even in a re-sealed chain: AUDIT_DUPLICATE_DECISION at the second', () => {
    const log = fiveRecordLog();
    reseal(log, (record, i, earlier) => {
      if (i === 3) record.decisionId = earlier[1]!.decisionId;
    });
    const { code, stdout } = run(['audit', 'verify', log]);
    expect(code).toBe(3);
    expect(stdout.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^${log}:4:1 AUDIT_DUPLICATE_DECISION .*line 2`))]);
    // helper-63: in capitals it passed, though a uuid is the same in either case and CDS feedback compares them so.
    const fresh = fiveRecordLog();
    reseal(fresh, (record, i, earlier) => {
      if (i === 4) record.decisionId = earlier[2]!.decisionId.toUpperCase();
    });
    expect(run(['audit', 'verify', fresh]).stdout).toMatch(new RegExp(`^${fresh}:5:1 AUDIT_DUPLICATE_DECISION .*line 3`));
  });

  it('a log that cannot be read: exit 2', () => {
    const log = join(tmp(), 'nothing.jsonl');
    const { code, stdout } = run(['audit', 'verify', log]);
    expect(code).toBe(2);
    expect(stdout).toMatch(new RegExp(`^${log}:1:1 FILE_UNREADABLE `));
  });
});

describe('batch --record', () => {
  it('two batches recording 500 patients each into one log at once leave 1,000 records that verify', async () => {
    const dir = tmp();
    const log = join(dir, 'shared.jsonl');
    const runs = await Promise.all(
      ['a', 'b'].map((tag) => runAsync(['batch', cohort(dir, tag, 500), '--rules', SINS_RULES, '--record', log, '-o', join(dir, `${tag}.out`)])),
    );
    for (const { code, stderr } of runs) {
      expect(code).toBe(0);
      // The summary's first line, then (after the category counts) what was recorded where.
      expect(stderr).toMatch(/^500 patients, 500 evaluated, 0 invalid, /);
      expect(stderr).toMatch(new RegExp(`\\n500 decisions recorded in ${log}\\n$`));
    }
    const verify = run(['audit', 'verify', log]);
    expect(verify.stdout).toMatch(/: 1000 records, chain intact/);
    expect(verify.code).toBe(0);
    const ids = records(log).map((r) => r.input.id as string);
    for (const tag of ['a', 'b']) expect(ids.filter((id) => id.startsWith(tag))).toEqual(Array.from({ length: 500 }, (_, i) => `${tag}${i}`));
  }, 60_000);
});

describe('audit replay', () => {
  /** Decisions recorded with a copy of the rule files, which is then changed: T12 becomes semi-rigid for SINS. */
  function recordThenChangeRules() {
    const dir = tmp();
    const rules = join(dir, 'rules');
    cpSync(RULES, rules, { recursive: true });
    const log = join(dir, 'audit.jsonl');
    const input = cohort(dir, 'r', 3); // r0: T12, r1: C5, r2: L3
    expect(run(['batch', input, '--rules', rules, '--record', log, '-o', join(dir, 'out.ndjson')]).code).toBe(0);
    const sinsFile = join(rules, 'sins', 'sins.yaml');
    const text = readFileSync(sinsFile, 'utf8');
    expect(text).toContain('      T12: junctional\n');
    writeFileSync(sinsFile, text.replace('      T12: junctional\n', '      T12: semi_rigid\n'));
    return { log, rules, ids: records(log).map((r) => r.decisionId) };
  }

  it('reproduces every decision on its pinned rule sets after the rule files changed; --current shows what changed', () => {
    const { log, rules, ids } = recordThenChangeRules();

    const pinned = run(['audit', 'replay', log]);
    expect(pinned.stdout.trim().split('\n')).toEqual([
      `${ids[0]} (line 1) identical`,
      `${ids[1]} (line 2) identical`,
      `${ids[2]} (line 3) identical`,
      '3 replayed on their pinned rule sets: 3 identical, 0 different, 0 failed',
    ]);
    expect(pinned.code).toBe(0);

    const current = run(['audit', 'replay', log, '--current', '--rules', rules]);
    expect(current.code).toBe(0);
    const lines = current.stdout.trim().split('\n');
    expect(lines).toContain(`${ids[0]} (line 1) different`);
    // T12 lytic, mechanical pain, <50% collapse, unilateral: 11 points with junctional (3), 9 with semi-rigid (1).
    expect(lines).toContain('  lesions[0].results.sins.score: 11 -> 9');
    expect(lines).toContain('  lesions[0].results.sins.components.location.alternative: "junctional" -> "semi_rigid"');
    expect(lines).toContain(`${ids[1]} (line 2) different`); // only the rule set's hash differs for C5
    expect(lines.at(-1)).toBe('3 replayed on the current rule sets: 0 identical, 3 different, 0 failed');

    const one = run(['audit', 'replay', log, '--id', ids[2]!]);
    expect(one.stdout.trim().split('\n')).toEqual([`${ids[2]} (line 3) identical`, '1 replayed on their pinned rule sets: 1 identical, 0 different, 0 failed']);
    // The log verifies: the id is the input at fault, exit 2 as for report --id (it was 3, "the log does not verify").
    const none = run(['audit', 'replay', log, '--id', 'no-such-decision']);
    expect(none.code).toBe(2);
    expect(none.stdout).toMatch(new RegExp(`^${log}:1:1 AUDIT_RECORD_NOT_FOUND `));
  }, 30_000);

  it('exits 4 when a recorded decision does not come out of its pinned rule sets, even in a consistently re-sealed log', () => {
    const log = fiveRecordLog();
    // A forger changes a score and re-seals every record from there on: the chain verifies, the replay does not.
    const forged = reseal(log, (record, i) => {
      if (i === 0) record.outputs.lesions[0]!.results.sins!.score = 12;
    });
    expect(run(['audit', 'verify', log]).code).toBe(0);
    const { code, stdout } = run(['audit', 'replay', log]);
    expect(code).toBe(4);
    expect(stdout).toContain(`${forged[0]!.decisionId} (line 1) different\n  lesions[0].results.sins.score: 12 -> 11\n`);
    expect(stdout).toMatch(/5 replayed on their pinned rule sets: 4 identical, 1 different, 0 failed/);
  });

  // Records written before a release replayed as "different" in their warnings with nothing saying the engine had changed.
  it('names the engine that wrote a record that comes out different, when it is not the one replaying it', () => {
    const log = fiveRecordLog();
    const resealed = reseal(log, (record, i) => {
      record.engine = { ...record.engine, version: '0.0.1' };
      if (i === 0) record.outputs.lesions[0]!.results.sins!.score = 12;
    });
    const { code, stdout } = run(['audit', 'replay', log]);
    expect(code).toBe(4);
    const { name, version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
    expect(stdout).toContain(`${resealed[0]!.decisionId} (line 1) different (recorded by ${name} 0.0.1, replayed by ${name} ${version})\n`);
    // An identical outcome needs no such note.
    expect(stdout).toContain(`${resealed[1]!.decisionId} (line 2) identical\n`);
  });

  // Engine 0.4.4 gave aggregate entries what they combine by: every record written before it would replay
  // as different in each of its aggregate entries, though nothing decided had changed.
  it('replays a record written before aggregate entries named their matches and order as identical, its values still compared', () => {
    const dir = tmp();
    const log = join(dir, 'decisions.jsonl');
    expect(run(['evaluate', EXAMPLE, '--record', log]).code).toBe(0);
    const older = (edit: (record: DecisionRecord) => void): DecisionRecord => {
      const copy = structuredClone(records(log)[0]!);
      copy.engine = { ...copy.engine, version: '0.4.3' };
      for (const t of copy.trace) if (t.kind === 'input' && t.aggregate) for (const key of ['given', 'matches', 'order'] as const) delete t.aggregate[key];
      edit(copy);
      copy.prev = GENESIS_HASH;
      copy.hash = recordHash(copy);
      return copy;
    };
    writeLines(log, [JSON.stringify(older(() => undefined))]);
    expect(run(['audit', 'replay', log])).toMatchObject({ code: 0, stdout: expect.stringMatching(/1 identical, 0 different/) });
    const edited = older((record) => {
      const entry = record.trace.find((t) => t.kind === 'input' && t.input === 'worstSinsCategory');
      if (entry?.kind === 'input' && entry.aggregate) entry.aggregate.values = ['unstable', 'stable'];
    });
    writeLines(log, [JSON.stringify(edited)]);
    const replayed = run(['audit', 'replay', log]);
    expect(replayed.code).toBe(4);
    expect(replayed.stdout).toMatch(/worstSinsCategory\]\.aggregate\.values\[0\]: "unstable" -> "potentially_unstable"/);
  });

  // Engine 0.4.6 gave each possible band of an open score its note, and each missing input the values
  // explored for it: a record written before it would replay as different in every open band and missing
  // input, though nothing decided had changed; one written since, stripped and re-sealed, must not pass.
  it('replays a record written before possible bands carried their notes (and missing inputs their explored values) as identical, a newer one stripped as different', () => {
    const dir = tmp();
    const patient = join(dir, 'sparse.yaml');
    writeFileSync(patient, 'primaryTumor: lung_nsclc\nlesions:\n  - { level: L1, bilskyGrade: "3" }\n');
    const log = join(dir, 'decisions.jsonl');
    expect(run(['evaluate', patient, '--record', log]).code).toBe(0);
    const [record] = records(log);
    const stripped = (version: string): string => {
      const copy = structuredClone(record!);
      copy.engine = { ...copy.engine, version };
      for (const t of copy.trace) {
        if (t.kind === 'band') for (const b of t.possibleBands ?? []) for (const key of ['reference', 'unconfirmed'] as const) delete b[key];
        if (t.kind === 'input') delete t.explored;
      }
      copy.prev = GENESIS_HASH;
      copy.hash = recordHash(copy);
      return JSON.stringify(copy);
    };
    writeLines(log, [stripped('0.4.5')]);
    expect(run(['audit', 'replay', log])).toMatchObject({ code: 0, stdout: expect.stringMatching(/1 identical, 0 different/) });
    writeLines(log, [stripped(record!.engine.version)]);
    const replayed = run(['audit', 'replay', log, '--all-differences']);
    expect(replayed.code).toBe(4);
    expect(replayed.stdout).toMatch(/possibleBands\[0\]\.unconfirmed: /);
    expect(replayed.stdout).toContain('trace[katagiri-revised input albumin].explored: (absent) -> [3.699999,3.7]');
  });

  it('replays nothing from a log that does not verify (exit 3), and --rules needs --current (exit 64)', () => {
    const log = fiveRecordLog();
    const [first] = records(log);
    writeFileSync(storedRuleSetFile(log, first!.rulesets[0]!.documentSha256), '{}');
    const broken = run(['audit', 'replay', log]);
    expect(broken.code).toBe(3);
    expect(broken.stdout).toMatch(new RegExp(`^${log}:1:1 AUDIT_RULESET_EDITED `));
    expect(run(['audit', 'replay', log, '--rules', RULES]).code).toBe(64);
    // --profile without --current was silently ignored.
    expect(run(['audit', 'replay', log, '--profile', '/nonexistent.profile.yaml']).code).toBe(64);
  });

  // replay verified the log, then read it again to the end: a line a writer appended meanwhile (a torn
  // one, or a forged one) was replayed unverified.
  it('replays only the lines verify checked', async () => {
    const log = fiveRecordLog();
    const { replayLog } = await import('../src/audit/replay-log.js');
    const replayed: number[] = [];
    for await (const outcome of replayLog(log, { verifiedLines: 2 })) replayed.push(outcome.line);
    expect(replayed).toEqual([1, 2]);
  });

  // The report of an edited record was rendered with no warning when no rule-set store was beside it.
  it('reports an edited record with no store beside it as one it cannot vouch for', () => {
    const log = fiveRecordLog();
    const dir = tmp();
    const alone = join(dir, 'record.json');
    writeFileSync(alone, linesOf(log)[3]!.replace('"points":3', '"points":4'));
    const { code, stderr } = run(['report', alone, '--html', join(dir, 'r.html')]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/AUDIT_RECORD_EDITED/);
    expect(readFileSync(join(dir, 'r.html'), 'utf8')).toMatch(/cannot vouch/i);
  });

  // A record edited out of shape (its trace set to null) passed the verification's warning, then was an internal error, exit 70.
  it('refuses a record edited out of shape, with what verification found, exit 2', () => {
    const log = fiveRecordLog();
    const lines = linesOf(log);
    const edited = JSON.parse(lines[1]!) as Record<string, unknown>;
    lines[1] = JSON.stringify({ ...edited, trace: null });
    writeLines(log, lines.slice(0, 2));
    const { code, stderr } = run(['report', log, '--html', join(tmp(), 'r.html')]);
    expect(code).toBe(2);
    const column = lines[1].indexOf('"trace":null') + '"trace":'.length + 1;
    expect(stderr).toMatch(new RegExp(`^${log}:2:1 AUDIT_INVALID_RECORD \\(warning\\)`, 'm'));
    expect(stderr).toMatch(new RegExp(`^${log}:2:${column} SCHEMA_TYPE "/trace"`, 'm'));
    // A record on its own, its outputs removed: the keys the page needs, named under /outputs.
    const alone = join(tmp(), 'record.json');
    const { outputs: _outputs, ...withoutOutputs } = edited;
    writeFileSync(alone, JSON.stringify(withoutOutputs));
    const bare = run(['report', alone, '--html', join(tmp(), 'r.html')]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain(`${alone}:1:1 SCHEMA_REQUIRED "/outputs" is missing the required key "results"`);
    // Its tamper evidence is said too, as for a record in a log (it was left out for a lone record).
    expect(bare.stderr).toMatch(/AUDIT_RECORD_EDITED \(warning\)/);
  });

  // A batch line written with --record names its decisionId, and was taken for a record without outputs (exit 2).
  it('reports an evaluation that names its decisionId as the evaluation it is', () => {
    const dir = tmp();
    const file = cohort(dir, 'named', 2);
    const out = run(['batch', file, '--record', join(dir, 'log.jsonl'), '--trace', 'full']);
    expect(out.code).toBe(0);
    const line = join(dir, 'line.json');
    writeFileSync(line, out.stdout.split('\n')[0] + '\n');
    expect(JSON.parse(readFileSync(line, 'utf8'))).toHaveProperty('decisionId');
    const { code, stderr } = run(['report', line, '--html', join(dir, 'r.html')]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  // evaluate appended a record to the patient file it had read (batch refused the same).
  it('evaluate refuses to record into the patient file it reads, exit 64', () => {
    const dir = tmp();
    const patient = join(dir, 'p.json');
    writeFileSync(patient, '{}');
    expect(run(['evaluate', patient, '--record', patient]).code).toBe(64);
    expect(readFileSync(patient, 'utf8')).toBe('{}');
  });

  // The record lacked what the clinician was shown as given but read by no rule set.
  it('keeps the fields no rule set read in the record, and its report lists them', () => {
    const dir = tmp();
    const patient = join(dir, 'p.json');
    writeFileSync(patient, JSON.stringify({ primaryTumor: 'lung_nsclc', egfrMutation: true }));
    const log = join(dir, 'log.jsonl');
    expect(run(['evaluate', patient, '--record', log]).code).toBe(0);
    expect(records(log)[0]?.outputs.unread).toEqual(['egfrMutation']);
    expect(run(['report', log, '--html', join(dir, 'r.html')]).code).toBe(0);
    expect(readFileSync(join(dir, 'r.html'), 'utf8')).toContain('<li>egfrMutation</li>');
  });

  // report --html LOG wrote the page over the audit log it was reading, and exited 0.
  it('refuses to write a report over the log or record it is made from', () => {
    const dir = tmp();
    const log = join(dir, 'log.jsonl');
    expect(run(['evaluate', EXAMPLE, '--record', log]).code).toBe(0);
    const before = readFileSync(log, 'utf8');
    const { code, stderr } = run(['report', log, '--html', log]);
    expect(code).toBe(64);
    expect(stderr).toMatch(/^<command line> OPTION_CONFLICT /);
    expect(readFileSync(log, 'utf8')).toBe(before);
  });
});

// A report made from a record of a decision taken under a profile showed "sins 1.1.0" and a hash that is
// not the published rule set's, with no profile named: the record held neither the profile nor its changes.
describe('a decision recorded under an institution profile', () => {
  const PROFILE = new URL('../examples/profiles/sins-unstable-12.profile.yaml', import.meta.url).pathname;

  it('names the profile beside each rule set it changed and keeps the changes used; replay and report show them', () => {
    const log = join(tmp(), 'decisions.jsonl');
    expect(run(['evaluate', EXAMPLE, '--profile', PROFILE, '--record', log]).code).toBe(0);
    const [record] = records(log);
    const profiled = record?.rulesets.filter((r) => r.profile).map((r) => [r.id, r.profile?.id, r.profile?.version]);
    expect(profiled).toEqual([['sins', 'sins-unstable-12', '1.5.0'], ['noms', 'sins-unstable-12', '1.5.0'], ['lesion-plan', 'sins-unstable-12', '1.5.0'], ['lmnop', 'sins-unstable-12', '1.5.0']]);
    expect(record?.outputs.profiles?.map((p) => p.ruleset)).toEqual(expect.arrayContaining(['sins', 'noms']));
    expect(record?.rulesets.find((r) => r.id === 'nesms')).not.toHaveProperty('profile');
    expect(run(['audit', 'replay', log]).stdout).toMatch(/1 identical, 0 different, 0 failed/);
    const html = join(tmp(), 'report.html');
    expect(run(['report', log, '--html', html]).code).toBe(0);
    const page = readFileSync(html, 'utf8');
    expect(page.match(/with institution profile sins-unstable-12@1\.5\.0/g)).toHaveLength(4);
    expect(page).toContain('Institution profile changes used');
  });

  // replay --current listed the profile's changes as differences without saying the decision used a profile.
  it('replay --current says when the record was decided under a profile the current rule sets lack', () => {
    const log = join(tmp(), 'decisions.jsonl');
    expect(run(['evaluate', EXAMPLE, '--profile', PROFILE, '--record', log]).code).toBe(0);
    const without = run(['audit', 'replay', log, '--current']);
    expect(without.stdout.split('\n')[0]).toMatch(/ different \(recorded under profile sins-unstable-12@1\.5\.0, replayed without a profile; --profile with the profile recorded replays like with like\)$/);
    const withProfile = run(['audit', 'replay', log, '--current', '--profile', PROFILE]);
    expect(withProfile.stdout).toMatch(/1 identical, 0 different, 0 failed/);
    expect(withProfile.stdout).not.toContain('recorded under profile');
    // Past the first 20 differences only their number was given, with no way to list them (QA pass of the audit trail).
    const plainLog = join(tmp(), 'plain-all.jsonl');
    expect(run(['evaluate', EXAMPLE, '--record', plainLog]).code).toBe(0);
    const cut = run(['audit', 'replay', plainLog, '--current', '--profile', PROFILE]).stdout;
    const more = Number(/… and (\d+) more differences \(--all-differences lists them\)/.exec(cut)?.[1]);
    expect(more).toBeGreaterThan(0);
    const listedLines = (text: string) => text.split('\n').filter((l) => /^ {2}\S.*: /.test(l)).length;
    const all = run(['audit', 'replay', plainLog, '--current', '--profile', PROFILE, '--all-differences']).stdout;
    expect(listedLines(all)).toBe(listedLines(cut) + more);
    expect(all).not.toContain('more difference');
    // The reverse: a decision taken without a profile, replayed with one, is told to leave --profile off (it was told to add it).
    const plain = join(tmp(), 'plain.jsonl');
    expect(run(['evaluate', EXAMPLE, '--record', plain]).code).toBe(0);
    const added = run(['audit', 'replay', plain, '--current', '--profile', PROFILE]);
    expect(added.stdout.split('\n')[0]).toMatch(/ different \(recorded without a profile, replayed under profile sins-unstable-12@1\.5\.0; without --profile it replays like with like\)$/);
  });

  // Replay compared the new fields with records that predate them and called the decision different.
  // helper-59: the same stripping of a record written since, re-sealed, replayed as identical too (the
  // exemption went by the fields' absence): a decision taken under a profile then read as the published rule set's.
  it('a record written before the profile fields (0.3.0) replays as identical; one written since, stripped of them, as different', () => {
    const log = join(tmp(), 'decisions.jsonl');
    expect(run(['evaluate', EXAMPLE, '--profile', PROFILE, '--record', log]).code).toBe(0);
    const [record] = records(log);
    if (!record) throw new Error('no record');
    const stripped = (version: string): string => {
      const older: Record<string, unknown> = { ...record, engine: { ...record.engine, version }, rulesets: record.rulesets.map(({ profile: _profile, ...r }) => r), outputs: { ...record.outputs, profiles: undefined }, prev: GENESIS_HASH };
      older.outputs = JSON.parse(JSON.stringify(older.outputs));
      older.hash = recordHash(older);
      return JSON.stringify(older);
    };
    writeLines(log, [stripped('0.3.0')]);
    expect(run(['audit', 'verify', log]).code).toBe(0);
    expect(run(['audit', 'replay', log]).stdout).toMatch(/1 identical, 0 different, 0 failed/);
    writeLines(log, [stripped(record.engine.version)]);
    expect(run(['audit', 'verify', log]).code).toBe(0);
    const forged = run(['audit', 'replay', log]);
    expect(forged.code).toBe(4);
    expect(forged.stdout).toContain(`rulesets[sins].profile: (absent) -> {"id":"sins-unstable-12"`);
  });
});
