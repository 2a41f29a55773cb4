import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { BUNDLED_RULES_DIR } from '../src/ruleset/load-rulesets.js';
import { lastAnswer, rawClient } from './support/raw-client.js';
import { startServe, withServe } from './support/serve-process.js';

const CLI = new URL('../dist/cli/main.js', import.meta.url).pathname;

describe('spinemets serve', () => {
  it('does not start on rule sets with problems: each one positioned, exit 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spinemets-serve-cli-'));
    cpSync(join(BUNDLED_RULES_DIR, 'sins'), join(dir, 'sins'), { recursive: true });
    writeFileSync(join(dir, 'sins', 'sins.yaml'), 'id: sins\nversion: [\n');
    const result = spawnSync(process.execPath, [CLI, 'serve', '--port', '0', '--rules', dir], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/sins\.yaml:\d+:\d+ YAML_SYNTAX/);
  }, 30_000);

  // It started, /health said ok, and every decision was then a 500 AUDIT_WRITE_FAILED, logged with no
  // code or cause (QA of the service, helper-48).
  it('exits 64 with OUTPUT_UNWRITABLE when --record or --feedback cannot be written, before it listens', () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'spinemets-serve-cli-')), 'no-such-folder');
    for (const [option, path] of [['--record', join(missing, 'audit.jsonl')], ['--feedback', join(missing, 'feedback.jsonl')]] as const) {
      const result = spawnSync(process.execPath, [CLI, 'serve', '--port', '0', option, path], { encoding: 'utf8', timeout: 20_000 });
      expect(result.status).toBe(64);
      expect(result.stderr.trim().split('\n')).toEqual([`<command line> OUTPUT_UNWRITABLE cannot write ${option} ${path} (its folder does not exist)`]);
    }
  }, 30_000);

  it('OPTION_INVALID: --body-limit takes a whole number of bytes from 1024, and serve starts with it', async () => {
    const bad = spawnSync(process.execPath, [CLI, 'serve', '--port', '0', '--body-limit', '1MiB'], { encoding: 'utf8', timeout: 20_000 });
    expect(bad.status).toBe(64);
    expect(bad.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^<command line> OPTION_INVALID --body-limit /)]);
    await withServe(['--body-limit', '2048'], async ({ origin }) => {
      const response = await fetch(`${origin}/evaluate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'x'.repeat(3000) }) });
      expect(response.status).toBe(413);
      expect(((await response.json()) as { problems: Array<{ code: string; message: string }> }).problems).toMatchObject([{ code: 'BODY_TOO_LARGE', message: expect.stringContaining('2048') }]);
    });
  }, 30_000);

  // It printed "internal error: listen EADDRINUSE" and went on running without listening, so a supervisor saw it up.
  it('exits 64 with PORT_UNAVAILABLE on a port another process listens on', async () => {
    const { createServer } = await import('node:net');
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = String((taken.address() as { port: number }).port);
      const result = spawnSync(process.execPath, [CLI, 'serve', '--port', port], { encoding: 'utf8', timeout: 20_000 });
      expect(result.status).toBe(64);
      expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^<command line> PORT_UNAVAILABLE /)]);
    } finally {
      taken.close();
    }
  }, 30_000);

  it('listens on loopback by default, keeps /health open and the rest behind the token, and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spinemets-serve-cli-'));
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'correct-horse-battery-staple\n');
    await withServe(['--token-file', tokenFile], async ({ origin }) => {
      expect(origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${origin}/health`)).status).toBe(200);
      expect((await fetch(`${origin}/rulesets`)).status).toBe(401);
      const allowed = await fetch(`${origin}/rulesets`, { headers: { authorization: 'Bearer correct-horse-battery-staple' } });
      expect(allowed.status).toBe(200);
      expect(((await allowed.json()) as { rulesets: unknown[] }).rulesets).toHaveLength(10);
    });
  }, 30_000);

  // Moving the served SINS folder away made the service take the bundled, published SINS in its place
  // with an info-level log line only (found by an exploratory QA pass), later a warning; a file deleted by
  // mistake must not replace the institution's rule set any more than a broken edit may.
  it('keeps serving the last good rule sets when a served rule file is gone, and says why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spinemets-serve-cli-'));
    for (const id of ['sins', 'noms']) cpSync(join(BUNDLED_RULES_DIR, id), join(dir, id), { recursive: true });
    const server = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--rules', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const logs: Array<{ level: number; msg: string; problems?: string[] }> = [];
      const seen = (test: (l: (typeof logs)[number]) => boolean) =>
        new Promise<(typeof logs)[number]>((resolve, reject) => {
          server.once('exit', (code) => reject(new Error(`exited with ${code}`)));
          const check = () => { const hit = logs.find(test); if (hit) resolve(hit); else setTimeout(check, 50); };
          check();
        });
      createInterface({ input: server.stdout }).on('line', (line) => logs.push(JSON.parse(line) as (typeof logs)[number]));
      await seen((l) => l.msg.startsWith('Server listening at '));
      renameSync(join(dir, 'sins'), join(tmpdir(), `spinemets-moved-sins-${process.pid}-${Date.now()}`));
      const rejected = await seen((l) => l.msg.startsWith('rule-set change rejected') && l.level === 50);
      // At the file that is gone (it was "<input>", with no place).
      expect(rejected.problems?.join('\n')).toMatch(/\/sins\/sins\.yaml:1:1 RULESET_WITHDRAWN /);
      expect(logs.some((l) => l.msg === 'rule sets reloaded')).toBe(false);
    } finally {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
  }, 30_000);
});

describe('spinemets serve says at start what an operator must know', () => {
  // Without a file, feedback went to an in-memory list nothing read (and that only grew): now it is not
  // kept, and the operator is told so (QA of the service, operations).
  it('that CDS Hooks feedback is not kept without --feedback or --record, and not when it is', async () => {
    await withServe([], async (without) => {
      expect(without.logs.filter((l) => l.code === 'FEEDBACK_NOT_KEPT').map((l) => l.level)).toEqual([40]);
    });
    const feedback = join(mkdtempSync(join(tmpdir(), 'spinemets-serve-cli-')), 'feedback.jsonl');
    await withServe(['--feedback', feedback], async (withFile) => {
      expect(withFile.logs.filter((l) => l.code === 'FEEDBACK_NOT_KEPT')).toEqual([]);
    });
  }, 60_000);
});

describe('spinemets serve on SIGTERM', () => {
  // A client stalled in its body kept SIGTERM from ending the service for more than 20 s (it took a
  // SIGKILL), and nothing was logged of the shutdown (QA of the service, operations).
  it('lets a request under way finish, closes idle connections at once, cuts a stalled one after the grace period, and logs it', async () => {
    const serve = await startServe(['--shutdown-grace', '5000']);
    const port = Number(new URL(serve.origin).port);
    const idle = await rawClient(port);
    idle.socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    const body = '{"id": "under-way"}';
    const underWay = await rawClient(port);
    underWay.socket.write(`POST /evaluate?trace=none HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`);
    const stalled = await rawClient(port);
    stalled.socket.write('POST /evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"age": 6');
    // All three are in the service's hands (fastify logs each request it starts) and /health is answered.
    await serve.seen(() => serve.logs.filter((l) => l.req !== undefined).length === 3);
    await serve.seen((l) => l.res !== undefined);

    const signalled = Date.now();
    const exited = serve.stop('SIGTERM');
    await serve.seen((l) => l.signal === 'SIGTERM' && l.graceMs === 5000);
    await idle.closed;
    expect(Date.now() - signalled).toBeLessThan(5000);
    underWay.socket.write(body.slice(5));
    const answered = lastAnswer(await underWay.closed);
    expect(answered.status).toBe(200);
    expect(answered.headers.connection).toBe('close');

    expect(await exited).toBe(0);
    expect(Date.now() - signalled).toBeGreaterThanOrEqual(5000);
    expect(await stalled.closed).toBe('');
    expect(serve.logs.find((l) => l.shutdownMs !== undefined)).toMatchObject({ signal: 'SIGTERM', shutdownMs: expect.any(Number), level: 30 });
  }, 60_000);

  it('answers a client silent within its body 408 after --request-timeout', async () => {
    await withServe(['--request-timeout', '300'], async (serve) => {
      const client = await rawClient(Number(new URL(serve.origin).port));
      client.socket.write('POST /evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"age": 6');
      expect(lastAnswer(await client.closed)).toMatchObject({ status: 408, codes: ['REQUEST_TIMEOUT'] });
    });
  }, 60_000);
});

describe('spinemets serve --cors-origin', () => {
  it('answers the preflight of an allowed origin, and refuses an origin a browser would never send', async () => {
    await withServe(['--cors-origin', 'https://ehr.example.org'], async (serve) => {
      const answer = await fetch(`${serve.origin}/cds-services/spinemets-spine`, { method: 'OPTIONS', headers: { origin: 'https://ehr.example.org', 'access-control-request-method': 'POST' } });
      expect(answer.status).toBe(204);
      expect(answer.headers.get('access-control-allow-origin')).toBe('https://ehr.example.org');
    });
    const result = spawnSync(process.execPath, [CLI, 'serve', '--port', '0', '--cors-origin', 'https://ehr.example.org/'], { encoding: 'utf8', timeout: 20_000 });
    expect(result.status).toBe(64);
    expect(result.stderr).toMatch(/^<command line> OPTION_INVALID /);
  }, 60_000);
});

describe('spinemets serve beyond this machine', () => {
  const FIXTURES = new URL('./fixtures/tls/', import.meta.url).pathname;
  const CERT = join(FIXTURES, 'test-cert.pem');
  const KEY = join(FIXTURES, 'test-key.pem');

  // --host 0.0.0.0 without --token-file started without a word, every route open to the network (QA of
  // the service, operations).
  // On localhost (127.0.0.1 and ::1) a SIGTERM sent as soon as serve said it listened crashed fastify,
  // still binding the second address: exit 1 and a stack trace (found by a full test run under load).
  it('a SIGTERM as soon as it listens on a host of several addresses ends it with 0', async () => {
    const server = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--host', 'localhost'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    server.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    // Sent on the line itself, as a supervisor's signal may come: a helper that polls the log comes too late.
    createInterface({ input: server.stdout }).on('line', (line) => {
      if (line.includes('Server listening at')) server.kill('SIGTERM');
    });
    const code = await new Promise((resolve) => server.once('close', resolve));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  }, 30_000);

  it('warns at start when it listens beyond loopback with no authentication, and only then', async () => {
    const tokenFile = join(mkdtempSync(join(tmpdir(), 'spinemets-serve-cli-')), 'token');
    writeFileSync(tokenFile, 'correct-horse-battery-staple\n');
    for (const [args, warned] of [[['--host', '0.0.0.0'], true], [['--host', '0.0.0.0', '--token-file', tokenFile], false], [['--host', 'localhost'], false]] as const) {
      await withServe([...args], async (serve) => {
        expect(serve.logs.filter((l) => l.code === 'NO_AUTHENTICATION').map((l) => l.level), args.join(' ')).toEqual(warned ? [40] : []);
      });
    }
  }, 60_000);

  it('serves HTTPS with --tls-cert and --tls-key', async () => {
    await withServe(['--tls-cert', CERT, '--tls-key', KEY], async (serve) => {
      expect(serve.origin).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const { request } = await import('node:https');
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(`${serve.origin}/health`, { ca: readFileSync(CERT) }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({ status: 'ok' });
    });
  }, 60_000);

  it('refuses a certificate without its key, or with another key, before it listens', () => {
    const otherKey = join(mkdtempSync(join(tmpdir(), 'spinemets-serve-cli-')), 'other-key.pem');
    writeFileSync(otherKey, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    for (const [args, code] of [[['--tls-cert', CERT], 'OPTION_CONFLICT'], [['--tls-cert', CERT, '--tls-key', otherKey], 'OPTION_INVALID'], [['--tls-cert', CERT, '--tls-key', join(FIXTURES, 'missing.pem')], 'FILE_UNREADABLE']] as const) {
      const result = spawnSync(process.execPath, [CLI, 'serve', '--port', '0', ...args], { encoding: 'utf8', timeout: 20_000 });
      expect(result.status, args.join(' ')).toBe(64);
      expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(` ${code} `))]);
    }
  }, 60_000);
});

describe('spinemets serve --jwt-issuer', () => {
  it('takes CDS Hooks JWTs of an issuer whose keys are in a file, for the URL clients call', async () => {
    const { exportJWK, generateKeyPair, SignJWT } = await import('jose');
    const { publicKey, privateKey } = await generateKeyPair('ES384', { extractable: true });
    const jwks = join(mkdtempSync(join(tmpdir(), 'spinemets-serve-cli-')), 'ehr.jwks.json');
    writeFileSync(jwks, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES384' }] }));
    await withServe(['--jwt-issuer', 'https://ehr.example.org', '--jwks', jwks, '--base-url', 'https://cds.example.org/spinemets/', '--host', '0.0.0.0'], async (serve) => {
      // Authentication is configured: nothing to warn of, though it listens beyond loopback.
      expect(serve.logs.filter((l) => l.code === 'NO_AUTHENTICATION')).toEqual([]);
      const signed = (aud: string) => new SignJWT({ iss: 'https://ehr.example.org', aud, jti: randomUUID() }).setProtectedHeader({ alg: 'ES384', kid: 'k1' }).setIssuedAt().setExpirationTime('5m').sign(privateKey);
      const call = async (aud: string) => fetch(`${serve.origin}/cds-services`, { headers: { authorization: `Bearer ${await signed(aud)}` } });
      expect((await call('https://cds.example.org/spinemets/cds-services')).status).toBe(200);
      const wrong = await call(`${serve.origin}/cds-services`);
      expect(wrong.status).toBe(401);
      expect(((await wrong.json()) as { problems: Array<{ code: string }> }).problems.map((p) => p.code)).toEqual(['JWT_AUDIENCE']);
    });
  }, 60_000);

  it('refuses at start what would let no token, or any, through', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spinemets-serve-cli-'));
    const priv = join(dir, 'private.jwks.json');
    writeFileSync(priv, JSON.stringify({ keys: [generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'jwk' })] }));
    const notJwks = join(dir, 'not.json');
    writeFileSync(notJwks, '{"kty": "EC"}');
    const cases: Array<[string[], string]> = [
      [['--jwt-issuer', 'https://ehr.example.org', '--jwks', 'https://ehr.example.org/jwks'], 'OPTION_CONFLICT'],
      [['--jwt-issuer', 'https://ehr.example.org', '--base-url', 'https://cds.example.org'], 'OPTION_CONFLICT'],
      [['--jwt-issuer', 'https://ehr.example.org', '--jwks', 'http://ehr.example.org/jwks', '--base-url', 'https://cds.example.org'], 'OPTION_INVALID'],
      [['--jwt-issuer', 'https://ehr.example.org', '--jwks', priv, '--base-url', 'https://cds.example.org'], 'OPTION_INVALID'],
      [['--jwt-issuer', 'https://ehr.example.org', '--jwks', notJwks, '--base-url', 'https://cds.example.org'], 'OPTION_INVALID'],
      [['--jwt-issuer', 'https://ehr.example.org', '--jwks', 'https://ehr.example.org/jwks', '--base-url', 'cds.example.org'], 'OPTION_INVALID'],
    ];
    for (const [args, code] of cases) {
      const result = spawnSync(process.execPath, [CLI, 'serve', '--port', '0', ...args], { encoding: 'utf8', timeout: 20_000 });
      expect(result.status, args.join(' ')).toBe(64);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toEqual([expect.stringMatching(new RegExp(` ${code} `))]);
    }
  }, 60_000);
});
