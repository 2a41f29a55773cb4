import type { FastifyInstance } from 'fastify';
import type { AppOptions } from '../app.js';
import { clinicianPage } from '../clinician-page.js';

/** GET /: the clinician page, one self-contained document under a strict Content-Security-Policy. */
export async function pageRoutes(app: FastifyInstance, options: AppOptions): Promise<void> {
  app.get('/', async (_request, reply) => {
    const page = clinicianPage(options.rules.current().rulesets);
    return reply
      .header('content-security-policy', page.csp)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .type('text/html; charset=utf-8')
      .send(page.html);
  });
}
