import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createDecisionRecorder } from '../src/audit/decision-recorder.js';
import { DEFAULT_CDS_CONFIG, loadCdsConfig } from '../src/server/cds-config.js';
import { BODY_LIMIT_BYTES, parseJsonBody } from '../src/server/json-body.js';
import { positionOf, read, writeVariant } from './support/mutate.js';
import { cliEvaluation, testApp, withoutServiceFields } from './support/server.js';

const EXAMPLE = parse(readFileSync(new URL('../examples/patient.yaml', import.meta.url), 'utf8')) as Record<string, unknown>;
const json = { 'content-type': 'application/json' };

let app: FastifyInstance;
beforeAll(async () => {
  app = await testApp();
});
afterAll(async () => {
  await app.close();
});

const post = (url: string, payload: string, headers: Record<string, string> = json) => app.inject({ method: 'POST', url, payload, headers });

describe('POST /evaluate', () => {
  it('answers exactly what `spinemets evaluate --format json` prints, plus the decision id and generation', async () => {
    const response = await post('/evaluate', JSON.stringify(EXAMPLE));
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.decisionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.generation).toBe(1);
    expect(response.headers['x-ruleset-generation']).toBe('1');
    expect(withoutServiceFields(body)).toEqual(cliEvaluation(EXAMPLE));
  }, 30_000);

  it('selects the trace level with ?trace=', async () => {
    const none = (await post('/evaluate?trace=none', JSON.stringify(EXAMPLE))).json();
    expect(none.trace).toEqual([]);
    const rules = (await post('/evaluate?trace=rules', JSON.stringify(EXAMPLE))).json();
    expect(rules.trace.every((t: { kind: string; fired?: boolean }) => t.kind !== 'rule' || t.fired === true)).toBe(true);
    const wrong = await post('/evaluate?trace=everything', '{}');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().problems[0]).toMatchObject({ code: 'SCHEMA_ENUM', path: '?trace' });
  });

  it('rejects malformed JSON with 400 at its line and column, and keeps serving', async () => {
    const response = await post('/evaluate', '{\n  "age": 64,\n  "lesions": [\n}');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ problems: [expect.objectContaining({ code: 'JSON_SYNTAX', line: 4, column: 1 })] });
    expect(JSON.stringify(response.json())).not.toMatch(/ at .*\.(js|ts):\d+/);
    expect((await post('/evaluate', '{}')).statusCode).toBe(200);
  });

  it('rejects wrong types and unknown fields with 422 and every field path, as the CLI names them', async () => {
    const response = await post('/evaluate', JSON.stringify({ age: 'old', colour: 'red', lesions: [{ level: 'T12', bilskyGrade: 2, pian: 'mechanical' }] }));
    expect(response.statusCode).toBe(422);
    const problems = response.json().problems as Array<{ code: string; path: string }>;
    expect(problems.map((p) => [p.code, p.path]).sort()).toEqual([
      ['SCHEMA_TYPE', '/age'],
      ['SCHEMA_TYPE', '/lesions/0/bilskyGrade'],
      ['SCHEMA_UNKNOWN_KEY', '/colour'],
      ['SCHEMA_UNKNOWN_KEY', '/lesions/0/pian'],
    ]);
    expect(problems.find((p) => p.path === '/lesions/0/pian')).toMatchObject({ message: expect.stringContaining('did you mean "pain"?'), line: 1 });
  });

  it('a duplicate key does not hide the schema problems of the rest of the body (400, nothing evaluated)', async () => {
    const body = '{"id": "x",\n "age": 60, "age": 61,\n "lesions": [{"level": "T13"}]}';
    const response = await post('/evaluate', body);
    expect(response.statusCode).toBe(400);
    expect(response.json().decisionId).toBeUndefined();
    const problems = response.json().problems as Array<{ code: string; line: number; column: number }>;
    const at = (code: string, p: { line: number; column: number }) => `${code}@${p.line}:${p.column}`;
    expect(problems.map((p) => `${p.code}@${p.line}:${p.column}`).sort()).toEqual([at('DUPLICATE_KEY', positionOf(body, '"age": 61')), at('SCHEMA_ENUM', positionOf(body, '"T13"'))].sort());
  });

  // JSON.stringify writes Infinity as null: the body's 1e400 was reported as "got null".
  it('rejects a number that is not finite (1e400 parses to Infinity) with 422, naming it as written', async () => {
    const response = await post('/evaluate', '{"id": "x",\n "age": 1e400}');
    expect(response.statusCode).toBe(422);
    expect(response.json().problems).toEqual([expect.objectContaining({ code: 'SCHEMA_TYPE', path: '/age', line: 2, column: 9, message: expect.stringContaining('got 1e400 (not a finite number)') })]);
  });

  // With serve --body-limit above a file's 1 MiB, a body within it that needed YAML's reader (a repeated
  // key) was 413 FILE_TOO_LARGE "document is larger than 1048576 bytes" (helper-70).
  it('a body within a --body-limit above 1 MiB is read whole: DUPLICATE_KEY, not FILE_TOO_LARGE', async () => {
    const roomy = await testApp({ bodyLimit: 4 * 1024 * 1024 });
    try {
      const patient = `{"id": "${'x'.repeat(2 * 1024 * 1024)}", "age": 60, "age": 61}`;
      const answers = [
        (await roomy.inject({ method: 'POST', url: '/evaluate', payload: patient, headers: json })).json().problems,
        JSON.parse((await roomy.inject({ method: 'POST', url: '/batch', payload: patient + '\n', headers: { 'content-type': 'application/x-ndjson' } })).body.split('\n')[0] as string).error.problems,
        (await roomy.inject({ method: 'POST', url: '/cds-services/spinemets-spine', payload: `{"hook": "patient-view", "hook": "patient-view", "pad": "${'x'.repeat(2 * 1024 * 1024)}"}`, headers: json })).json().problems,
      ] as Array<Array<{ code: string }>>;
      for (const problems of answers) {
        expect(problems.map((p) => p.code)).toContain('DUPLICATE_KEY');
        expect(problems.map((p) => p.code)).not.toContain('FILE_TOO_LARGE');
      }
    } finally {
      await roomy.close();
    }
  }, 60_000);

  it('rejects an oversized body (413), a wrong content type (415) and deep nesting (400)', async () => {
    const big = await post('/evaluate', JSON.stringify({ id: 'x'.repeat(1024 * 1024 + 10) }));
    expect(big.statusCode).toBe(413);
    expect(big.json().problems[0].code).toBe('BODY_TOO_LARGE');
    const text = await post('/evaluate', 'age: 64', { 'content-type': 'text/yaml' });
    expect(text.statusCode).toBe(415);
    expect(text.json().problems[0].code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const deep = await post('/evaluate', '['.repeat(10_000) + ']'.repeat(10_000));
    expect(deep.statusCode).toBe(400);
    // At the bracket that goes past 32 levels, as every other problem in a body is placed.
    expect(deep.json().problems).toMatchObject([{ code: 'NESTING_TOO_DEEP', line: 1, column: 33 }]);
    expect((await app.inject({ method: 'GET', url: '/nowhere' })).json().problems[0].code).toBe('NOT_FOUND');
  });

  // A route asked with the wrong method was 404 "no route", as if it did not exist (engineering list).
  it('answers a route asked with another method 405, naming the methods it takes', async () => {
    const wrong = await app.inject({ method: 'GET', url: '/evaluate?trace=none' });
    expect(wrong.statusCode).toBe(405);
    expect(wrong.headers.allow).toBe('POST');
    expect(wrong.json().problems).toMatchObject([{ code: 'METHOD_NOT_ALLOWED' }]);
    const ruleset = await app.inject({ method: 'DELETE', url: '/rulesets/sins' });
    expect(ruleset.statusCode).toBe(405);
    // HEAD is served wherever GET is.
    expect(ruleset.headers.allow).toBe('GET, HEAD');
  });

  // /batch without a content type was told to send application/json, which it does not read.
  it('tells a /batch request without NDJSON to send application/x-ndjson', async () => {
    const response = await app.inject({ method: 'POST', url: '/batch', payload: '{}', headers: { 'content-type': 'text/plain' } });
    expect(response.statusCode).toBe(415);
    expect(response.json().problems[0]).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.stringMatching(/send application\/x-ndjson$/) });
  });

  // The CLI read such a file, the service answered 400 JSON_SYNTAX.
  it('reads a body that starts with a byte-order mark as the CLI reads such a file', async () => {
    const response = await post('/evaluate?trace=none', '\ufeff{"age": 60}');
    expect(response.statusCode).toBe(200);
  });

  // A Latin-1 byte in a body or a /batch line was read as U+FFFD and the patient evaluated.
  it('refuses a body that is not UTF-8 (400 ENCODING_INVALID at its byte) and makes such a /batch line an error line', async () => {
    const latin1 = (text: string) => Buffer.from(text, 'latin1');
    const body = await app.inject({ method: 'POST', url: '/evaluate', payload: latin1('{"age": 60,\n "id": "caf\xe9"}'), headers: json });
    expect(body.statusCode).toBe(400);
    expect(body.json().problems).toMatchObject([{ code: 'ENCODING_INVALID', line: 2, column: ' "id": "caf'.length + 1 }]);
    const hook = await app.inject({ method: 'POST', url: '/cds-services/spinemets-spine', payload: latin1('{"hook": "patient-view", "x": "\xe9"}'), headers: json });
    expect(hook.json().problems).toMatchObject([{ code: 'ENCODING_INVALID', line: 1 }]);
    const lines = Buffer.concat([Buffer.from('{"id":"a"}\n'), latin1('{"id":"caf\xe9"}\n'), Buffer.from('{"id":"b"}\n')]);
    const batch = await app.inject({ method: 'POST', url: '/batch?trace=none', payload: lines, headers: { 'content-type': 'application/x-ndjson' } });
    expect(batch.statusCode).toBe(200);
    const rows = batch.body.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((r) => r.error?.problems ?? r.patient.id)).toEqual(['a', [expect.objectContaining({ code: 'ENCODING_INVALID', line: 2, column: '{"id":"caf'.length + 1 })], 'b']);
    // The error line names no id read with U+FFFD in it.
    expect(rows[1]).not.toHaveProperty('patient');
  });

  // The router answered these itself, as {"error": ..., "code": "FST_ERR_BAD_URL"}, outside the documented format.
  it('answers a malformed path (400) and an over-long id (414) in the problem format', async () => {
    const bad = await app.inject({ method: 'GET', url: '/rulesets/%E0%A4%A' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ problems: [expect.objectContaining({ code: 'BAD_REQUEST' })] });
    const long = await app.inject({ method: 'GET', url: `/rulesets/${'x'.repeat(300)}` });
    expect(long.statusCode).toBe(414);
    expect(long.json()).toEqual({ problems: [expect.objectContaining({ code: 'BAD_REQUEST' })] });
  });
});

describe('POST /batch', () => {
  it('streams one NDJSON result per patient line, in order, with bad lines as errors naming the line', async () => {
    const lines = [JSON.stringify({ id: 'a', lesions: [{ level: 'T12' }] }), '{"id": "b", "age": "x"}', '', JSON.stringify({ id: 'c' })];
    const response = await post('/batch', lines.join('\n') + '\n', { 'content-type': 'application/x-ndjson' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/application\/x-ndjson/);
    const out = response.body.trim().split('\n').map((l) => JSON.parse(l));
    expect(out).toHaveLength(3);
    // Each result names its line, as `spinemets batch` writes it (good lines had no `line`).
    expect(out.map((r: { line: number }) => r.line)).toEqual([1, 2, 4]);
    expect(out[0].patient.id).toBe('a');
    // A rejected line names its patient when its id can be read, as batch's error rows do.
    expect(out[1]).toEqual({ line: 2, patient: { id: 'b' }, error: { problems: [expect.objectContaining({ code: 'SCHEMA_TYPE', path: '/age', line: 2 })] } });
    expect(out[2].patient.id).toBe('c');
    expect(withoutServiceFields(out[2])).toEqual({ line: 4, ...cliEvaluation({ id: 'c' }), traceLevel: 'rules', trace: expect.any(Array) });
  }, 30_000);

  // `spinemets batch` and /evaluate read past a byte-order mark; /batch said JSON_SYNTAX at it (QA of the service, helper-48).
  it('reads the first line past a byte-order mark', async () => {
    const response = await post('/batch?trace=none', '\uFEFF{"id":"bom"}\n{"id":"next"}', { 'content-type': 'application/x-ndjson' });
    expect(response.body.trim().split('\n').map((l) => JSON.parse(l).patient?.id)).toEqual(['bom', 'next']);
  });

  // A line a little over the limit that arrived whole in one chunk was evaluated; only what was left
  // over after a chunk's last line break was measured (QA of the service, helper-48).
  it('holds every line to the body limit, however it arrives', async () => {
    const long = JSON.stringify({ id: 'x'.repeat(BODY_LIMIT_BYTES + 100) });
    const response = await post('/batch?trace=none', `{"id":"a"}\n${long}\n{"id":"b"}\n`, { 'content-type': 'application/x-ndjson' });
    const out = response.body.trim().split('\n').map((l) => JSON.parse(l));
    expect(out.map((r) => r.patient?.id ?? r.error.problems[0].code)).toEqual(['a', 'BODY_TOO_LARGE']);
    expect(out[1].line).toBe(2);
  });
});

describe('GET /rulesets', () => {
  it('lists ids, versions, hashes and references, and shows one rule set as loaded', async () => {
    const list = (await app.inject({ method: 'GET', url: '/rulesets' })).json();
    const evaluated = (await post('/evaluate?trace=none', '{}')).json();
    expect(list.rulesets.map((r: { id: string; version: string; sha256: string }) => ({ id: r.id, version: r.version, sha256: r.sha256 })).sort((a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id)))
      .toEqual(evaluated.rulesets.map((r: { id: string; version: string; sha256: string }) => ({ id: r.id, version: r.version, sha256: r.sha256 })).sort((a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id)));
    expect(list.rulesets.find((r: { id: string }) => r.id === 'sins').references).toContainEqual(expect.objectContaining({ key: 'fisher2010', doi: '10.1097/BRS.0b013e3181e16ae2' }));
    const sins = (await app.inject({ method: 'GET', url: '/rulesets/sins' })).json();
    expect(sins).toMatchObject({ id: 'sins', version: '1.1.0', document: { id: 'sins', score: { label: 'SINS' } } });
    const missing = await app.inject({ method: 'GET', url: '/rulesets/nope' });
    expect(missing.statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok', generation: 1, lastReload: null });
  });
});

// Fastify's own words ({"error","message","statusCode"}) came back for what the HTTP parser rejects, and
// a gzip body was JSON_SYNTAX at its first byte (QA of the service, helper-48).
describe('requests the HTTP layer refuses', () => {
  it('answers a compressed body with 415 in the problem format', async () => {
    const response = await app.inject({ method: 'POST', url: '/evaluate', payload: Buffer.from([0x1f, 0x8b, 0x08, 0x00]), headers: { ...json, 'content-encoding': 'gzip' } });
    expect(response.statusCode).toBe(415);
    expect(response.json()).toEqual({ problems: [expect.objectContaining({ code: 'UNSUPPORTED_MEDIA_TYPE' })] });
  });

  it('answers headers too large (431) and malformed HTTP (400) in the problem format', async () => {
    const { connect } = await import('node:net');
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const exchange = (raw: string) =>
      new Promise<string>((resolve) => {
        let text = '';
        const socket = connect(port, '127.0.0.1', () => socket.end(raw));
        socket.on('data', (chunk) => (text += chunk.toString()));
        socket.on('close', () => resolve(text));
      });
    const big = await exchange(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(big).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(big.slice(big.indexOf('\r\n\r\n') + 4))).toEqual({ problems: [expect.objectContaining({ code: 'BAD_REQUEST' })] });
    const malformed = await exchange('POST /evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\n{"a":1, "b": 2}');
    const last = malformed.slice(malformed.lastIndexOf('HTTP/1.1 '));
    expect(last).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(last.slice(last.indexOf('\r\n\r\n') + 4))).toEqual({ problems: [expect.objectContaining({ code: 'BAD_REQUEST' })] });
  });
});

describe('options', () => {
  it('needs the bearer token on every route but /health', async () => {
    const token = 'a-long-enough-test-token';
    const secured = await testApp({ token });
    try {
      expect((await secured.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
      const without = await secured.inject({ method: 'POST', url: '/evaluate', payload: '{}', headers: json });
      expect(without.statusCode).toBe(401);
      expect(without.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(without.json().problems[0].code).toBe('UNAUTHORIZED');
      for (const url of ['/', '/rulesets', '/cds-services']) expect((await secured.inject({ method: 'GET', url, headers: { authorization: 'Bearer wrong' } })).statusCode).toBe(401);
      expect((await secured.inject({ method: 'POST', url: '/evaluate', payload: '{}', headers: { ...json, authorization: `Bearer ${token}` } })).statusCode).toBe(200);
    } finally {
      await secured.close();
    }
  });

  // The log's line and column were sent as they are, and read as a place in the request body.
  it('with a torn audit log, withholds the result (500) and names the log problem without a position in the body', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'spinemets-serve-')), 'audit.jsonl');
    writeFileSync(log, '{"format":"spinemets-decision');
    const recording = await testApp({ recorder: createDecisionRecorder(log) });
    try {
      const response = await recording.inject({ method: 'POST', url: '/evaluate?trace=none', payload: JSON.stringify(EXAMPLE), headers: json });
      expect(response.statusCode).toBe(500);
      const [problem] = response.json().problems;
      expect(problem.code).toBe('AUDIT_TORN_LINE');
      expect(problem).not.toHaveProperty('line');
      expect(problem).not.toHaveProperty('column');
    } finally {
      await recording.close();
    }
  });

  it('with --record, records each decision before answering and returns its decisionId', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'spinemets-serve-')), 'audit.jsonl');
    const recording = await testApp({ recorder: createDecisionRecorder(log) });
    try {
      const body = (await recording.inject({ method: 'POST', url: '/evaluate?trace=none', payload: JSON.stringify(EXAMPLE), headers: json })).json();
      const records = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(records).toHaveLength(1);
      expect(records[0].decisionId).toBe(body.decisionId);
      expect(records[0].outputs.lesions).toEqual(body.lesions);
    } finally {
      await recording.close();
    }
  });

  it('logs requests without any patient field', async () => {
    const lines: string[] = [];
    const stream = new Writable({ write: (chunk, _encoding, done) => { lines.push(String(chunk)); done(); } });
    const logged = await testApp({ log: { level: 'debug', stream } });
    try {
      await logged.inject({ method: 'POST', url: '/evaluate', payload: JSON.stringify({ ...EXAMPLE, id: 'PATIENT-SECRET-4711' }), headers: { ...json, authorization: 'Bearer PASSWORD-SECRET' } });
      await logged.inject({ method: 'POST', url: '/evaluate', payload: '{"id": "PATIENT-SECRET-4711", "age": "x"}', headers: json });
      logged.log.info({ patient: { id: 'PATIENT-SECRET-4711' } }, 'a careless log call');
      expect(lines.length).toBeGreaterThan(2);
      expect(lines.join('')).not.toMatch(/PATIENT-SECRET|PASSWORD-SECRET|renal_cell/);
    } finally {
      await logged.close();
    }
  });
});


describe('JSON bodies checked against a schema (the CDS Hooks request and feedback)', () => {
  it('a duplicate key does not hide the schema problems of the rest of the body', () => {
    const body = '{"feedback": [{"card": "not-a-uuid", "outcome": "accepted", "outcome": "ignored",\n "outcomeTimestamp": "2026-01-01T00:00:00Z"}]}';
    const { value, problems } = parseJsonBody(body, 'cds-hooks-feedback');
    expect(value).toBeUndefined();
    const at = (code: string, p: { line: number; column: number }) => `${code}@${p.line}:${p.column}`;
    expect(problems.map((p) => `${p.code}@${p.line}:${p.column}`).sort()).toEqual(
      [at('DUPLICATE_KEY', positionOf(body, '"outcome": "ignored"')), at('SCHEMA_ENUM', positionOf(body, '"ignored"')), at('SCHEMA_PATTERN', positionOf(body, '"not-a-uuid"'))].sort(),
    );
  });
});

describe('the CDS Hooks configuration', () => {
  it('a duplicate key does not hide the other problems of the configuration', () => {
    const { file, text } = writeVariant(read(DEFAULT_CDS_CONFIG), [
      ['  hook: patient-view\n', '  hook: patient-view\n  hook: order-select\n'],
      ['{ field: crp, loinc', '{ field: crpp, loinc'],
    ]);
    const { config, problems } = loadCdsConfig(file);
    expect(config).toBeUndefined();
    const at = (code: string, p: { line: number; column: number }) => `${code}@${p.line}:${p.column}`;
    expect(problems.map((p) => `${p.code}@${p.line}:${p.column}`).sort()).toEqual([at('DUPLICATE_KEY', positionOf(text, 'hook: order-select')), at('UNKNOWN_PATIENT_FIELD', positionOf(text, 'crpp'))].sort());
  });
});
