import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import { REQUEST_ID_HEADER } from './request-id.js';

/**
 * CORS for browser-based CDS clients (CDS Hooks 2.0 requires it of them and of services), off unless
 * origins are given: an allowed origin is named back (`*` only when it was given), any other gets no
 * CORS headers and so no answer the browser lets its page read. @fastify/cors does the protocol: a
 * preflight is answered in its hook, before the bearer check that a preflight could never pass.
 */
export async function registerCors(app: FastifyInstance, origins: readonly string[]): Promise<void> {
  await app.register(cors, {
    origin: origins.includes('*') ? '*' : [...origins],
    methods: ['GET', 'POST'],
    allowedHeaders: ['Authorization', 'Content-Type'],
    // What a page may read of an answer besides the simple headers: which request and rule sets it was.
    exposedHeaders: [REQUEST_ID_HEADER, 'x-ruleset-generation'],
    // An OPTIONS without Origin is no preflight, but the plugin's strict answer to it would be plain text.
    strictPreflight: false,
  });
}
