import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { testApp } from './support/server.js';

const json = { 'content-type': 'application/json' };
const FIELD = 'https://spinemets.invalid/fhir/CodeSystem/patient-field';
const concept = (code: string) => ({ coding: [{ system: FIELD, code }] });
const bundle = (...resources: object[]) => ({ resourceType: 'Bundle', type: 'searchset', entry: resources.map((resource) => ({ resource })) });

/** The service's log as lines of JSON, as an operator's collector would receive them. */
function capturedLog(): { stream: Writable; lines: () => Array<Record<string, unknown>>; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return { stream, text: () => text, lines: () => text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const PATIENT_ID = 'pat-7731-confidential';
const PATIENT_NAME = 'Haraldsdottir';
const TOKEN = 'token-never-logged-4f9a2c';

/** A patient-view call for one patient with a name and one lesion, all of it the kind of data no log may hold. */
function hookCall(patientId: string, karnofsky = 70): Record<string, unknown> {
  return {
    hook: 'patient-view',
    hookInstance: randomUUID(),
    context: { userId: 'Practitioner/1', patientId },
    prefetch: {
      patient: { resourceType: 'Patient', id: patientId, name: [{ family: PATIENT_NAME, given: ['Ada'] }], birthDate: '1961-03-02' },
      observations: bundle(
        { resourceType: 'Observation', id: 'kps', status: 'final', code: concept('karnofsky'), valueInteger: karnofsky },
        { resourceType: 'Observation', id: 'l1', status: 'final', code: concept('lesion'), bodySite: concept('T12'), component: [{ code: concept('pain'), valueCodeableConcept: concept('mechanical') }] },
      ),
      conditions: bundle(),
    },
  };
}

describe('the request id', () => {
  // reqId was a per-process counter, not returned and not taken from the client's x-request-id, so a
  // request could not be followed from the EHR's or the proxy's log into this one (QA of the service).
  it('is the client x-request-id when it is short and plain, else a new UUID, and is answered in x-request-id', async () => {
    const log = capturedLog();
    const app = await testApp({ token: TOKEN, log: { level: 'info', stream: log.stream } });
    try {
      const given = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'ehr-42.a:b' } });
      expect(given.headers['x-request-id']).toBe('ehr-42.a:b');
      expect(log.lines().filter((l) => l.reqId === 'ehr-42.a:b').length).toBeGreaterThanOrEqual(2);
      const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
      for (const unsafe of ['x'.repeat(129), 'a b', 'id"}{', '']) {
        expect((await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': unsafe } })).headers['x-request-id']).toMatch(uuid);
      }
      const ids = await Promise.all([1, 2].map(async () => (await app.inject({ method: 'GET', url: '/health' })).headers['x-request-id']));
      expect(ids[0]).toMatch(uuid);
      expect(ids[0]).not.toBe(ids[1]);
      // Refusals name the request too: by the token check, the router and the not-found handler.
      expect((await app.inject({ method: 'GET', url: '/rulesets', headers: { 'x-request-id': 'r-401' } })).headers['x-request-id']).toBe('r-401');
      expect((await app.inject({ method: 'GET', url: '/rulesets/%zz', headers: { 'x-request-id': 'r-400', authorization: `Bearer ${TOKEN}` } })).headers['x-request-id']).toBe('r-400');
      expect((await app.inject({ method: 'GET', url: '/nowhere', headers: { 'x-request-id': 'r-404', authorization: `Bearer ${TOKEN}` } })).headers['x-request-id']).toBe('r-404');
    } finally {
      await app.close();
    }
  });
});

describe('the request log', () => {
  // A CDS call's log lines named neither the hookInstance nor the decision, a 4xx only its status, and
  // what the HTTP parser refused was not logged at all (QA of the service, operations).
  it('names the hookInstance and decision of a card, the codes and paths of a refusal; never a patient id, name, body or token', async () => {
    const log = capturedLog();
    const app = await testApp({ token: TOKEN, log: { level: 'info', stream: log.stream } });
    try {
      const headers = { ...json, authorization: `Bearer ${TOKEN}` };
      const call = hookCall(PATIENT_ID);
      const answered = await app.inject({ method: 'POST', url: '/cds-services/spinemets-spine', payload: JSON.stringify(call), headers });
      expect(answered.statusCode).toBe(200);
      const [card] = (answered.json() as { cards: Array<{ uuid: string }> }).cards;
      const issued = log.lines().filter((l) => l.reqId === answered.headers['x-request-id'] && l.decisionId !== undefined);
      expect(issued.map((l) => [l.hookInstance, l.decisionId])).toEqual([[call.hookInstance, card?.uuid]]);

      // A Karnofsky of 75 is not on the scale: 422 at its place in the body.
      const invalid = await app.inject({ method: 'POST', url: '/cds-services/spinemets-spine', payload: JSON.stringify(hookCall(PATIENT_ID, 75)), headers });
      expect(invalid.statusCode).toBe(422);
      const refused = log.lines().filter((l) => l.reqId === invalid.headers['x-request-id'] && l.problems !== undefined);
      expect(refused).toEqual([expect.objectContaining({ statusCode: 422, problems: [{ code: invalid.json().problems[0].code, path: '/prefetch/observations/entry/0/resource/valueInteger' }] })]);

      const wrongToken = `${TOKEN}-but-wrong`;
      const unauthorized = await app.inject({ method: 'POST', url: '/evaluate', payload: JSON.stringify({ id: PATIENT_ID }), headers: { ...json, authorization: `Bearer ${wrongToken}` } });
      expect(unauthorized.statusCode).toBe(401);
      expect(log.lines().filter((l) => l.reqId === unauthorized.headers['x-request-id'] && l.problems !== undefined)).toEqual([expect.objectContaining({ statusCode: 401, problems: [{ code: 'UNAUTHORIZED' }] })]);

      const text = log.text();
      for (const secret of [PATIENT_ID, PATIENT_NAME, TOKEN, wrongToken]) expect(text).not.toContain(secret);
    } finally {
      await app.close();
    }
  });

  it('logs what the HTTP parser refuses, under the request id it answers with', async () => {
    const log = capturedLog();
    const app = await testApp({ log: { level: 'info', stream: log.stream } });
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as { port: number };
      const answer = await new Promise<string>((resolve) => {
        let text = '';
        const socket = connect(port, '127.0.0.1', () => socket.end(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
        socket.on('data', (chunk) => (text += chunk.toString()));
        socket.on('close', () => resolve(text));
      });
      expect(answer).toMatch(/^HTTP\/1\.1 431 /);
      const id = /\r\nx-request-id: ([^\r]+)\r\n/i.exec(answer)?.[1];
      expect(log.lines().filter((l) => l.reqId === id)).toEqual([expect.objectContaining({ statusCode: 431, problems: [{ code: 'BAD_REQUEST' }] })]);
    } finally {
      await app.close();
    }
  });
});
