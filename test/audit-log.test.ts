import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { appendRecord } from '../src/audit/append-record.js';
import { buildRecordBody } from '../src/audit/build-record.js';
import { GENESIS_HASH, recordHash, type DecisionRecord } from '../src/audit/decision-record.js';
import { createDecisionRecorder } from '../src/audit/decision-recorder.js';
import { diffValues } from '../src/audit/diff-values.js';
import { loadPinnedRuleSets } from '../src/audit/load-pinned-rulesets.js';
import { replayLog } from '../src/audit/replay-log.js';
import { rulesetStoreDir, storedRuleSetFile } from '../src/audit/ruleset-store.js';
import { verifyLog } from '../src/audit/verify-log.js';
import { evaluatePatient } from '../src/engine/evaluate-patient.js';
import { contentHash, sha256Hex } from '../src/ruleset/hash.js';
import type { LoadedRuleSet } from '../src/ruleset/types.js';
import { bundledRuleSets } from './support/bundled.js';

const WORKER = new URL('./support/audit-append-worker.mjs', import.meta.url).pathname;
const tmp = () => mkdtempSync(join(tmpdir(), 'spinemets-audit-'));

/** Small patients, one lesion each, so that a log of several records is quick to write and read. */
const patient = (i: number) => ({
  id: `patient-${i}`,
  lesions: [{ id: `lesion-${i}`, level: ['C5', 'T12', 'L3', 'T4', 'S1'][i % 5], pain: 'mechanical', boneLesion: 'lytic', alignment: 'normal', collapse: i % 2 ? 'under_50' : 'none', posterolateral: 'none' }],
});

let sins: LoadedRuleSet[];
beforeAll(async () => {
  sins = await bundledRuleSets(['sins']);
});

/** A log of `count` records of the SINS evaluation of patient(0..count-1), and its lines. */
async function writeLog(count: number, dir = tmp()): Promise<{ log: string; records: DecisionRecord[] }> {
  const log = join(dir, 'decisions.jsonl');
  const recorder = createDecisionRecorder(log);
  const records: DecisionRecord[] = [];
  for (let i = 0; i < count; i++) {
    const input = patient(i);
    const { record, problems } = await recorder.record(input, await evaluatePatient(input, sins), sins);
    expect(problems).toEqual([]);
    records.push(record!);
  }
  return { log, records };
}

const linesOf = (log: string): string[] => readFileSync(log, 'utf8').split('\n').slice(0, -1);
const writeLines = (log: string, lines: string[]): void => writeFileSync(log, lines.map((l) => l + '\n').join(''));
const firstProblem = (log: string) => {
  const [problem, ...rest] = verifyLog(log).problems;
  expect(rest).toEqual([]);
  return { code: problem?.code, line: problem?.line, column: problem?.column };
};

describe('decision records', () => {
  // The recorder remembered which rule sets it had stored: after a rotation, records pointed into a store
  // that the new log did not have, and the new log failed audit verify with AUDIT_RULESET_MISSING.
  it('stores the rule sets again beside a log rotated away while its recorder runs', async () => {
    const dir = tmp();
    const log = join(dir, 'decisions.jsonl');
    const recorder = createDecisionRecorder(log);
    const record = async (i: number): Promise<void> => {
      const { problems } = await recorder.record(patient(i), await evaluatePatient(patient(i), sins), sins);
      expect(problems).toEqual([]);
    };
    await record(0);
    renameSync(log, `${log}.1`);
    renameSync(rulesetStoreDir(log), rulesetStoreDir(`${log}.1`));
    await record(1);
    expect(verifyLog(log).problems).toEqual([]);
    expect(verifyLog(`${log}.1`).problems).toEqual([]);
  });

  it('chain from the genesis value, each sealed by the hash of its canonical JSON without the hash', async () => {
    const { log, records } = await writeLog(3);
    const lines = linesOf(log).map((l) => JSON.parse(l) as DecisionRecord);
    expect(lines).toEqual(records);
    expect(lines.map((r) => r.prev)).toEqual([GENESIS_HASH, records[0]!.hash, records[1]!.hash]);
    for (const record of lines) {
      const { hash, ...unsealed } = record;
      expect(hash).toBe(contentHash(unsealed));
      expect(record.decisionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(new Date(record.timestamp).toISOString()).toBe(record.timestamp);
      expect(record.engine).toEqual({ name: 'spinemets', version: JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version });
    }
    expect(new Set(lines.map((r) => r.decisionId)).size).toBe(3);
    expect(verifyLog(log)).toEqual({ records: 3, head: records[2]!.hash, problems: [] });
  });

  it('hold the input, the full outputs and the full trace, and pin every rule set used', async () => {
    const { records } = await writeLog(2);
    const input = patient(1);
    const evaluation = JSON.parse(JSON.stringify(await evaluatePatient(input, sins)));
    const record = records[1]!;
    expect(record.input).toEqual(input);
    expect(record.idsHashed).toBe(false);
    expect(record.outputs).toEqual({ results: evaluation.results, lesions: evaluation.lesions, missing: evaluation.missing, warnings: evaluation.warnings });
    // T12 junctional 3 + mechanical pain 3 + lytic 2 + normal alignment 0 + collapse under 50% 2 + posterolateral none 0.
    expect(record.outputs.lesions[0]!.results.sins!.score).toBe(10);
    expect(record.trace).toEqual(evaluation.trace);
    expect(record.trace.filter((t) => t.kind === 'rule').length).toBeGreaterThan(15);
    expect(record.rulesets).toEqual([{ id: 'sins', version: '1.1.0', sha256: sins[0]!.sha256, documentSha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
  });

  it('with hashIds store a sha256 of each id, never the id', async () => {
    const input = { ...patient(2), id: 'MRN-0042-secret' };
    const evaluation = await evaluatePatient(input, sins);
    const body = buildRecordBody(input, evaluation, sins, { hashIds: true });
    expect(body.idsHashed).toBe(true);
    expect(body.input.id).toBe(`sha256:${sha256Hex('MRN-0042-secret')}`);
    expect((body.input.lesions as Array<{ id: string }>)[0]!.id).toBe(`sha256:${sha256Hex('lesion-2')}`);
    expect(body.outputs.lesions[0]!.id).toBe(`sha256:${sha256Hex('lesion-2')}`);
    const text = JSON.stringify(body);
    expect(text).not.toContain('MRN-0042-secret');
    expect(text).not.toContain('lesion-2');
    // The input is untouched.
    expect(input.id).toBe('MRN-0042-secret');
  });
});

describe('the rule-set store', () => {
  it('keeps each rule set used once, named by the sha256 of its bytes, in the key order the engine evaluates in', async () => {
    const { log, records } = await writeLog(3);
    const pin = records[0]!.rulesets[0]!;
    expect(readdirSync(rulesetStoreDir(log))).toEqual([`${pin.documentSha256}.json`]);
    const text = readFileSync(storedRuleSetFile(log, pin.documentSha256), 'utf8');
    expect(sha256Hex(text)).toBe(pin.documentSha256);
    expect(JSON.parse(text)).toEqual(sins[0]!.document);
    expect(Object.keys(JSON.parse(text))).toEqual(Object.keys(sins[0]!.document));
    // Its content hash is the rule set's, whatever the key order.
    expect(contentHash(JSON.parse(text))).toBe(pin.sha256);
  });

  it('loads a pinned rule set through the rule-set checks, with the recorded content hash', async () => {
    const { log, records } = await writeLog(1);
    const { rulesets, problems } = await loadPinnedRuleSets(log, records[0]!.rulesets, new Map());
    expect(problems).toEqual([]);
    expect(rulesets.map((r) => [r.document.id, r.sha256, r.file])).toEqual([['sins', sins[0]!.sha256, storedRuleSetFile(log, records[0]!.rulesets[0]!.documentSha256)]]);
  });

  it('reports a stored copy that was changed or removed, at the first record that uses it', async () => {
    const { log, records } = await writeLog(3);
    const file = storedRuleSetFile(log, records[0]!.rulesets[0]!.documentSha256);
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace('"points":3', '"points":4'));
    expect(firstProblem(log)).toEqual({ code: 'AUDIT_RULESET_EDITED', line: 1, column: 1 });
    const pinned = await loadPinnedRuleSets(log, records[0]!.rulesets, new Map());
    expect(pinned.problems.map((p) => [p.code, p.file])).toEqual([['AUDIT_RULESET_EDITED', file]]);
    // Nothing more is recorded on a tampered store.
    const input = patient(9);
    const refused = await createDecisionRecorder(log).record(input, await evaluatePatient(input, sins), sins);
    expect(refused.record).toBeUndefined();
    expect(refused.problems.map((p) => p.code)).toEqual(['AUDIT_RULESET_EDITED']);
    expect(linesOf(log)).toHaveLength(3);

    writeFileSync(file, '');
    expect(firstProblem(log)).toEqual({ code: 'AUDIT_RULESET_EDITED', line: 1, column: 1 });
    rmSync(file);
    expect(firstProblem(log)).toEqual({ code: 'AUDIT_RULESET_MISSING', line: 1, column: 1 });
  });
});

describe('verify', () => {
  it('passes an untouched log, and an empty one', async () => {
    const { log, records } = await writeLog(5);
    expect(verifyLog(log)).toEqual({ records: 5, head: records[4]!.hash, problems: [] });
    const empty = join(tmp(), 'empty.jsonl');
    writeFileSync(empty, '');
    expect(verifyLog(empty)).toEqual({ records: 0, head: GENESIS_HASH, problems: [] });
  });

  it('finds one byte edited anywhere in any record, at that record', async () => {
    const { log } = await writeLog(5);
    const lines = linesOf(log);
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (const [index, line] of lines.entries()) {
      for (let trial = 0; trial < 25; trial++) {
        // Letters and digits become the next one: never the same value, and never a JSON-equivalent spelling.
        let at = random(line.length);
        while (!/[A-Za-z0-9]/.test(line[at]!)) at = (at + 1) % line.length;
        const c = line[at]!;
        const next = c === '9' ? '0' : c === 'z' ? 'a' : c === 'Z' ? 'A' : String.fromCharCode(c.charCodeAt(0) + 1);
        writeLines(log, lines.map((l, i) => (i === index ? l.slice(0, at) + next + l.slice(at + 1) : l)));
        const problem = firstProblem(log);
        expect(problem.line, `byte ${at} of line ${index + 1}`).toBe(index + 1);
        expect(['AUDIT_RECORD_EDITED', 'AUDIT_INVALID_JSON', 'AUDIT_INVALID_RECORD']).toContain(problem.code);
      }
    }
  });

  it('reports an edited value as AUDIT_RECORD_EDITED, and a re-sealed edit at the next record', async () => {
    const { log } = await writeLog(5);
    const lines = linesOf(log);
    const record = JSON.parse(lines[2]!) as DecisionRecord;
    const score = record.outputs.lesions[0]!.results.sins!.score as number;
    record.outputs.lesions[0]!.results.sins!.score = score + 1;
    writeLines(log, lines.map((l, i) => (i === 2 ? JSON.stringify(record) : l)));
    expect(firstProblem(log)).toEqual({ code: 'AUDIT_RECORD_EDITED', line: 3, column: 1 });
    // A forger who also recomputes the record's hash breaks the link from the record after it.
    writeLines(log, lines.map((l, i) => (i === 2 ? JSON.stringify({ ...record, hash: recordHash(record) }) : l)));
    expect(firstProblem(log)).toEqual({ code: 'AUDIT_CHAIN_BROKEN', line: 4, column: 1 });
  });

  it('finds a deleted record at the line where the chain breaks', async () => {
    const { log } = await writeLog(5);
    const lines = linesOf(log);
    writeLines(log, lines.filter((_, i) => i !== 2));
    expect(firstProblem(log)).toEqual({ code: 'AUDIT_CHAIN_BROKEN', line: 3, column: 1 });
    writeLines(log, lines.slice(1));
    expect(firstProblem(log)).toEqual({ code: 'AUDIT_CHAIN_BROKEN', line: 1, column: 1 });
    writeLines(log, [...lines.slice(0, 2), ...lines.slice(4)]);
    expect(firstProblem(log)).toEqual({ code: 'AUDIT_CHAIN_BROKEN', line: 3, column: 1 });
  });

  it('finds two records swapped at the first of them', async () => {
    const { log } = await writeLog(5);
    const lines = linesOf(log);
    const swap = (a: number, b: number) => lines.map((l, i) => (i === a ? lines[b]! : i === b ? lines[a]! : l));
    writeLines(log, swap(1, 3));
    expect(firstProblem(log)).toEqual({ code: 'AUDIT_CHAIN_BROKEN', line: 2, column: 1 });
    writeLines(log, swap(3, 4));
    expect(firstProblem(log)).toEqual({ code: 'AUDIT_CHAIN_BROKEN', line: 4, column: 1 });
    writeLines(log, swap(0, 1));
    expect(firstProblem(log)).toEqual({ code: 'AUDIT_CHAIN_BROKEN', line: 1, column: 1 });
  });

  it('finds a log truncated mid-line as a torn last line', async () => {
    const { log } = await writeLog(5);
    const text = readFileSync(log, 'utf8');
    const lines = linesOf(log);
    const startOf = (i: number) => lines.slice(0, i).reduce((n, l) => n + l.length + 1, 0);
    writeFileSync(log, text.slice(0, startOf(3) + 100));
    expect(firstProblem(log)).toEqual({ code: 'AUDIT_TORN_LINE', line: 4, column: 1 });
    expect(verifyLog(log).records).toBe(3);
    // Complete JSON but no newline: the write did not finish, so the record was never acknowledged.
    writeFileSync(log, text.slice(0, -1));
    expect(firstProblem(log)).toEqual({ code: 'AUDIT_TORN_LINE', line: 5, column: 1 });
  });

  it('finds a line that is not JSON, an empty line, and a line that is not a record', async () => {
    const { log } = await writeLog(3);
    const lines = linesOf(log);
    writeLines(log, [lines[0]!, '{"hash": ', lines[2]!]);
    expect(firstProblem(log)).toEqual({ code: 'AUDIT_INVALID_JSON', line: 2, column: 1 });
    writeLines(log, [lines[0]!, '', ...lines.slice(1)]);
    expect(firstProblem(log)).toEqual({ code: 'AUDIT_INVALID_JSON', line: 2, column: 1 });
    writeLines(log, [lines[0]!, lines[1]!, '[1, 2]']);
    expect(firstProblem(log)).toEqual({ code: 'AUDIT_INVALID_RECORD', line: 3, column: 1 });
  });

  it('reports a missing log as unreadable', () => {
    expect(verifyLog(join(tmp(), 'none.jsonl')).problems.map((p) => p.code)).toEqual(['FILE_UNREADABLE']);
  });
});

describe('the writer', () => {
  const body = (id: string) => {
    const input = { ...patient(0), id };
    return evaluatePatient(input, sins).then((evaluation) => buildRecordBody(input, evaluation, sins));
  };

  it('refuses to chain onto a torn or unreadable last line, leaving the log as it was', async () => {
    const { log } = await writeLog(2);
    const text = readFileSync(log, 'utf8');
    writeFileSync(log, text.slice(0, -10));
    const torn = await appendRecord(log, await body('x'));
    expect(torn.record).toBeUndefined();
    expect(torn.problems.map((p) => [p.code, p.file, p.line, p.column])).toEqual([['AUDIT_TORN_LINE', log, 2, 1]]);
    expect(readFileSync(log, 'utf8')).toBe(text.slice(0, -10));
    writeFileSync(log, text + 'garbage\n');
    expect((await appendRecord(log, await body('y'))).problems.map((p) => [p.code, p.line])).toEqual([['AUDIT_INVALID_JSON', 3]]);
  });

  it('takes the lock, releases it, and reports a log it cannot write', async () => {
    const { log } = await writeLog(1);
    expect(existsSync(`${log}.lock`)).toBe(false);
    const { problems } = await appendRecord(join(tmp(), 'no', 'such', 'dir.jsonl'), await body('z'));
    expect(problems.map((p) => p.code)).toEqual(['AUDIT_WRITE_FAILED']);
  });

  it('waits for a live holder of the lock and gives up after its timeout', async () => {
    const { log } = await writeLog(1);
    writeFileSync(`${log}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), token: 'held', acquiredAt: new Date().toISOString() }));
    const started = Date.now();
    const { record, problems } = await appendRecord(log, await body('w'), { lock: { timeoutMs: 150, staleMs: 60_000 } });
    expect(record).toBeUndefined();
    expect(problems.map((p) => [p.code, p.file])).toEqual([['AUDIT_LOCK_TIMEOUT', `${log}.lock`]]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(existsSync(`${log}.lock`)).toBe(true);
  });

  it('breaks a lock left by a process that is gone, or one older than staleMs', async () => {
    const { log } = await writeLog(1);
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    writeFileSync(`${log}.lock`, JSON.stringify({ pid: gone, host: hostname(), token: 'crashed', acquiredAt: new Date().toISOString() }));
    expect((await appendRecord(log, await body('a'), { lock: { timeoutMs: 2_000 } })).problems).toEqual([]);
    expect(existsSync(`${log}.lock`)).toBe(false);

    // A holder on another machine cannot be asked; its lock is abandoned once older than staleMs.
    writeFileSync(`${log}.lock`, JSON.stringify({ pid: 1, host: 'elsewhere', token: 'remote', acquiredAt: '2026-01-01T00:00:00Z' }));
    const old = new Date(Date.now() - 120_000);
    utimesSync(`${log}.lock`, old, old);
    expect((await appendRecord(log, await body('b'), { lock: { timeoutMs: 2_000, staleMs: 60_000 } })).problems).toEqual([]);
    expect(verifyLog(log)).toMatchObject({ records: 3, problems: [] });
  });

  it('lets two processes append 500 records each at once: 1,000 records, none interleaved or lost, chain intact', async () => {
    const dir = tmp();
    const log = join(dir, 'shared.jsonl');
    const run = (tag: string) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [WORKER, log, '500', tag, 'a,b'], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d) => (stderr += d));
        child.on('close', (code) => resolve({ code, stderr }));
      });
    const outcomes = await Promise.all([run('a'), run('b')]);
    expect(outcomes).toEqual([{ code: 0, stderr: '' }, { code: 0, stderr: '' }]);
    expect(verifyLog(log)).toMatchObject({ records: 1000, problems: [] });
    const ids = linesOf(log).map((l) => (JSON.parse(l) as DecisionRecord).input.id as string);
    for (const tag of ['a', 'b']) {
      expect(ids.filter((id) => id.startsWith(`${tag}-`))).toEqual(Array.from({ length: 500 }, (_, i) => `${tag}-${i}`));
    }
    expect(existsSync(`${log}.lock`)).toBe(false);
  }, 60_000);

  it('survives a writer killed mid-run: the records before stay intact and the next writer takes over its lock', async () => {
    const log = join(tmp(), 'killed.jsonl');
    const child = spawn(process.execPath, [WORKER, log, '100000', 'k', 'k'], { stdio: 'ignore' });
    const closed = new Promise((resolve) => child.on('close', resolve));
    while (!existsSync(log) || readFileSync(log, 'utf8').split('\n').length < 50) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGKILL');
    await closed;
    const after = verifyLog(log);
    expect(after.records).toBeGreaterThanOrEqual(49);
    // The kill almost always lands between writes; within one, at worst the last line is torn.
    const torn = after.problems.length > 0;
    if (torn) expect(after.problems.map((p) => [p.code, p.line])).toEqual([['AUDIT_TORN_LINE', after.records + 1]]);
    // The lock the killed writer may have held names a process that is gone: it is broken at once. Killed
    // between creating the lock file and writing its owner, the writer leaves an empty lock, which only
    // its age breaks: staleMs below timeoutMs, or this test would fail whenever the kill lands there.
    const input = patient(7);
    const { problems } = await createDecisionRecorder(log, { lock: { timeoutMs: 5_000, staleMs: 1_000 } }).record(input, await evaluatePatient(input, sins), sins);
    expect(problems.map((p) => p.code)).toEqual(torn ? ['AUDIT_TORN_LINE'] : []);
    if (!torn) expect(verifyLog(log)).toMatchObject({ records: after.records + 1, problems: [] });
  }, 30_000);
});

describe('replay', () => {
  it('re-evaluates every record on its pinned rule sets: identical', async () => {
    const { log, records } = await writeLog(4);
    const outcomes = [];
    for await (const outcome of replayLog(log)) outcomes.push(outcome);
    expect(outcomes.map((o) => [o.line, o.decisionId, o.status, o.differences])).toEqual(records.map((r, i) => [i + 1, r.decisionId, 'identical', []]));
  });

  it('only the record asked for', async () => {
    const { log, records } = await writeLog(3);
    const outcomes = [];
    for await (const outcome of replayLog(log, { decisionId: records[1]!.decisionId })) outcomes.push(outcome);
    expect(outcomes.map((o) => [o.line, o.status])).toEqual([[2, 'identical']]);
  });
});

describe('diffValues', () => {
  it('names each differing leaf by its path', () => {
    const recorded = { lesions: [{ results: { sins: { score: 11, range: [11, 11] }, 'katagiri-revised': { x: 1 } } }], missing: [] };
    const replayed = { lesions: [{ results: { sins: { score: 12, range: [12, 12] }, 'katagiri-revised': { x: 1 } } }], missing: [{ input: 'pain' }], extra: true };
    expect(diffValues(recorded, replayed)).toEqual([
      { path: 'lesions[0].results.sins.score', recorded: 11, replayed: 12 },
      { path: 'lesions[0].results.sins.range[0]', recorded: 11, replayed: 12 },
      { path: 'lesions[0].results.sins.range[1]', recorded: 11, replayed: 12 },
      { path: 'missing[0]', recorded: undefined, replayed: { input: 'pain' } },
      { path: 'extra', recorded: undefined, replayed: true },
    ]);
    expect(diffValues({ 'a b': [1] }, { 'a b': [2] })).toEqual([{ path: '["a b"][0]', recorded: 1, replayed: 2 }]);
    expect(diffValues({ a: [1, { b: null }] }, { a: [1, { b: null }] })).toEqual([]);
  });

  it('a rule added by a new version is one difference, not a shift of every later trace entry', () => {
    const rule = (id: string, fired: boolean) => ({ kind: 'rule', ruleset: 'noms', lesion: 0, rule: id, fired, conditions: [{ at: '', result: fired }] });
    const recorded = [{ kind: 'input', ruleset: 'noms', lesion: 0, input: 'myelopathy', value: true }, rule('neurologic.high_grade', true), rule('oncologic.radioresistant', true)];
    const replayed = [recorded[0], rule('neurologic.high_grade', false), rule('neurologic.high_grade_myelopathy', true), rule('oncologic.radioresistant', true)];
    expect(diffValues(recorded, replayed, 'trace')).toEqual([
      { path: 'trace[noms lesion 0 rule neurologic.high_grade].fired', recorded: true, replayed: false },
      { path: 'trace[noms lesion 0 rule neurologic.high_grade].conditions[at ""].result', recorded: true, replayed: false },
      { path: 'trace[noms lesion 0 rule neurologic.high_grade_myelopathy]', recorded: undefined, replayed: replayed[2] },
    ]);
    expect(diffValues([{ id: 'sins', version: '1.0.0' }, { id: 'noms', version: '1.0.0' }], [{ id: 'noms', version: '1.1.0' }, { id: 'sins', version: '1.0.0' }], 'rulesets'))
      .toEqual([{ path: 'rulesets[noms].version', recorded: '1.0.0', replayed: '1.1.0' }]);
  });

  it('a warning added ahead of the others is one difference, the others unchanged', () => {
    const [tomita, lmnop] = [{ code: 'UNCONFIRMED_SOURCE', ruleset: 'tomita' }, { code: 'UNCONFIRMED_FRAMEWORK', ruleset: 'lmnop' }];
    const noms = { code: 'UNCONFIRMED_SOURCE', ruleset: 'noms', lesion: 0 };
    expect(diffValues({ warnings: [tomita, lmnop] }, { warnings: [noms, tomita, lmnop] })).toEqual([{ path: 'warnings[0]', recorded: undefined, replayed: noms }]);
    // Between equal notes, a changed one is compared field by field.
    expect(diffValues({ warnings: [tomita, { ...lmnop, message: 'a' }] }, { warnings: [tomita, { ...lmnop, message: 'b' }] })).toEqual([{ path: 'warnings[1].message', recorded: 'a', replayed: 'b' }]);
  });
});
