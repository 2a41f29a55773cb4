import type { FastifyInstance } from 'fastify';
import { problem, sendProblems } from './http-problems.js';

/**
 * Once the service is closing, a request that still reaches it (on a keep-alive connection) is told to
 * go elsewhere (503, in the problem format), and every answer, those of requests under way included,
 * closes its connection, so that the client does not send the next request on a socket about to go.
 */
export function registerShutdownHooks(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (closing) return sendProblems(reply, [problem('SHUTTING_DOWN', 'the service is stopping; send the request again')]);
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
}

/**
 * Stops listening and closes idle keep-alive connections at once (fastify's close); requests under way
 * have `graceMs` to finish, after which the connections still open (a client stalled in its body, a
 * /batch still streaming) are cut, so that a supervisor's SIGTERM is not followed by its SIGKILL.
 */
export async function closeGracefully(app: FastifyInstance, graceMs: number): Promise<void> {
  const cut = setTimeout(() => {
    app.log.warn({ graceMs }, 'the grace period is over: the connections still open are closed');
    app.server.closeAllConnections();
  }, graceMs);
  try {
    await app.close();
  } finally {
    clearTimeout(cut);
  }
}
