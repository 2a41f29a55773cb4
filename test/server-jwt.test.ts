import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type JSONWebKeySet, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplayCache } from '../src/server/replay-cache.js';
import { testApp } from './support/server.js';

/** The URL the EHR calls, through a proxy: not the address the service listens on. */
const BASE = 'https://cds.example.org/spinemets';
const FILE_ISSUER = 'https://ehr.example.org';
const URL_ISSUER = 'https://other-ehr.example.net';
const DOWN_ISSUER = 'https://down.example.net';
const TOKEN = 'a-long-enough-static-token';

type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
interface Signer {
  key: Key;
  kid: string;
  alg: string;
}

let fileSigner: Signer;
let urlSigner: Signer;
let impostor: Signer;
let jwksServer: Server;
let jwksUrl: string;
let app: FastifyInstance;

async function signer(alg: string, kid: string): Promise<Signer & { jwks: JSONWebKeySet }> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { key: privateKey, kid, alg, jwks: { keys: [{ ...(await exportJWK(publicKey)), kid, alg, use: 'sig' }] } };
}

/** A token as a CDS client signs one for a call: iss, aud (the URL called), exp, iat and a new jti. */
function token(by: Signer, iss: string, path: string, claims: JWTPayload = {}, header: Record<string, string> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss, aud: `${BASE}${path}`, iat: now, exp: now + 300, jti: randomUUID(), ...claims }).setProtectedHeader({ alg: by.alg, kid: by.kid, typ: 'JWT', ...header }).sign(by.key);
}

const call = (bearer: string, url = '/cds-services') => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${bearer}` } });
const refusal = async (bearer: string, url = '/cds-services') => {
  const answer = await call(bearer, url);
  return { status: answer.statusCode, codes: (answer.json() as { problems: Array<{ code: string }> }).problems.map((p) => p.code), authenticate: answer.headers['www-authenticate'] };
};

beforeAll(async () => {
  const file = await signer('ES384', 'ehr-1');
  const remote = await signer('RS256', 'other-1');
  fileSigner = file;
  urlSigner = remote;
  // The EHR's kid on a key that is not the EHR's.
  impostor = await signer('ES384', 'ehr-1');
  jwksServer = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(remote.jwks)));
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(jwksServer.address() as { port: number }).port}/jwks.json`;
  // A port nothing listens on: the keys of that issuer cannot be had.
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const downUrl = new URL(`http://127.0.0.1:${(closed.address() as { port: number }).port}/jwks.json`);
  await new Promise((resolve) => closed.close(resolve));
  app = await testApp({
    token: TOKEN,
    jwt: {
      baseUrl: BASE,
      issuers: [
        { iss: FILE_ISSUER, jwks: file.jwks },
        { iss: URL_ISSUER, jwks: new URL(jwksUrl) },
        { iss: DOWN_ISSUER, jwks: downUrl },
      ],
    },
  });
});
afterAll(async () => {
  await app.close();
  await new Promise((resolve) => jwksServer.close(resolve));
});

// --token-file compared one static bearer token, and without it any bearer was accepted, where CDS
// Hooks 2.0 has each request carry a JWT signed with the client's asymmetric key, with iss, aud (the
// URL called), exp, iat and jti (QA of the service, EHR integration).
describe('CDS Hooks JWTs', () => {
  it('takes a token of a trusted issuer, with keys given as a key set or at a JWKS URL, for the URL it names', async () => {
    expect((await call(await token(fileSigner, FILE_ISSUER, '/cds-services'))).statusCode).toBe(200);
    expect((await call(await token(urlSigner, URL_ISSUER, '/cds-services'))).statusCode).toBe(200);
    expect((await call(await token(urlSigner, URL_ISSUER, '/cds-services', {}, { jku: jwksUrl }))).statusCode).toBe(200);
    // The query is no part of the URL a token is for.
    expect((await call(await token(fileSigner, FILE_ISSUER, '/rulesets'), '/rulesets?x=1')).statusCode).toBe(200);
    // The static token of --token-file still opens every route, for callers that are not CDS clients.
    expect((await call(TOKEN)).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });

  it('refuses each fault with 401, WWW-Authenticate: Bearer and a code that names it', async () => {
    const now = Math.floor(Date.now() / 1000);
    const cases: Array<[string, Promise<string> | string]> = [
      ['JWT_AUDIENCE', token(fileSigner, FILE_ISSUER, '/cds-services/spinemets-spine')],
      ['JWT_AUDIENCE', new SignJWT({ iss: FILE_ISSUER, aud: 'https://elsewhere.example.org/spinemets/cds-services', iat: now, exp: now + 300, jti: randomUUID() }).setProtectedHeader({ alg: 'ES384', kid: 'ehr-1' }).sign(fileSigner.key)],
      ['JWT_EXPIRED', token(fileSigner, FILE_ISSUER, '/cds-services', { iat: now - 600, exp: now - 300 })],
      // Still within its exp, but older than a token for one call can be.
      ['JWT_EXPIRED', token(fileSigner, FILE_ISSUER, '/cds-services', { iat: now - 3600, exp: now + 3600 })],
      ['JWT_NOT_YET_VALID', token(fileSigner, FILE_ISSUER, '/cds-services', { iat: now + 600, exp: now + 900 })],
      ['JWT_ISSUER_NOT_ALLOWED', token(fileSigner, 'https://unknown.example.com', '/cds-services')],
      ['JWT_SIGNATURE', token(impostor, FILE_ISSUER, '/cds-services')],
      ['JWT_SIGNATURE', token(fileSigner, FILE_ISSUER, '/cds-services', {}, { kid: 'no-such-key' })],
      ['JWT_JKU_NOT_ALLOWED', token(urlSigner, URL_ISSUER, '/cds-services', {}, { jku: 'https://attacker.example.com/jwks.json' })],
      ['JWT_CLAIM_MISSING', token(fileSigner, FILE_ISSUER, '/cds-services', { jti: undefined })],
      ['JWT_CLAIM_MISSING', token(fileSigner, FILE_ISSUER, '/cds-services', { exp: undefined })],
      ['JWT_ALGORITHM', new SignJWT({ iss: FILE_ISSUER, aud: `${BASE}/cds-services`, iat: now, exp: now + 300, jti: randomUUID() }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('a shared secret of thirty-two bytes!'))],
      ['JWT_ALGORITHM', new UnsecuredJWT({ iss: FILE_ISSUER, aud: `${BASE}/cds-services`, iat: now, exp: now + 300, jti: randomUUID() }).encode()],
      ['JWT_MALFORMED', 'not-a-jwt-at-all'],
    ];
    for (const [code, bearer] of cases) {
      const answer = await refusal(await bearer);
      expect(answer, code).toEqual({ status: 401, codes: [code], authenticate: `Bearer realm="spinemets", error="invalid_token", error_description="${code}"` });
    }
    expect(await refusal('')).toMatchObject({ status: 401, codes: ['UNAUTHORIZED'], authenticate: 'Bearer realm="spinemets"' });
  });

  it('refuses a token used a second time (its jti), from the same issuer', async () => {
    const once = await token(fileSigner, FILE_ISSUER, '/cds-services');
    expect((await call(once)).statusCode).toBe(200);
    expect(await refusal(once)).toMatchObject({ status: 401, codes: ['JWT_REPLAYED'] });
    // The same jti from another issuer is another token.
    const jti = randomUUID();
    expect((await call(await token(fileSigner, FILE_ISSUER, '/cds-services', { jti })))).toMatchObject({ statusCode: 200 });
    expect((await call(await token(urlSigner, URL_ISSUER, '/cds-services', { jti })))).toMatchObject({ statusCode: 200 });
  });

  it('answers 503 JWT_KEYS_UNAVAILABLE, not 401, when the issuer keys cannot be fetched', async () => {
    const answer = await refusal(await token(urlSigner, DOWN_ISSUER, '/cds-services'));
    expect(answer).toEqual({ status: 503, codes: ['JWT_KEYS_UNAVAILABLE'], authenticate: undefined });
  });
});

describe('the replay cache', () => {
  it('remembers each id until its time, forgets expired ones, and holds no more than its capacity', () => {
    const cache = new ReplayCache(2);
    expect(cache.remember('a', 1_000, 0)).toBe('fresh');
    expect(cache.remember('a', 1_000, 500)).toBe('replayed');
    expect(cache.remember('b', 2_000, 600)).toBe('fresh');
    // Full of ids whose tokens still hold: a new one is refused rather than an old one forgotten.
    expect(cache.remember('c', 2_000, 700)).toBe('full');
    expect(cache.remember('a', 1_000, 500)).toBe('replayed');
    // a's time is over: it makes room.
    expect(cache.remember('c', 2_500, 1_500)).toBe('fresh');
    expect(cache.remember('b', 2_000, 1_600)).toBe('replayed');
  });
});
