import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Problem } from '../problems/problem.js';
import { problem, sendProblems, statusFor } from './http-problems.js';
import { jwtVerifier, type TrustedIssuer } from './jwt-verifier.js';

/** Load balancers and probes check liveness without the secret. */
const OPEN_ROUTES = new Set(['/health']);

export interface AuthOptions {
  /** With --token-file: one static bearer token, for simple deployments. */
  token?: string;
  /**
   * With --jwt-issuer: CDS Hooks JWTs from these issuers, whose `aud` is `baseUrl` followed by the path
   * called (the URL the client called, which behind a proxy is not this server's own).
   */
  jwt?: { issuers: readonly TrustedIssuer[]; baseUrl: string };
}

/**
 * With a token or JWT issuers, every route but /health needs `Authorization: Bearer <token>`: the
 * static token (both sides hashed before comparing, so that the comparison takes the same time whatever
 * the length or the first wrong byte), or else a JWT of a trusted issuer.
 */
export function registerAuth(app: FastifyInstance, { token, jwt }: AuthOptions): void {
  if (token === undefined && jwt === undefined) return;
  const expected = token === undefined ? undefined : digest(token);
  const jwtCheck = jwt && { verify: jwtVerifier(jwt.issuers), baseUrl: jwt.baseUrl };
  app.addHook('onRequest', async (request, reply) => {
    if (OPEN_ROUTES.has(request.routeOptions.url ?? '')) return;
    const given = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? '';
    if (!given) return refuse(reply, problem('UNAUTHORIZED', 'this service needs Authorization: Bearer <token>'), false);
    if (expected && timingSafeEqual(digest(given), expected)) return;
    if (!jwtCheck) return refuse(reply, problem('UNAUTHORIZED', 'the bearer token is not valid'), true);
    const failed = await jwtCheck.verify(given, jwtCheck.baseUrl + (request.url.split('?')[0] ?? ''));
    if (failed) return refuse(reply, failed, true);
  });
}

/** RFC 6750: a 401 says how to authenticate, and that the token given was not good; a 503 (keys not to be had) is no refusal of the token. */
function refuse(reply: FastifyReply, reason: Problem, tokenGiven: boolean): FastifyReply {
  if (statusFor([reason]) === 401) reply.header('www-authenticate', `Bearer realm="spinemets"${tokenGiven ? `, error="invalid_token", error_description="${reason.code}"` : ''}`);
  return sendProblems(reply, [reason]);
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
