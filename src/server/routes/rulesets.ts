import type { FastifyInstance } from 'fastify';
import type { AppOptions } from '../app.js';
import { problem, sendProblems } from '../http-problems.js';

/** GET /rulesets and /rulesets/:id: what the service evaluates with right now (profiles applied), by content hash. */
export async function rulesetRoutes(app: FastifyInstance, options: AppOptions): Promise<void> {
  app.get('/rulesets', async () => {
    const { rulesets, generation, loadedAt } = options.rules.current();
    return {
      generation,
      loadedAt,
      rulesets: rulesets.map((r) => ({
        id: r.document.id,
        version: r.document.version,
        sha256: r.sha256,
        title: r.document.title,
        scope: r.document.scope,
        requires: r.document.requires ?? [],
        ...(r.document.profile ? { profile: r.document.profile } : {}),
        references: Object.entries(r.document.references).map(([key, ref]) => ({ key, ...ref })),
      })),
    };
  });

  app.get<{ Params: { id: string } }>('/rulesets/:id', async (request, reply) => {
    const { rulesets, generation } = options.rules.current();
    const ruleset = rulesets.find((r) => r.document.id === request.params.id);
    if (!ruleset) return sendProblems(reply, [problem('NOT_FOUND', `no rule set "${request.params.id}"; GET /rulesets lists them`, { path: '/id' })]);
    // The document as evaluated: with an institution profile, the profile's changes are in it (and marked).
    return { id: ruleset.document.id, version: ruleset.document.version, sha256: ruleset.sha256, ...(ruleset.document.profile ? { profile: ruleset.document.profile } : {}), generation, document: ruleset.document };
  });
}
