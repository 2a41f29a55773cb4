import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import type { Problem } from '../problems/problem.js';
import { problem } from './http-problems.js';
import { ReplayCache } from './replay-cache.js';

/** A CDS client the service trusts: its `iss`, and its public keys, at a JWKS URL or read at start. */
export interface TrustedIssuer {
  iss: string;
  jwks: URL | JSONWebKeySet;
}

/**
 * CDS Hooks 2.0 signs with asymmetric keys (it names ES384 and RS384): never `none`, nor HS*, whose
 * shared secret would let anyone who can verify a token also forge one.
 */
export const JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];
/** Clocks of the EHR and this service may differ by this much (s). */
export const CLOCK_SKEW_S = 60;
/**
 * How old a token may be (s, by its iat) whatever its exp: a CDS client signs one per request, and a
 * token's jti is remembered only as long as the token could be accepted.
 */
export const MAX_TOKEN_AGE_S = 300;
const MAX_JTI_LENGTH = 200;
/** At CLOCK_SKEW_S + MAX_TOKEN_AGE_S, room for about 130 calls a second; some 20 MB at the most. */
const REPLAY_CAPACITY = 50_000;

/** A request's bearer token checked against the URL it was sent to: undefined when it is good, else why not. */
export type JwtVerify = (token: string, audience: string) => Promise<Problem | undefined>;

/** The issuer's keys could not be had (the JWKS URL did not answer, or not with a key set). */
class KeysUnavailable extends Error {}

/**
 * Verifies CDS Hooks JWTs with the `jose` library: the issuer must be one given (and a `jku`, if the
 * token names one, its JWKS URL), the signature must verify with that issuer's keys, `aud` must be the
 * URL called, `exp` and `iat` must hold within the clock skew, and the `jti` must not have been used.
 */
export function jwtVerifier(issuers: readonly TrustedIssuer[]): JwtVerify {
  const trusted = new Map(issuers.map(({ iss, jwks }) => [iss, { iss, url: jwks instanceof URL ? jwks.href : undefined, keys: jwks instanceof URL ? fetched(createRemoteJWKSet(jwks)) : createLocalJWKSet(jwks) }]));
  const replays = new ReplayCache(REPLAY_CAPACITY);
  return async (token, audience) => {
    let alg: string | undefined;
    let jku: string | undefined;
    let iss: unknown;
    try {
      ({ alg, jku } = decodeProtectedHeader(token));
      ({ iss } = decodeJwt(token));
    } catch {
      return problem('JWT_MALFORMED', 'the bearer token is not a signed JWT');
    }
    if (alg === undefined || !JWT_ALGORITHMS.includes(alg)) return problem('JWT_ALGORITHM', `a token signed with ${alg ?? 'no algorithm'} is not accepted: sign with ${JWT_ALGORITHMS.join(', ')}`);
    const issuer = typeof iss === 'string' ? trusted.get(iss) : undefined;
    if (!issuer) return problem('JWT_ISSUER_NOT_ALLOWED', 'the token is not from an issuer this service trusts');
    // Keys are only ever taken from the issuer's given JWKS; a token that points elsewhere is not the issuer's.
    if (jku !== undefined && issuer.url !== undefined && jku !== issuer.url) return problem('JWT_JKU_NOT_ALLOWED', "the token's jku is not its issuer's JWKS URL");
    let payload: JWTPayload;
    try {
      payload = await verified(token, issuer.keys, { algorithms: JWT_ALGORITHMS, issuer: issuer.iss, audience, clockTolerance: CLOCK_SKEW_S, maxTokenAge: MAX_TOKEN_AGE_S, requiredClaims: ['exp', 'jti'] });
    } catch (err) {
      return joseProblem(err, audience);
    }
    const { jti, exp, iat } = payload as Required<Pick<JWTPayload, 'exp' | 'iat'>> & { jti: unknown };
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) return problem('JWT_MALFORMED', `the token's jti must be a string of 1 to ${MAX_JTI_LENGTH} characters`);
    const until = (Math.min(exp, iat + MAX_TOKEN_AGE_S) + CLOCK_SKEW_S) * 1000;
    const seen = replays.remember(`${issuer.iss}\n${jti}`, until);
    if (seen === 'replayed') return problem('JWT_REPLAYED', 'this token (its jti) was used before: sign a new one for each request');
    if (seen === 'full') return problem('JWT_REPLAY_CACHE_FULL', 'too many tokens within their lifetime to remember them all; try again shortly');
    return undefined;
  };
}

/** With a key set that has several keys the token (without a kid) could be signed with, each is tried. */
async function verified(token: string, keys: JWTVerifyGetKey, options: JWTVerifyOptions): Promise<JWTPayload> {
  try {
    return (await jwtVerify(token, keys, options)).payload;
  } catch (err) {
    if (!(err instanceof errors.JWKSMultipleMatchingKeys)) throw err;
    for await (const key of err as errors.JWKSMultipleMatchingKeys & AsyncIterable<CryptoKey>) {
      try {
        return (await jwtVerify(token, key, options)).payload;
      } catch (inner) {
        if (!(inner instanceof errors.JWSSignatureVerificationFailed)) throw inner;
      }
    }
    throw new errors.JWSSignatureVerificationFailed();
  }
}

/** A remote key set whose failures to fetch are told apart from a token that matches none of its keys. */
function fetched(remote: JWTVerifyGetKey): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await remote(header, token);
    } catch (err) {
      if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys || err instanceof errors.JOSENotSupported) throw err;
      const cause = err instanceof Error ? ((err.cause as NodeJS.ErrnoException | undefined)?.code ?? err.message) : String(err);
      throw new KeysUnavailable(cause);
    }
  };
}

/** What jose's refusal means to the client, named by a code it can act on and no more than it needs. */
function joseProblem(err: unknown, audience: string): Problem {
  if (err instanceof KeysUnavailable) return problem('JWT_KEYS_UNAVAILABLE', `the keys of the token's issuer could not be fetched (${err.message}); try again shortly`);
  if (err instanceof errors.JWTExpired) return problem('JWT_EXPIRED', err.claim === 'iat' ? `the token was issued more than ${MAX_TOKEN_AGE_S} s ago` : 'the token has expired');
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.reason === 'missing') return problem('JWT_CLAIM_MISSING', `the token has no ${err.claim} claim`);
    if (err.claim === 'aud') return problem('JWT_AUDIENCE', `the token's aud is not ${audience}, the URL called`);
    if (err.claim === 'nbf' || err.claim === 'iat') return problem('JWT_NOT_YET_VALID', `the token is not valid yet (its ${err.claim} is ahead of this service's clock by more than ${CLOCK_SKEW_S} s)`);
    return problem('JWT_MALFORMED', `the token's ${err.claim} claim is not valid`);
  }
  if (err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JWKSNoMatchingKey) return problem('JWT_SIGNATURE', "the token's signature does not verify with its issuer's keys");
  if (err instanceof errors.JOSEAlgNotAllowed) return problem('JWT_ALGORITHM', 'the token is signed with an algorithm that is not accepted');
  if (err instanceof errors.JOSEError) return problem('JWT_MALFORMED', 'the bearer token is not a valid signed JWT');
  throw err;
}
