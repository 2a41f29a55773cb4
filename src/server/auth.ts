import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { problem, sendProblems } from './http-problems.js';

/** Load balancers and probes check liveness without the secret. */
const OPEN_ROUTES = new Set(['/health']);

/**
 * With a token, every route but /health needs `Authorization: Bearer <token>`. Both sides are hashed
 * before comparing so the comparison takes the same time whatever the length or the first wrong byte.
 */
export function registerBearerAuth(app: FastifyInstance, token: string): void {
  const expected = digest(token);
  app.addHook('onRequest', async (request, reply) => {
    if (OPEN_ROUTES.has(request.routeOptions.url ?? '')) return;
    const header = request.headers.authorization ?? '';
    const given = /^Bearer (.+)$/i.exec(header)?.[1] ?? '';
    if (given && timingSafeEqual(digest(given), expected)) return;
    reply.header('www-authenticate', 'Bearer realm="spinemets"');
    return sendProblems(reply, [problem('UNAUTHORIZED', given ? 'the bearer token is not valid' : 'this service needs Authorization: Bearer <token>')]);
  });
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
