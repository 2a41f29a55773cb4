import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { createSecureContext } from 'node:tls';
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
