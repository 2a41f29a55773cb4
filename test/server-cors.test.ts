import { describe, expect, it } from 'vitest';
import { testApp } from './support/server.js';

const EHR = 'https://ehr.example.org';
const TOKEN = 'a-long-enough-test-token';
const SERVICE = '/cds-services/spinemets-spine';
const preflight = (origin: string, method = 'POST') => ({
  method: 'OPTIONS' as const,
  url: SERVICE,
  headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization,content-type' },
});

describe('CORS', () => {
  it('is off by default: no CORS header on any answer', async () => {
    const app = await testApp();
    try {
      const answer = await app.inject({ method: 'GET', url: '/cds-services', headers: { origin: EHR } });
      expect(answer.statusCode).toBe(200);
      expect(Object.keys(answer.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
      const options = await app.inject(preflight(EHR));
      expect(options.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await app.close();
    }
  });

  // A browser-based CDS client's preflight was 405 METHOD_NOT_ALLOWED with no CORS headers, so no page
  // could call the service (CDS Hooks 2.0: services and browser-based clients require CORS) (QA, EHR integration).
  it('with allowed origins, answers their preflight (GET, POST; Authorization, Content-Type) before the bearer check, and names them on answers', async () => {
    const app = await testApp({ corsOrigins: [EHR, 'http://localhost:3000'], token: TOKEN });
    try {
      const allowed = await app.inject(preflight(EHR));
      expect(allowed.statusCode).toBe(204);
      expect(allowed.headers['access-control-allow-origin']).toBe(EHR);
      expect(allowed.headers['access-control-allow-methods']).toBe('GET, POST');
      expect(allowed.headers['access-control-allow-headers']).toBe('Authorization, Content-Type');
      expect(allowed.headers.vary).toMatch(/\bOrigin\b/);

      const other = await app.inject(preflight('https://elsewhere.example.com'));
      expect(other.headers['access-control-allow-origin']).toBeUndefined();

      const call = await app.inject({ method: 'GET', url: '/cds-services', headers: { origin: EHR, authorization: `Bearer ${TOKEN}` } });
      expect(call.statusCode).toBe(200);
      expect(call.headers['access-control-allow-origin']).toBe(EHR);
      expect(call.headers['access-control-expose-headers']).toBe('x-request-id, x-ruleset-generation');
      // A refusal is readable by the page too, so that it can say why.
      const refused = await app.inject({ method: 'GET', url: '/cds-services', headers: { origin: 'http://localhost:3000' } });
      expect(refused.statusCode).toBe(401);
      expect(refused.headers['access-control-allow-origin']).toBe('http://localhost:3000');
      expect(refused.json().problems[0].code).toBe('UNAUTHORIZED');
    } finally {
      await app.close();
    }
  });

  it('allows every origin only when * is given', async () => {
    const app = await testApp({ corsOrigins: ['*'] });
    try {
      const answer = await app.inject(preflight('https://any.example.net', 'GET'));
      expect(answer.statusCode).toBe(204);
      expect(answer.headers['access-control-allow-origin']).toBe('*');
    } finally {
      await app.close();
    }
  });
});
