import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDecisionRecorder } from '../src/audit/decision-recorder.js';
import { rulesetStoreDir } from '../src/audit/ruleset-store.js';
import { verifyLog } from '../src/audit/verify-log.js';
import { cutAtWord } from '../src/server/cds-card.js';
import { DEFAULT_CDS_CONFIG, loadCdsConfig } from '../src/server/cds-config.js';
import { renderReport } from '../src/report/html-report.js';
import { createFeedbackStore, type FeedbackStore } from '../src/server/feedback-store.js';
import { validator } from '../src/source/schemas.js';
import { read, writeVariant } from './support/mutate.js';
import { cliEvaluation, testApp } from './support/server.js';

const FIELD = 'https://spinemets.invalid/fhir/CodeSystem/patient-field';
const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const json = { 'content-type': 'application/json' };
/** The built command, as a user runs it (`npm test` builds first). */
const CLI = new URL('../dist/cli/main.js', import.meta.url).pathname;

const concept = (system: string, code: string) => ({ coding: [{ system, code }] });
const bundle = (...resources: object[]) => ({ resourceType: 'Bundle', type: 'searchset', entry: resources.map((resource) => ({ resource })) });
const field = (name: string, value: object, id = name) => ({ resourceType: 'Observation', id, status: 'final', code: concept(FIELD, name), ...value });

/** A lesion as the EHR would keep it: one Observation, the level in bodySite, one component per finding. */
function lesionObservation(id: string, level: string, findings: Record<string, string | boolean>): object {
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    code: concept(FIELD, 'lesion'),
    bodySite: concept(FIELD, level),
    component: Object.entries(findings).map(([name, value]) => ({ code: concept(FIELD, name), ...(typeof value === 'boolean' ? { valueBoolean: value } : { valueCodeableConcept: concept(FIELD, value) }) })),
  };
}

/** A sign of spinal metastatic disease without a lesion (config/cds-hooks.yaml, card.spinalDisease): without one, no card. */
const COUNTED = field('spinalMetastasisCount', { valueInteger: 1 }, 'count');

const UNSTABLE = { pain: 'mechanical', boneLesion: 'lytic', alignment: 'subluxation', collapse: 'over_50', posterolateral: 'bilateral', bilskyGrade: '2', myelopathy: false };

/** A hook request as an EHR sends it: every prefetch key of the discovery, null where the record holds nothing for it. */
function hookRequest(prefetch: Record<string, unknown>): Record<string, unknown> {
  return { hook: 'patient-view', hookInstance: randomUUID(), context: { userId: 'Practitioner/1', patientId: 'p1' }, prefetch: { patient: null, observations: null, conditions: null, ...prefetch } };
}

const unstablePrefetch = {
  patient: { resourceType: 'Patient', id: 'p1', birthDate: '1961-03-02' },
  observations: bundle(
    { resourceType: 'Observation', id: 'alb', status: 'final', code: concept(LOINC, '1751-7'), effectiveDateTime: '2026-11-20', valueQuantity: { value: 38, unit: 'g/L', system: UCUM, code: 'g/L' } },
    // An older albumin: the latest result is the one used.
    { resourceType: 'Observation', id: 'alb-old', status: 'final', code: concept(LOINC, '1751-7'), effectiveDateTime: '2026-01-02', valueQuantity: { value: 2.1, unit: 'g/dL', system: UCUM, code: 'g/dL' } },
    field('ambulatoryStatus', { valueCodeableConcept: concept(FIELD, 'impaired') }),
    field('karnofsky', { valueInteger: 70 }, 'kps-as-field'),
    field('toleratesSurgery', { valueBoolean: true }),
    lesionObservation('lesion-t12', 'T12', UNSTABLE),
  ),
  conditions: bundle({ resourceType: 'Condition', id: 'c1', clinicalStatus: concept('http://terminology.hl7.org/CodeSystem/condition-clinical', 'active'), code: concept('https://spinemets.invalid/fhir/CodeSystem/primaryTumor', 'renal_cell') }),
};

/** The patient file a clinician would write for the same record (age left out: SINS and NOMS do not read it). */
const samePatient = {
  id: 'p1',
  albumin: { value: 38, unit: 'g/L' },
  ambulatoryStatus: 'impaired',
  karnofsky: 70,
  toleratesSurgery: true,
  primaryTumor: 'renal_cell',
  lesions: [{ id: 'lesion-t12', level: 'T12', ...UNSTABLE }],
};

let app: FastifyInstance;
let feedback: FeedbackStore;
let log: string;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spinemets-cds-'));
  log = join(dir, 'audit.jsonl');
  feedback = createFeedbackStore(join(dir, 'feedback.jsonl'));
  app = await testApp({ feedback, recorder: createDecisionRecorder(log) });
});
afterAll(async () => {
  await app.close();
});

const cards = (body: unknown) => {
  const validate = validator('cds-hooks-cards');
  expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
  return (body as { cards: Array<{ uuid: string; summary: string; detail: string; indicator: string; source: { label: string } }> }).cards;
};
const callPayload = (payload: string) => app.inject({ method: 'POST', url: '/cds-services/spinemets-spine', payload, headers: json });
const callService = (request: object) => callPayload(JSON.stringify(request));

interface MappedProblem {
  code: string;
  path: string;
  line: number;
  column: number;
  patientPath: string;
  resource?: string;
}
/** The problems of a hook request whose prefetch maps to a patient the contract rejects, and the request text they point into. */
async function rejected(prefetch: Record<string, unknown>): Promise<{ payload: string; problems: MappedProblem[] }> {
  const payload = JSON.stringify(hookRequest(prefetch), null, 2);
  const response = await callPayload(payload);
  expect(response.statusCode).toBe(422);
  return { payload, problems: response.json().problems };
}
/** A problem as `code path patientPath resource`: its place in the request, then what it maps to. */
const where = (p: MappedProblem) => [p.code, p.path, p.patientPath, p.resource].filter(Boolean).join(' ');
/** The line and column (from 1) of `value` where it first follows the key `key` in the request text (not in the random hookInstance). */
function positionOf(text: string, key: string, value: string): { line: number; column: number } {
  const before = text.slice(0, text.indexOf(value, text.indexOf(`"${key}"`)));
  return { line: before.split('\n').length, column: before.length - before.lastIndexOf('\n') };
}

describe('CDS Hooks', () => {
  it('discovers one patient-view service with its prefetch templates', async () => {
    const body = (await app.inject({ method: 'GET', url: '/cds-services' })).json();
    expect(validator('cds-hooks-discovery')(body)).toBe(true);
    expect(body.services).toEqual([expect.objectContaining({ id: 'spinemets-spine', hook: 'patient-view', prefetch: expect.objectContaining({ patient: 'Patient/{{context.patientId}}' }) })]);
    expect(body.services[0].prefetch.observations).toContain('http://loinc.org|1751-7');
  });

  // GET /cds-services/ was 405 "takes POST", and GET /cds-services/nope 405 too, as if the service existed (QA, CDS Hooks 2.0).
  it('UNKNOWN_SERVICE: an unknown service is 404 whatever the method, and discovery answers with a trailing slash', async () => {
    const slash = await app.inject({ method: 'GET', url: '/cds-services/' });
    expect(slash.statusCode).toBe(200);
    expect(slash.json().services.map((s: { id: string }) => s.id)).toEqual(['spinemets-spine']);
    for (const method of ['GET', 'HEAD', 'PUT', 'DELETE', 'POST'] as const) {
      for (const url of ['/cds-services/nope', '/cds-services/nope/feedback']) {
        const unknown = await app.inject({ method, url, ...(method === 'POST' ? { payload: '{}', headers: json } : {}) });
        expect(unknown.statusCode, `${method} ${url}`).toBe(404);
        if (method !== 'HEAD') expect(unknown.json().problems.map((p: { code: string }) => p.code)).toEqual(['UNKNOWN_SERVICE']);
      }
    }
    // The service that is there takes POST only.
    const get = await app.inject({ method: 'GET', url: '/cds-services/spinemets-spine' });
    expect(get.statusCode).toBe(405);
    expect(get.headers.allow).toBe('POST');
    expect(get.json().problems.map((p: { code: string }) => p.code)).toEqual(['METHOD_NOT_ALLOWED']);
    expect((await app.inject({ method: 'DELETE', url: '/cds-services/spinemets-spine/feedback' })).headers.allow).toBe('POST');
  });

  // OPTIONS on the service, its feedback or an unknown id was 405 with Allow: GET, HEAD, POST, PUT, PATCH,
  // DELETE (methods that themselves answer 405), and the service's URL with a trailing slash 404 "no
  // route", while discovery took the slash (QA of the service routing).
  it('OPTIONS and other methods: 404 UNKNOWN_SERVICE for an unknown id, 405 naming only POST for the service; a trailing slash is the same URL', async () => {
    for (const method of ['OPTIONS', 'TRACE', 'PATCH'] as const) {
      for (const url of ['/cds-services/spinemets-spine', '/cds-services/spinemets-spine/feedback', '/cds-services/spinemets-spine/']) {
        const other = await app.inject({ method, url });
        expect([other.statusCode, other.headers.allow, other.json().problems.map((p: { code: string }) => p.code)], `${method} ${url}`).toEqual([405, 'POST', ['METHOD_NOT_ALLOWED']]);
      }
      for (const url of ['/cds-services/nope', '/cds-services/nope/feedback', '/cds-services/nope/']) {
        const unknown = await app.inject({ method, url });
        expect([unknown.statusCode, unknown.headers.allow, unknown.json().problems.map((p: { code: string }) => p.code)], `${method} ${url}`).toEqual([404, undefined, ['UNKNOWN_SERVICE']]);
      }
    }
    const slashed = await app.inject({ method: 'POST', url: '/cds-services/spinemets-spine/', payload: hookRequest(unstablePrefetch), headers: json });
    expect(slashed.statusCode).toBe(200);
    const [card] = cards(slashed.json());
    expect(card?.indicator).toBe('critical');
    const feedback = await app.inject({ method: 'POST', url: '/cds-services/spinemets-spine/feedback/', payload: { feedback: [{ card: card?.uuid, outcome: 'accepted', outcomeTimestamp: '2026-12-08T10:00:00Z' }] }, headers: json });
    expect(feedback.statusCode).toBe(200);
  });

  it('answers an unstable lesion from FHIR prefetch with a critical card naming the SINS score and the plan the CLI gives', async () => {
    const request = hookRequest(unstablePrefetch);
    expect(validator('cds-hooks-request')(request)).toBe(true);
    const response = await callService(request);
    expect(response.statusCode).toBe(200);
    const [card, ...others] = cards(response.json());
    expect(others).toEqual([]);

    const cli = cliEvaluation(samePatient);
    const sins = cli.lesions[0]?.results.sins?.score;
    const decision = cli.lesions[0]?.results.noms?.decision as string;
    // Without an expected survival the surgical gate is open, so the plan is too, and the card asks for it.
    expect(cli.lesions[0]?.results['lesion-plan']?.management).toBeNull();
    expect(cli.lesions[0]?.results.sins?.category).toBe('unstable');
    expect(card?.indicator).toBe('critical');
    expect(card?.summary.length).toBeLessThan(140);
    expect(card?.summary).toContain(`SINS ${sins}`);
    expect(card?.summary).toContain(`NOMS ${decision.replace(/_/g, ' ')}, plan undetermined; provide `);
    expect(card?.detail).toContain('unstable spine');
    expect(card?.detail).toContain('### Explanation');
    expect(card?.detail).toMatch(/Rule sets: .*sins 1\.1\.0 \(sha256:[0-9a-f]{12}\)/);
    // The card is the decision: its uuid is the audit record's decision id.
    const records = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const record = records.find((r) => r.decisionId === card?.uuid);
    expect(record.input).toMatchObject({ ...samePatient, age: expect.any(Number) });
    expect(record.outputs.lesions[0].results.sins.score).toBe(sins);
  }, 30_000);

  it('asks for what is missing instead of failing: no lesion, then a lesion without its findings', async () => {
    const empty = cards((await callService(hookRequest({ patient: { resourceType: 'Patient', id: 'p1' }, observations: bundle(field('spinalMetastasisCount', { valueInteger: 2 })) }))).json());
    expect(empty[0]).toMatchObject({ indicator: 'info', summary: expect.stringMatching(/^No spinal lesion in the record: provide each lesion \(.*level/) });

    const partial = cards((await callService(hookRequest({ observations: bundle(lesionObservation('l1', 'L3', { pain: 'none' })) }))).json());
    // SINS 2-14 may be unstable: not an info card (see 'a category missing data leaves open' below).
    expect(partial[0]?.indicator).toBe('warning');
    expect(partial[0]?.summary).toMatch(/^L3: SINS \d+–\d+, undetermined, NOMS undetermined, plan undetermined; provide Bone lesion, /);
    expect(partial[0]?.detail).toContain('to decide, provide');
  });

  // Every chart opened showed an info card "No spinal lesion in the record: provide ...", and with --record
  // each was an audit record (QA, CDS Hooks 2.0: no decision support is an empty array of cards).
  it('no card for a record with no sign of spinal metastatic disease, and no decision recorded; a sign without lesion data keeps the card', async () => {
    const before = readFileSync(log, 'utf8');
    const breast = { resourceType: 'Condition', id: 'c1', clinicalStatus: concept('http://terminology.hl7.org/CodeSystem/condition-clinical', 'active'), code: concept('http://hl7.org/fhir/sid/icd-10-cm', 'C50.911') };
    const albumin = { resourceType: 'Observation', id: 'alb', status: 'final', code: concept(LOINC, '1751-7'), valueQuantity: { value: 38, system: UCUM, code: 'g/L' } };
    // A Patient the EHR could not fetch holds no sign either: only what of the Observations is not read might.
    const failed = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'timeout' }] };
    for (const prefetch of [{}, { observations: { resourceType: 'Bundle', type: 'searchset' }, conditions: bundle() }, { patient: failed, observations: bundle(albumin, field('karnofsky', { valueInteger: 70 })), conditions: bundle(breast) }]) {
      const response = await callService(hookRequest(prefetch));
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ cards: [] });
    }
    expect(readFileSync(log, 'utf8')).toBe(before);
    // A lesion Observation of any status, or a count of involved vertebrae, is a sign: the card asks for what is missing.
    const count = cards((await callService(hookRequest({ observations: bundle(albumin, field('spinalMetastasisCount', { valueInteger: 3 })), conditions: bundle(breast) }))).json());
    expect(count.map((card) => card.summary)).toEqual([expect.stringMatching(/^No spinal lesion in the record: provide each lesion/)]);
  });

  // A lesion Observation entered in error kept the card, whose summary then said "No spinal lesion in the
  // record": the reason the card was there, contradicted (QA, clinical).
  it('a card kept by lesion Observations not used says they were recorded, with their status, not that the record holds none', async () => {
    const lesion = (id: string, status: string) => ({ ...lesionObservation(id, 'T12', {}), status });
    for (const [observations, statuses] of [[bundle(lesion('err', 'entered-in-error')), ['entered-in-error']], [bundle(lesion('err', 'entered-in-error'), lesion('pre', 'preliminary')), ['entered-in-error', 'preliminary']]] as const) {
      const [card, ...more] = cards((await callService(hookRequest({ observations }))).json());
      expect(more).toEqual([]);
      expect(card?.summary).not.toMatch(/^No spinal lesion/);
      expect(/\(status ([^)]*)\)/.exec(card?.summary ?? '')?.[1]?.split(', ')).toEqual(statuses);
    }
  });

  // An institution's config written before card.spinalDisease was read as listing no sign: a record that
  // counts its involved vertebrae but holds no lesion Observation got no card, where it had one (QA, clinical).
  it('without card.spinalDisease in the config, no record is taken to lack a sign: each gets its card, as before the key', async () => {
    const { file } = writeVariant(read(DEFAULT_CDS_CONFIG), [['  spinalDisease:\n    - { field: spinalMetastasisCount, atLeast: 1 }\n', '']], 'cds-hooks.yaml');
    const { config } = loadCdsConfig(file);
    if (!config) throw new Error('the config without card.spinalDisease does not load');
    const older = await testApp({ cds: config });
    try {
      for (const observations of [bundle(field('spinalMetastasisCount', { valueInteger: 2 })), bundle()]) {
        const response = await older.inject({ method: 'POST', url: '/cds-services/spinemets-spine', payload: hookRequest({ patient: { resourceType: 'Patient', id: 'p1' }, observations }), headers: json });
        expect(response.statusCode).toBe(200);
        expect(cards(response.json()).map((card) => card.indicator)).toEqual(['info']);
      }
    } finally {
      await older.close();
    }
  });

  // A Bundle linking a next page (a paged search) was read as the whole record: "the latest observation" the
  // latest of one page, and a page without lesions a record without spinal disease (QA, CDS Hooks 2.0).
  it('a paged prefetch Bundle is said to be read in part, on the card and in the record, and its silence is no absence', async () => {
    const albumin = { resourceType: 'Observation', id: 'alb', status: 'final', code: concept(LOINC, '1751-7'), valueQuantity: { value: 38, system: UCUM, code: 'g/L' } };
    const paged = { ...bundle(albumin), link: [{ relation: 'self', url: 'https://fhir.example/Observation?patient=p1' }, { relation: 'next', url: 'https://fhir.example/Observation?patient=p1&page=2' }] };
    const response = await callService(hookRequest({ patient: { resourceType: 'Patient', id: 'p1' }, observations: paged }));
    expect(response.statusCode).toBe(200);
    // No sign of spinal disease on this page: the next one may hold it, so the card asks rather than no card.
    const [card] = cards(response.json());
    expect(card?.summary).toMatch(/^No spinal lesion read \(prefetch observations not read in full\): provide each lesion/);
    const note = 'prefetch observations is one page of a paged search (its Bundle links a next page, which this service cannot fetch)';
    expect(card?.detail).toContain(note);
    const record = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).find((r) => r.decisionId === card?.uuid);
    expect(record.request.notes).toContainEqual(expect.stringContaining(note));
    // The same page without its next link is the whole record: no sign, no card.
    expect((await callService(hookRequest({ patient: { resourceType: 'Patient', id: 'p1' }, observations: bundle(albumin) }))).json()).toEqual({ cards: [] });

    // A lesion on the page is not all the lesions: its one vertebra is no count (Bauer's solitary skeletal metastasis, 1 point).
    const inputOf = async (observations: object) => {
      const [shown] = cards((await callService(hookRequest({ ...unstablePrefetch, observations }))).json());
      return readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).find((r) => r.decisionId === shown?.uuid);
    };
    const page = [lesionObservation('lesion-t12', 'T12', UNSTABLE), field('extraspinalBoneMetastasisCount', { valueInteger: 0 })];
    const partial = await inputOf({ ...bundle(...page), link: paged.link });
    expect(partial.input).toMatchObject({ lesionsIncomplete: true, lesions: [{ level: 'T12' }] });
    expect(partial.outputs.results['modified-bauer'].components.solitarySkeletal).toMatchObject({ points: null, missing: ['spinalMetastasisCount'] });
    const whole = await inputOf(bundle(...page));
    expect(whole.input).not.toHaveProperty('lesionsIncomplete');
    expect(whole.outputs.results['modified-bauer'].components.solitarySkeletal.points).toBe(1);
  });

  // A search Bundle holding part of its results other than by a `next` link was read as the whole record:
  // a record that may hold lesions got {cards: []} (QA, clinical).
  it('a Bundle with an OperationOutcome of its search, a NEXT link or a total above its entries is read in part too', async () => {
    const albumin = { resourceType: 'Observation', id: 'alb', status: 'final', code: concept(LOINC, '1751-7'), valueQuantity: { value: 38, system: UCUM, code: 'g/L' } };
    const lesion = lesionObservation('lesion-t12', 'T12', UNSTABLE);
    const outcome = { resource: { resourceType: 'OperationOutcome', issue: [{ severity: 'warning', code: 'too-costly' }] }, search: { mode: 'outcome' } };
    const cuts = [
      (...resources: object[]) => ({ ...bundle(...resources), entry: [...bundle(...resources).entry, outcome] }),
      (...resources: object[]) => ({ ...bundle(...resources), link: [{ relation: 'NEXT', url: 'https://fhir.example/Observation?patient=p1&page=2' }] }),
      (...resources: object[]) => ({ ...bundle(...resources), total: 5 }),
    ];
    for (const cut of cuts) {
      const response = await callService(hookRequest({ patient: { resourceType: 'Patient', id: 'p1' }, observations: cut(albumin) }));
      expect(response.statusCode).toBe(200);
      expect(cards(response.json())[0]?.summary).toMatch(/^No spinal lesion read \(prefetch observations not read in full\)/);
      const [card] = cards((await callService(hookRequest({ ...unstablePrefetch, observations: cut(albumin, lesion) }))).json());
      const record = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).find((r) => r.decisionId === card?.uuid);
      expect(record.input).toMatchObject({ lesionsIncomplete: true, lesions: [{ level: 'T12' }] });
    }
    // A total that counts the matches, beside a resource the search included: the whole search, and no sign.
    const whole = { ...bundle(albumin), total: 1, entry: [{ resource: albumin, search: { mode: 'match' } }, { resource: { resourceType: 'Patient', id: 'p1' }, search: { mode: 'include' } }] };
    expect((await callService(hookRequest({ observations: whole }))).json()).toEqual({ cards: [] });
    // A total that is no count, or a search that is no object, cost the whole decision (422; helper-74): the
    // service reads them only as hints, so such a Bundle is read in part, with its card.
    for (const odd of [{ total: '5' }, { total: -1 }, { total: 1.5 }, { entry: [{ resource: albumin, search: 'match' }], total: 2 }]) {
      const response = await callService(hookRequest({ patient: { resourceType: 'Patient', id: 'p1' }, observations: { ...bundle(albumin), ...odd } }));
      expect(response.statusCode, JSON.stringify(odd)).toBe(200);
      expect(cards(response.json())[0]?.summary, JSON.stringify(odd)).toMatch(/^No spinal lesion read \(prefetch observations not read in full\)/);
    }
  });

  // A prefetch of years of results passed the fixed 1 MiB only by luck; the limit could not be raised (QA, CDS Hooks 2.0).
  it('BODY_TOO_LARGE: a hook request over the body limit names it, and a larger limit takes it', async () => {
    const results = Array.from({ length: 40 }, (_, i) => ({ resourceType: 'Observation', id: `alb-${i}`, status: 'final', code: concept(LOINC, '1751-7'), effectiveDateTime: `2026-01-${String(i % 28 + 1).padStart(2, '0')}`, valueQuantity: { value: 38, system: UCUM, code: 'g/L' } }));
    const payload = JSON.stringify(hookRequest({ ...unstablePrefetch, observations: bundle(...unstablePrefetch.observations.entry.map((e: { resource: object }) => e.resource), ...results) }));
    const small = await testApp({ bodyLimit: 4096 });
    const large = await testApp({ bodyLimit: 64 * 1024 });
    try {
      expect(Buffer.byteLength(payload)).toBeGreaterThan(4096);
      const refused = await small.inject({ method: 'POST', url: '/cds-services/spinemets-spine', payload, headers: json });
      expect(refused.statusCode).toBe(413);
      expect(refused.json().problems).toMatchObject([{ code: 'BODY_TOO_LARGE', message: expect.stringContaining('4096') }]);
      const taken = await large.inject({ method: 'POST', url: '/cds-services/spinemets-spine', payload, headers: json });
      expect(taken.statusCode).toBe(200);
      // A /batch line is held to the same limit.
      const line = JSON.stringify({ id: 'x'.repeat(5000) });
      const batch = await small.inject({ method: 'POST', url: '/batch', payload: `${line}\n`, headers: { 'content-type': 'application/x-ndjson' } });
      expect(JSON.parse(batch.body.trim()).error.problems[0]).toMatchObject({ code: 'BODY_TOO_LARGE', message: expect.stringContaining('4096') });
    } finally {
      await small.close();
      await large.close();
    }
  });

  // The card was info: an open category matched no indicator rule, though every value it may take was a reason for one.
  it('a category missing data leaves open raises the card to a warning that says what it may be', async () => {
    const open = { pain: 'mechanical', boneLesion: 'lytic', alignment: 'normal', bilskyGrade: '1a', myelopathy: false };
    const [card] = cards((await callService(hookRequest({ observations: bundle(lesionObservation('l1', 'T12', open)) }))).json());
    // T12 junctional 3 + mechanical 3 + lytic 2 + normal 0, collapse 0-3 and posterolateral 0-3 missing: 8-14.
    expect(card?.summary).toMatch(/^T12: SINS 8–14, undetermined, /);
    expect(card?.indicator).toBe('warning');
    expect(card?.detail).toContain('**Warning**: possibly unstable spine (SINS 13-18): not yet decided, for missing data or a table row the team decides (T12).');
    // Every rule that may hold is named: with the Bilsky grade unknown, cord compression too (a lesion with only pain and bone lesion).
    const [both] = cards((await callService(hookRequest({ observations: bundle(lesionObservation('l1', 'T12', { pain: 'mechanical', boneLesion: 'lytic' })) }))).json());
    expect(both?.detail).toContain('possibly unstable spine (SINS 13-18)');
    expect(both?.detail).toContain('possibly high-grade epidural spinal cord compression or myelopathy');
    // What the card asks for decides what it names: the SINS and NOMS inputs, not the lesion plan's risk factors.
    expect(card?.summary).not.toMatch(/diabetes|smoker/);
  });

  // With a long first lesion the "+1 more lesion" was cut away, so nothing said there was a second.
  it('names the other lesions in a summary cut to length', async () => {
    const [card] = cards((await callService(hookRequest({ observations: bundle(lesionObservation('l1', 'T12', { pain: 'none' }), lesionObservation('l2', 'L3', { pain: 'none' })) }))).json());
    expect(card?.summary.length).toBeLessThanOrEqual(139);
    expect(card?.summary).toMatch(/…; \+1 more lesion$/);
    // It was cut inside a field's name ("posterol…"): now after a whole one, each named in full by its label.
    const named = /provide (.*)…/.exec(card?.summary ?? '')?.[1]?.split(', ') ?? [];
    expect(named.length).toBeGreaterThan(0);
    for (const label of named) expect(['Pain', 'Bone lesion', 'Radiographic spinal alignment', 'Vertebral body collapse', 'Posterolateral involvement', 'Bilsky epidural spinal cord compression grade', 'Clinical myelopathy', 'Vertebral level']).toContain(label);
  });

  // helper-54 (reading cutAtWord): a name ending exactly where the room does was dropped with the comma after it.
  it('cuts after the last whole word that fits, a word ending at the room included', () => {
    expect(cutAtWord('provide pain, collapse, posterolateral', 21)).toBe('provide pain');
    expect(cutAtWord('provide pain, collapse, posterolateral', 22)).toBe('provide pain, collapse');
    expect(cutAtWord('provide pain, collapse, posterolateral', 24)).toBe('provide pain, collapse');
    expect(cutAtWord('provide pain, collapse, posterolateral', 30)).toBe('provide pain, collapse');
    expect(cutAtWord('provide pain, collapse, posterolateral', 38)).toBe('provide pain, collapse, posterolateral');
  });

  // The card's source.label named every rule set (~170 characters, where CDS Hooks asks for a short label),
  // and its summary asked to "provide estimatedSurvivalMonths, extraspinalBoneMetastasisCount" (QA, CDS Hooks 2.0).
  it('source.label is short and the summary names what to provide by the form\'s labels', async () => {
    const [card] = cards((await callService(hookRequest(unstablePrefetch))).json());
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(card?.source.label).toBe(`spinemets ${version}`);
    // The versions and hashes stay where they were, at the end of the detail.
    const records = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const { rulesets } = records.find((r) => r.decisionId === card?.uuid) as { rulesets: Array<{ id: string; version: string; sha256: string }> };
    for (const r of rulesets) expect(card?.detail).toContain(`${r.id} ${r.version} (sha256:${r.sha256.slice(0, 12)})`);
    expect(card?.summary).toMatch(/; provide Clinician's estimate of survival \(months\)/);
    expect(card?.summary).not.toMatch(/estimatedSurvivalMonths|extraspinalBoneMetastasisCount/);
    expect(card?.summary.length).toBeLessThan(140);
  });

  // A card built from another patient's resources was shown in this patient's chart.
  it('PATIENT_MISMATCH: refuses resources about another patient than the hook is for, at their id or subject', async () => {
    const { payload, problems } = await rejected({
      patient: { resourceType: 'Patient', id: 'B' },
      observations: bundle({ ...lesionObservation('l1', 'T12', UNSTABLE), subject: { reference: 'Patient/C' } }, { ...lesionObservation('l2', 'L3', UNSTABLE), subject: { reference: 'https://fhir.example/Patient/p1' } }),
    });
    expect(problems.map((p) => `${p.code} ${p.path}`)).toEqual(['PATIENT_MISMATCH /prefetch/patient/id', 'PATIENT_MISMATCH /prefetch/observations/entry/0/resource/subject/reference']);
    expect(problems[1]).toMatchObject(positionOf(payload, 'reference', '"Patient/C"'));
    // A reference that names no Patient by id (urn:uuid, a contained one) is the prefetch query's, as no subject is.
    const urn = await callService(hookRequest({ observations: bundle({ ...lesionObservation('l1', 'T12', UNSTABLE), subject: { reference: 'urn:uuid:3f0b1a2c-0000-4000-8000-000000000001' } }) }));
    expect(urn.statusCode).toBe(200);
  });

  // A FHIR element of another type than FHIR gives it (coding.code 50, component "x") was a 500 from a TypeError.
  it('a FHIR element of the wrong type is a 422 at its place, not a failure of the service', async () => {
    const malformed = { ...lesionObservation('l1', 'T12', UNSTABLE), component: 'x' };
    const { problems } = await rejected({ observations: bundle(malformed), conditions: bundle({ resourceType: 'Condition', id: 'c1', code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 50 }] } }) });
    expect(problems.map((p) => `${p.code} ${p.path}`)).toEqual(['SCHEMA_TYPE /prefetch/observations/entry/0/resource/component', 'SCHEMA_TYPE /prefetch/conditions/entry/0/resource/code/coding/0/code']);
  });

  it('leaves a value in a unit it cannot convert missing, and says so on the card', async () => {
    const prefetch = { observations: bundle({ resourceType: 'Observation', id: 'alb', status: 'final', code: concept(LOINC, '1751-7'), valueQuantity: { value: 380, system: UCUM, code: 'umol/L' } }, COUNTED) };
    const [card] = cards((await callService(hookRequest(prefetch))).json());
    expect(card?.detail).toContain('albumin (LOINC 1751-7) not used: 380 umol/L');
    const uuid = card?.uuid;
    const records = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(records.find((r) => r.decisionId === uuid).input).toEqual({ spinalMetastasisCount: 1 });
  });

  /** The card of a call, and the patient its decision was recorded on. */
  async function cardAndInput(prefetch: Record<string, unknown>): Promise<{ detail: string; input: Record<string, unknown> }> {
    const [card] = cards((await callService(hookRequest(prefetch))).json());
    const records = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    return { detail: card?.detail ?? '', input: records.find((r) => r.decisionId === card?.uuid).input };
  }

  // "2 years" of survival was read as 2 months (the unit dropped), and the plan said surgery is not
  // indicated; 3.0 g/L of albumin was read as 3.0 g/dL (QA of the service, helper-48).
  it('reads a field-system quantity only in a unit the field takes, and says so of any other', async () => {
    const { detail, input } = await cardAndInput({
      observations: bundle(
        field('estimatedSurvivalMonths', { valueQuantity: { value: 2, unit: 'years', system: UCUM, code: 'a' } }, 'surv'),
        field('albumin', { valueQuantity: { value: 38, system: UCUM, code: 'g/L' } }, 'alb'),
        field('karnofsky', { valueQuantity: { value: 70, system: UCUM, code: '%' } }, 'kps'),
        field('ecog', { valueQuantity: { value: 2 } }, 'ecog'),
        COUNTED,
      ),
    });
    expect(input).toEqual({ albumin: { value: 38, unit: 'g/L' }, ecog: 2, spinalMetastasisCount: 1 });
    expect(detail).toContain('estimatedSurvivalMonths (Observation surv) not used: 2 a is not in a unit this service reads for it');
    expect(detail).toContain('karnofsky (Observation kps) not used: 70 % is not in a unit this service reads for it');
  });

  // Two reads of T12 became two lesions, and the 2025 one (ESCC grade 3) drove a critical card beside the
  // 2026 one (grade 0) (QA of the service, helper-48).
  it('of several lesion Observations of one level takes the latest, and leaves a field two of the same time disagree on missing', async () => {
    const at = (date: string, observation: object) => ({ ...observation, effectiveDateTime: date });
    const { detail, input } = await cardAndInput({
      observations: bundle(
        at('2025-01-01', lesionObservation('old', 'T12', { collapse: 'over_50', bilskyGrade: '3' })),
        at('2026-11-01', lesionObservation('new', 'T12', { collapse: 'none', bilskyGrade: '0' })),
        at('2026-11-01', lesionObservation('l1-a', 'L1', { collapse: 'none', pain: 'mechanical' })),
        at('2026-11-01', lesionObservation('l1-b', 'L1', { collapse: 'under_50' })),
      ),
    });
    expect(input.lesions).toEqual([
      { id: 'new', level: 'T12', collapse: 'none', bilskyGrade: '0' },
      { id: 'l1-a', level: 'L1', pain: 'mechanical' },
    ]);
    expect(detail).toContain('Observation/old (lesion at T12) not used: Observation/new of that level is later');
    expect(detail).toContain('lesion at L1: collapse not set: Observations of the same time give none (Observation/l1-a) and under_50 (Observation/l1-b)');
  });

  // An OperationOutcome (the client could not prefetch) was a 422 (QA of the service, helper-48).
  it('says which prefetch keys could not be fetched, and reads nothing of them', async () => {
    const failed = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'timeout' }] };
    const { detail, input } = await cardAndInput({ patient: { resourceType: 'Patient', id: 'p1' }, observations: failed });
    expect(input).toEqual({ id: 'p1' });
    expect(detail).toContain('prefetch observations could not be fetched by the EHR (an OperationOutcome in its place): nothing of it is read');
    expect(detail).not.toContain('prefetch patient');
    expect(detail).not.toContain('prefetch conditions');
  });

  // With no prefetch, or a key of the discovery left out, the answer was 200 and a card "No spinal lesion in
  // the record: provide each lesion", why only at the end of its detail (QA, CDS Hooks 2.0: 412).
  it('PREFETCH_MISSING: a prefetch key of the discovery not sent is 412, each key named; one sent as null is not', async () => {
    const discovered = Object.keys((await app.inject({ method: 'GET', url: '/cds-services' })).json().services[0].prefetch);
    const { prefetch: _prefetch, ...withoutPrefetch } = hookRequest({});
    const none = await callService(withoutPrefetch);
    expect(none.statusCode).toBe(412);
    expect(none.json().problems.map((p: { code: string; path: string }) => `${p.code} ${p.path}`)).toEqual(discovered.map((key) => `PREFETCH_MISSING /prefetch/${key}`));
    const lesionOnly = { observations: bundle(lesionObservation('l1', 'T12', UNSTABLE)) };
    const partial = await callService({ ...hookRequest({}), prefetch: lesionOnly });
    expect(partial.statusCode).toBe(412);
    expect(partial.json().problems.map((p: { code: string; path: string }) => `${p.code} ${p.path}`)).toEqual(['PREFETCH_MISSING /prefetch/patient', 'PREFETCH_MISSING /prefetch/conditions']);
    const records = readFileSync(log, 'utf8');
    expect(records).not.toContain(JSON.stringify(withoutPrefetch.hookInstance));
    // Present as null: the EHR holds nothing for it, which is an answer.
    expect((await callService(hookRequest(lesionOnly))).statusCode).toBe(200);
  });

  // A preliminary lesion read, or a lesion whose bodySite is SNOMED, left the card saying "No spinal lesion
  // in the record" or "provide level", and nothing of why (QA of the service, helper-48).
  it('says why a lesion read is not used, or its level not read', async () => {
    const preliminary = { ...lesionObservation('pre', 'T12', { collapse: 'none' }), status: 'preliminary' };
    const snomed = { ...lesionObservation('sn', 'T12', {}), bodySite: concept('http://snomed.info/sct', '181842003') };
    const unmapped = { resourceType: 'Observation', id: 'other', status: 'preliminary', code: concept(LOINC, '8867-4') };
    const { detail, input } = await cardAndInput({ observations: bundle(preliminary, snomed, unmapped) });
    expect(input.lesions).toEqual([{ id: 'sn' }]);
    expect(detail).toContain('Observation/pre not used: its status is preliminary; only final, amended and corrected results count');
    expect(detail).toContain(`lesion sn: its level is not read: bodySite has no code of ${FIELD}`);
    expect(detail).not.toContain('Observation/other');
  });

  // A differential diagnosis of liver metastases set visceralMetastases (QA of the service, helper-48).
  it('does not take a diagnosis that is unconfirmed, provisional or differential as a finding', async () => {
    const condition = (id: string, verification: string) => ({
      resourceType: 'Condition',
      id,
      verificationStatus: concept('http://terminology.hl7.org/CodeSystem/condition-ver-status', verification),
      code: concept('http://hl7.org/fhir/sid/icd-10-cm', 'C78.00'),
    });
    const observations = bundle(COUNTED);
    const { detail, input } = await cardAndInput({ observations, conditions: bundle(condition('d1', 'differential'), condition('d2', 'provisional'), condition('d3', 'unconfirmed')) });
    expect(input).toEqual({ spinalMetastasisCount: 1 });
    for (const [id, status] of [['d1', 'differential'], ['d2', 'provisional'], ['d3', 'unconfirmed']]) expect(detail).toContain(`Condition/${id} (C78.00) not used: its diagnosis is ${status}, not confirmed`);
    expect((await cardAndInput({ observations, conditions: bundle(condition('d4', 'confirmed')) })).input).toEqual({ spinalMetastasisCount: 1, visceralMetastases: true });
  });

  // serve had no --hash-ids: a hospital pseudonymising its audit log could not, and the recorded card's
  // text names the patient (engineering list). The record keeps the card as built for the hashed ids.
  it('with hashed ids, records the patient of the hook and the text of the card with the ids hashed, and shows the card as is', async () => {
    const hashedLog = join(mkdtempSync(join(tmpdir(), 'spinemets-cds-hashed-')), 'audit.jsonl');
    const hashing = await testApp({ recorder: createDecisionRecorder(hashedLog, { hashIds: true }) });
    try {
      // A lesion Observation whose id holds a record number, with a finding the service cannot read: the
      // notes name it, and they are recorded with the card (regression QA, helper-51: in clear).
      const base = lesionObservation('MRN778899-lesion-T12', 'T12', UNSTABLE) as { component: object[] };
      const lesion = { ...base, effectiveDateTime: '2026-11-20', component: [...base.component, { code: concept(FIELD, 'priorRadiotherapyAtLevel'), valueQuantity: { value: 1, unit: 'x' } }] };
      const older = { ...lesionObservation('MRN778899-lesion-T12-old', 'T12', UNSTABLE), effectiveDateTime: '2025-01-02' };
      const request = hookRequest({ ...unstablePrefetch, observations: bundle(...(unstablePrefetch.observations.entry.map((e: { resource: object }) => e.resource).filter((r) => (r as { id: string }).id !== 'lesion-t12')), lesion, older) });
      const response = await hashing.inject({ method: 'POST', url: '/cds-services/spinemets-spine', payload: JSON.stringify(request), headers: { 'content-type': 'application/json' } });
      const [card] = response.json().cards;
      expect(card.detail).toContain('Patient p1');
      expect(card.detail).toContain('MRN778899-lesion-T12');
      const [record] = readFileSync(hashedLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const hashed = `sha256:${createHash('sha256').update('p1').digest('hex')}`;
      expect(record.idsHashed).toBe(true);
      expect(record.input.id).toBe(hashed);
      expect(record.request.patientId).toBe(hashed);
      expect(record.request.card.detail).toContain(`Patient ${hashed}`);
      expect(JSON.stringify(record.request)).not.toMatch(/\bp1\b/);
      expect(readFileSync(hashedLog, 'utf8')).not.toContain('MRN778899');
      expect(record.request.notes.join('\n')).toContain(`lesion sha256:${createHash('sha256').update('MRN778899-lesion-T12').digest('hex')}`);
      expect(record.request.card.summary).toBe(card.summary);
      expect(verifyLog(hashedLog).problems).toEqual([]);
    } finally {
      await hashing.close();
    }
  });

  it('records the call and the card as shown with the decision, which the report shows and verify seals', async () => {
    const request = hookRequest({ observations: bundle({ resourceType: 'Observation', id: 'alb', status: 'final', code: concept(LOINC, '1751-7'), valueQuantity: { value: 380, system: UCUM, code: 'umol/L' } }, COUNTED) });
    const [card] = cards((await callService(request)).json());
    const records = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const record = records.find((r) => r.decisionId === card?.uuid);
    // The card's text is what no replay rebuilds: it rests on the service's configuration too.
    expect(record.request).toEqual({
      via: 'cds-hooks',
      service: 'spinemets-spine',
      hook: 'patient-view',
      hookInstance: request.hookInstance,
      // No Patient resource in this prefetch: the context's patientId is what names the patient (QA of the service, helper-48).
      patientId: 'p1',
      userId: 'Practitioner/1',
      notes: [expect.stringContaining('albumin (LOINC 1751-7) not used: 380 umol/L')],
      card,
    });
    expect(verifyLog(log).problems).toEqual([]);
    const html = renderReport({ evaluation: { ...record.outputs, trace: record.trace, rulesets: record.rulesets }, record });
    expect(html).toContain('Asked for by CDS Hooks');
    expect(html).toContain(`data-card-summary>${card?.summary.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}<`);
    // An edit of the card the clinician saw breaks the record's seal like any other edit.
    const edited = readFileSync(log, 'utf8').replace(JSON.stringify(card?.summary), JSON.stringify('All clear'));
    const copy = join(mkdtempSync(join(tmpdir(), 'spinemets-cds-edit-')), 'audit.jsonl');
    writeFileSync(copy, edited);
    cpSync(rulesetStoreDir(log), rulesetStoreDir(copy), { recursive: true });
    expect(verifyLog(copy).problems.map((p) => p.code)).toContain('AUDIT_RECORD_EDITED');

    // An edited request of any shape is still shown, by the report an auditor needs most then; it once
    // failed inside the page and was reported as OUTPUT_UNWRITABLE.
    const mangled = JSON.stringify({ ...record, request: { via: 'cds-hooks', card: null } });
    const mangledLog = join(mkdtempSync(join(tmpdir(), 'spinemets-cds-edit-')), 'audit.jsonl');
    writeFileSync(mangledLog, `${mangled}\n`);
    cpSync(rulesetStoreDir(log), rulesetStoreDir(mangledLog), { recursive: true });
    const out = join(mangledLog, '..', 'report.html');
    const report = spawnSync(process.execPath, [CLI, 'report', mangledLog, '--html', out], { encoding: 'utf8' });
    expect(report.stderr).not.toContain('OUTPUT_UNWRITABLE');
    expect(readFileSync(out, 'utf8')).toContain('Asked for by CDS Hooks');
  });

  it('rejects a malformed hook request with field paths, and an unknown service with 404', async () => {
    const bad = await callService({ hook: 'patient-view', hookInstance: 'not-a-uuid', prefetch: {} });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().problems.map((p: { code: string; path: string }) => `${p.code} ${p.path}`).sort()).toEqual(['SCHEMA_PATTERN /hookInstance', 'SCHEMA_REQUIRED /context']);
    const mapped = await callService(hookRequest({ observations: bundle(field('karnofsky', { valueInteger: 75 })) }));
    expect(mapped.statusCode).toBe(422);
    expect(mapped.json().problems[0]).toMatchObject({ code: 'SCHEMA_INVALID', path: '/prefetch/observations/entry/0/resource/valueInteger', patientPath: '/karnofsky', message: expect.stringContaining('multiple of 10') });
    expect((await app.inject({ method: 'POST', url: '/cds-services/other', payload: '{}', headers: json })).statusCode).toBe(404);
  });

  // token_type "bearer" (RFC 6749: case-insensitive) was 422 SCHEMA_ENUM and a missing subject 422, over a
  // token this service never uses: the whole decision was lost (QA, CDS Hooks 2.0).
  it('SCHEMA_ENUM: fields of fhirAuthorization and fhirServer the service does not use cost no decision', async () => {
    const fhirAuthorization = { access_token: 'opaque', token_type: 'bearer', expires_in: 300, scope: 'patient/Observation.read' };
    const taken = await callService({ ...hookRequest(unstablePrefetch), fhirServer: 'fhir.example.org/r4', fhirAuthorization });
    expect(taken.statusCode).toBe(200);
    expect(cards(taken.json())[0]?.indicator).toBe('critical');
    // null, which some clients send for no authorization, was 422 SCHEMA_TYPE: it is taken as absent (QA).
    const none = await callService({ ...hookRequest(unstablePrefetch), fhirAuthorization: null });
    expect(none.statusCode).toBe(200);
    expect(cards(none.json())[0]?.indicator).toBe('critical');
    // What is neither an object nor null is still refused.
    const refused = await callService({ ...hookRequest(unstablePrefetch), fhirAuthorization: 'Bearer opaque' });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().problems.map((p: { code: string; path: string }) => `${p.code} ${p.path}`)).toEqual(['SCHEMA_TYPE /fhirAuthorization']);
  });

  // A valid request skips the positioned reader; a key JSON.parse takes without a word must not skip it.
  it('FORBIDDEN_KEY: a prefetched resource with a __proto__ key is rejected at the key', async () => {
    const payload = JSON.stringify(hookRequest(unstablePrefetch), null, 2).replace('"birthDate"', '"__proto__": { "polluted": true },\n    "birthDate"');
    const response = await callPayload(payload);
    expect(response.statusCode).toBe(400);
    const key = positionOf(payload, '__proto__', '"__proto__"');
    expect(response.json().problems.map((p: { code: string; line: number; column: number }) => `${p.code}@${p.line}:${p.column}`)).toEqual([`FORBIDDEN_KEY@${key.line}:${key.column}`]);
  });

  // The prefetch value's "null or a resource" union hid the resource's own problem: no problem was reported.
  it('SCHEMA_REQUIRED: a prefetched resource without its resourceType', async () => {
    const bad = await callService(hookRequest({ patient: { id: 'p1' } }));
    expect(bad.statusCode).toBe(422);
    expect(bad.json().problems.map((p: { code: string; path: string }) => `${p.code} ${p.path}`)).toEqual(['SCHEMA_REQUIRED /prefetch/patient/resourceType']);
  });

  // The mapped patient was checked as JSON text, where a prefetch's 1e400 (Infinity) became null: "got null".
  it('rejects a prefetch value that is not a finite number with 422, not as null', async () => {
    const payload = JSON.stringify(hookRequest({ observations: bundle(field('karnofsky', { valueInteger: 70 })) })).replace('"valueInteger":70', '"valueInteger":1e400');
    const response = await callPayload(payload);
    expect(response.statusCode).toBe(422);
    const [problem] = response.json().problems;
    // Named as the request wrote it, at its place there (the request's schema types valueInteger, before any mapping).
    expect(problem).toMatchObject({ code: 'SCHEMA_TYPE', path: '/prefetch/observations/entry/0/resource/valueInteger', message: expect.stringContaining('1e400 (not a finite number)') });
    expect(problem).toMatchObject(positionOf(payload, 'valueInteger', '1e400'));
    expect(problem.message).not.toContain('null');
  });

  // The mapped patient was checked as a YAML document of its own: "line 7 column 3" of a text the client never saw.
  it('a prefetch value the patient contract rejects is reported at its place in the request, not in an internal document', async () => {
    const prefetch = {
      observations: bundle(
        { resourceType: 'Observation', id: 'alb-old', status: 'final', code: concept(LOINC, '1751-7'), effectiveDateTime: '2026-01-02', valueQuantity: { value: 3.1, system: UCUM, code: 'g/dL' } },
        field('karnofsky', { valueInteger: 70 }),
        // The latest albumin is the one used, so the one named: 123 g/L is above the contract's 100.
        { resourceType: 'Observation', id: 'alb', status: 'final', code: concept(LOINC, '1751-7'), effectiveDateTime: '2026-11-20', valueQuantity: { value: 123, system: UCUM, code: 'g/L' } },
      ),
    };
    const { payload, problems } = await rejected(prefetch);
    expect(problems.map(where)).toEqual(['SCHEMA_RANGE /prefetch/observations/entry/2/resource/valueQuantity/value /albumin/value Observation/alb']);
    expect(problems[0]).toMatchObject(positionOf(payload, 'value', '123'));
  });

  it('a lesion finding coded outside the patient enum is reported at its component, with the lesion field it maps to', async () => {
    const prefetch = { patient: { resourceType: 'Patient', id: 'p1' }, observations: bundle(lesionObservation('lesion-t12', 'T12', { ...UNSTABLE, bilskyGrade: '4' })) };
    const { payload, problems } = await rejected(prefetch);
    expect(problems.map(where)).toEqual(['SCHEMA_ENUM /prefetch/observations/entry/0/resource/component/5/valueCodeableConcept/coding/0/code /lesions/0/bilskyGrade Observation/lesion-t12']);
    expect(problems[0]).toMatchObject(positionOf(payload, 'bilskyGrade', '"4"'));
  });

  it('an age the contract rejects is reported at the birthDate it was computed from', async () => {
    const { payload, problems } = await rejected({ patient: { resourceType: 'Patient', id: 'p1', birthDate: '1850-06-01' } });
    expect(problems.map(where)).toEqual(['SCHEMA_RANGE /prefetch/patient/birthDate /age Patient/p1']);
    expect(problems[0]).toMatchObject(positionOf(payload, 'birthDate', '"1850-06-01"'));
  });

  it('a condition code outside the primary tumour enum is reported at the coding it came from', async () => {
    const condition = {
      resourceType: 'Condition',
      id: 'c1',
      code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'C79.51' }, { system: 'https://spinemets.invalid/fhir/CodeSystem/primaryTumor', code: 'renal' }] },
    };
    const { problems } = await rejected({ conditions: bundle(condition) });
    expect(problems.map(where)).toEqual(['SCHEMA_ENUM /prefetch/conditions/entry/0/resource/code/coding/1/code /primaryTumor Condition/c1']);
  });

  it('a field code the contract does not know is reported at the code that named it, not at its value', async () => {
    const { problems } = await rejected({ observations: bundle(field('karnofksy', { valueInteger: 70 }, 'kps')) });
    expect(problems.map(where)).toEqual(['SCHEMA_UNKNOWN_KEY /prefetch/observations/entry/0/resource/code/coding/0/code /karnofksy Observation/kps']);
  });

  // A code `__proto__` was assigned as a field, replaced the mapped patient's prototype and vanished,
  // where `karnofksy` is a 422 (QA of the service, helper-48).
  it('a field-system code __proto__ is an unknown field like any other, not dropped', async () => {
    const { problems } = await rejected({ observations: bundle(field('__proto__', { valueInteger: 70 }, 'proto'), { ...lesionObservation('l1', 'T12', {}), component: [{ code: concept(FIELD, '__proto__'), valueCodeableConcept: concept(FIELD, 'x') }] }) });
    expect(problems.map(where)).toEqual([
      'SCHEMA_UNKNOWN_KEY /prefetch/observations/entry/0/resource/code/coding/0/code /__proto__ Observation/proto',
      'SCHEMA_UNKNOWN_KEY /prefetch/observations/entry/1/resource/component/0/code/coding/0/code /lesions/0/__proto__ Observation/l1',
    ]);
  });

  it('a count the listed lesions contradict is reported at the Observation that gave the count', async () => {
    const prefetch = { observations: bundle(lesionObservation('l1', 'T11', {}), lesionObservation('l2', 'T12', {}), field('spinalMetastasisCount', { valueInteger: 1 }, 'count')) };
    const { problems } = await rejected(prefetch);
    expect(problems.map(where)).toEqual(['INCONSISTENT_INPUT /prefetch/observations/entry/2/resource/valueInteger /spinalMetastasisCount Observation/count']);
  });

  it('a problem no single resource caused (more lesions than vertebrae) is reported at the prefetch, naming the patient field', async () => {
    // Without a level, each Observation is a lesion of its own (of one level, the latest would stand).
    const lesions = Array.from({ length: 34 }, (_, i) => ({ ...lesionObservation(`l${i}`, 'T12', {}), bodySite: undefined }));
    const { problems } = await rejected({ observations: bundle(...lesions) });
    expect(problems.map(where)).toEqual(['SCHEMA_RANGE /prefetch /lesions']);
    expect(problems[0]).not.toHaveProperty('resource');
  });

  /** What a feedback file holds, one entry a line; the file is the record (nothing is kept in memory). */
  const storedFeedback = (file = join(log, '..', 'feedback.jsonl')): Array<Record<string, unknown>> =>
    existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) : [];

  it('stores feedback (accepted or overridden) with the decision id', async () => {
    const [card] = cards((await callService(hookRequest(unstablePrefetch))).json());
    const entry = { card: card?.uuid, outcome: 'overridden', overrideReason: { reason: { system: 'http://example.org/reasons', code: 'patient-declined' }, userComment: 'prefers cEBRT' }, outcomeTimestamp: '2026-11-27T18:00:00Z' };
    const body = { feedback: [entry] };
    expect(validator('cds-hooks-feedback')(body)).toBe(true);
    const response = await app.inject({ method: 'POST', url: '/cds-services/spinemets-spine/feedback', payload: JSON.stringify(body), headers: json });
    expect(response.statusCode).toBe(200);
    expect(storedFeedback().at(-1)).toMatchObject({ decisionId: card?.uuid, outcome: 'overridden', service: 'spinemets-spine', overrideReason: { userComment: 'prefers cEBRT' } });

    const wrong = await app.inject({ method: 'POST', url: '/cds-services/spinemets-spine/feedback', payload: JSON.stringify({ feedback: [{ ...entry, outcome: 'maybe' }] }), headers: json });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().problems[0]).toMatchObject({ code: 'SCHEMA_ENUM', path: '/feedback/0/outcome' });
  });

  const feedbackOn = (service: FastifyInstance, ...ids: string[]) => service.inject({
    method: 'POST',
    url: '/cds-services/spinemets-spine/feedback',
    payload: JSON.stringify({ feedback: ids.map((card) => ({ card, outcome: 'accepted', outcomeTimestamp: '2026-12-07T10:00:00Z' })) }),
    headers: json,
  });

  it('refuses feedback on a card it never issued, naming each unknown card, and stores none of the request', async () => {
    const [card] = cards((await callService(hookRequest(unstablePrefetch))).json());
    const before = storedFeedback().length;
    const response = await feedbackOn(app, card?.uuid as string, randomUUID(), randomUUID());
    expect(response.statusCode).toBe(404);
    expect(response.json().problems.map((p: { code: string; path: string }) => `${p.code} ${p.path}`)).toEqual(['UNKNOWN_CARD /feedback/1/card', 'UNKNOWN_CARD /feedback/2/card']);
    expect(storedFeedback().length).toBe(before);
  });

  it('takes feedback on a card recorded in its audit log by an earlier process, but not on a decision that was no card', async () => {
    const [card] = cards((await callService(hookRequest(unstablePrefetch))).json());
    // /evaluate records its decisions in the same log; no clinician was shown them as a card.
    const evaluated = await app.inject({ method: 'POST', url: '/evaluate', payload: JSON.stringify(samePatient), headers: json });
    const { decisionId } = evaluated.json() as { decisionId: string };
    expect(readFileSync(log, 'utf8')).toContain(decisionId);
    // A restart: a new service on the same log knows the card only from the log.
    const stored = join(mkdtempSync(join(tmpdir(), 'spinemets-feedback-')), 'feedback.jsonl');
    const restarted = await testApp({ feedback: createFeedbackStore(stored), recorder: createDecisionRecorder(log) });
    try {
      // A uuid in capitals is the same card (RFC 4122), stored as issued.
      expect((await feedbackOn(restarted, (card?.uuid as string).toUpperCase())).statusCode).toBe(200);
      expect(storedFeedback(stored).map((e) => e.decisionId)).toEqual([card?.uuid]);
      expect((await feedbackOn(restarted, decisionId)).statusCode).toBe(404);
      expect((await feedbackOn(app, decisionId)).statusCode).toBe(404);
      expect((await feedbackOn(restarted, randomUUID())).statusCode).toBe(404);
    } finally {
      await restarted.close();
    }
  });

  it('without an audit log, knows the cards of this process only', async () => {
    const unrecorded = await testApp({ feedback: createFeedbackStore(undefined) });
    const restarted = await testApp({ feedback: createFeedbackStore(undefined) });
    try {
      const response = await unrecorded.inject({ method: 'POST', url: '/cds-services/spinemets-spine', payload: JSON.stringify(hookRequest(unstablePrefetch)), headers: json });
      const [card] = cards(response.json());
      expect((await feedbackOn(unrecorded, card?.uuid as string)).statusCode).toBe(200);
      const forgotten = await feedbackOn(restarted, card?.uuid as string);
      expect(forgotten.statusCode).toBe(404);
      expect(forgotten.json().problems[0]).toMatchObject({ code: 'UNKNOWN_CARD', path: '/feedback/0/card' });
    } finally {
      await unrecorded.close();
      await restarted.close();
    }
  });
});
