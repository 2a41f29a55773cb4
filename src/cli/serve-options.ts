import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { createSecureContext } from 'node:tls';
import type { JSONWebKeySet } from 'jose';
import type { TrustedIssuer } from '../server/jwt-verifier.js';
import { usageError } from './usage-error.js';

/** A --cors-origin: `*`, or an origin as a browser sends it (scheme, host, port; no path, no trailing slash). */
export function corsOrigin(text: string): string {
  if (text === '*') return text;
  let origin: string | undefined;
  try {
    origin = new URL(text).origin;
  } catch {
    origin = undefined;
  }
  // A browser's Origin header is compared as a string: https://ehr.example.org/ would match no page.
  if (origin !== text || !/^https?:/.test(text)) usageError('OPTION_INVALID', `--cors-origin must be * or an origin such as https://ehr.example.org (no path, no trailing slash), got "${text}"`);
  return text;
}

/** A file an option names, read whole now: a usage error at the file, not a failure at the first request. */
export function readOptionFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    return usageError('FILE_UNREADABLE', `cannot read this file (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { file, line: 1, column: 1 });
  }
}

/** The token file holds the secret alone; surrounding whitespace (a trailing newline) is not part of it. */
export function readToken(file: string): string {
  const token = readOptionFile(file).trim();
  if (token.length < 16) usageError('TOKEN_TOO_SHORT', 'the token must be at least 16 characters', { file, line: 1, column: 1 });
  return token;
}

/** --tls-cert and --tls-key, both or neither, checked as a pair now (a key of another certificate, a file that is no PEM). */
export function readTls(certFile: string | undefined, keyFile: string | undefined): { cert: string; key: string } | undefined {
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined) return usageError('OPTION_CONFLICT', 'give --tls-cert and --tls-key together');
  const tls = { cert: readOptionFile(certFile), key: readOptionFile(keyFile) };
  try {
    createSecureContext(tls);
  } catch (err) {
    usageError('OPTION_INVALID', `--tls-cert ${certFile} and --tls-key ${keyFile} are not a PEM certificate and its private key (${(err as Error).message})`);
  }
  return tls;
}

/** A host name or address that only this machine reaches. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1' || /^::ffff:127\./.test(bare);
}

/**
 * --jwt-issuer, each with its --jwks (in the same order) and the --base-url the tokens' aud names: the
 * issuers' key sets are read now when they are files (public keys only), fetched at first use when they
 * are URLs (https, or http on this machine only: keys sent in the clear could be swapped on the way).
 */
export function readJwt(issuers: readonly string[], jwks: readonly string[], baseUrl: string | undefined): { issuers: TrustedIssuer[]; baseUrl: string } | undefined {
  if (!issuers.length && !jwks.length) {
    if (baseUrl !== undefined) usageError('OPTION_CONFLICT', '--base-url is what JWTs name as their aud: give --jwt-issuer and --jwks with it');
    return undefined;
  }
  if (issuers.length !== jwks.length) return usageError('OPTION_CONFLICT', `each --jwt-issuer needs its --jwks, in the same order: ${issuers.length} issuers, ${jwks.length} key sets`);
  if (new Set(issuers).size !== issuers.length) return usageError('OPTION_CONFLICT', 'an issuer is given twice as --jwt-issuer');
  if (baseUrl === undefined) return usageError('OPTION_CONFLICT', '--jwt-issuer needs --base-url: the URL clients call (behind a proxy, the proxy\'s), which their tokens name as aud');
  return { issuers: issuers.map((iss, i) => ({ iss, jwks: keySet(jwks[i] as string) })), baseUrl: serviceUrl(baseUrl) };
}

function serviceUrl(text: string): string {
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (!url || !/^https?:$/.test(url.protocol) || url.search || url.hash) usageError('OPTION_INVALID', `--base-url must be an http(s) URL without query or fragment, such as https://cds.example.org/spinemets, got "${text}"`);
  // The path called follows it: https://cds.example.org/ and https://cds.example.org name one service.
  return text.replace(/\/+$/, '');
}

function keySet(source: string): URL | JSONWebKeySet {
  if (/^https?:\/\//i.test(source)) {
    const url = URL.canParse(source) ? new URL(source) : undefined;
    if (!url || (url.protocol === 'http:' && !isLoopback(url.hostname))) usageError('OPTION_INVALID', `--jwks ${source}: a key set's URL must be https (http only on this machine)`);
    return url as URL;
  }
  const text = readOptionFile(source);
  let keys: unknown;
  try {
    keys = (JSON.parse(text) as { keys?: unknown }).keys;
  } catch {
    keys = undefined;
  }
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'object' && k !== null)) return usageError('OPTION_INVALID', 'this is not a JSON Web Key Set ({"keys": [...]})', { file: source, line: 1, column: 1 });
  // A private or shared key has no business on the verifying side, and a shared one (HS*) is refused anyway.
  if (keys.some((k: Record<string, unknown>) => 'd' in k || k.kty === 'oct')) usageError('OPTION_INVALID', 'this key set holds a private or secret key: give the public keys only', { file: source, line: 1, column: 1 });
  return { keys } as JSONWebKeySet;
}
