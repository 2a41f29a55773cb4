import type { FastifyInstance, FastifyReply } from 'fastify';
import { checkPatient } from '../../patient/load-patient.js';
import type { RecordedRequest } from '../../audit/decision-record.js';
import type { Evaluation } from '../../engine/types.js';
import type { Problem } from '../../problems/problem.js';
import type { AppOptions } from '../app.js';
import { buildCard } from '../cds-card.js';
import { hashId } from '../../audit/hash-ids.js';
import { notesWithHashedIds } from '../hashed-notes.js';
import type { CdsConfig } from '../cds-config.js';
import { decide } from '../decide.js';
import type { FeedbackEntry } from '../feedback-store.js';
import { fhirToPatient } from '../fhir-to-patient.js';
import { missingPrefetch, prefetchGaps } from '../prefetch-gaps.js';
import { showsSpinalDisease } from '../spinal-disease.js';
import { canonicalDecisionId } from '../../audit/decision-record.js';
import { issuedCards } from '../issued-cards.js';
import { otherPatientProblems } from '../prefetch-subject.js';
import { methodNotAllowed, problem, sendProblems } from '../http-problems.js';
import { parseJsonBody } from '../json-body.js';
import { mappedPatientSource } from '../mapped-patient-source.js';

interface HookRequest {
  hook: string;
  hookInstance: string;
  context: { patientId: string; userId: string };
  prefetch?: Record<string, unknown>;
}

interface FeedbackRequest {
  feedback: Array<Omit<FeedbackEntry, 'decisionId' | 'service' | 'receivedAt'> & { card: string }>;
}

/**
 * CDS Hooks 2.0: discovery, the service (FHIR prefetch → patient → decision → one card) and feedback.
 * Requests are checked against schemas/cds-hooks-*.schema.json like any other body.
 */
export async function cdsHooksRoutes(app: FastifyInstance, options: AppOptions): Promise<void> {
  const { service, fhir } = options.cds;
  const issued = issuedCards(options.recorder?.log);
  // What the discovery asks the EHR to prefetch, and each call is checked against: the config's alone.
  const templates = prefetchTemplates(options.cds);

  const discovery = async () => ({
    services: [{ hook: service.hook, id: service.id, title: service.title, description: service.description, prefetch: templates }],
  });
  app.get('/cds-services', discovery);
  // Any other method than POST on a service's URL, OPTIONS too: the router alone answered 405 for any id,
  // as if every service existed, with an Allow naming every method these routes take.
  for (const url of ['/cds-services/:id', '/cds-services/:id/feedback']) {
    app.route<{ Params: { id: string } }>({
      method: app.supportedMethods.filter((method) => method !== 'POST'),
      url,
      handler: async (request, reply) => (request.params.id === service.id ? methodNotAllowed(reply, request.url.split('?')[0] ?? '', request.method, ['POST']) : unknownService(reply, request.params.id)),
    });
  }

  app.post<{ Params: { id: string } }>('/cds-services/:id', async (request, reply) => {
    if (request.params.id !== service.id) return unknownService(reply, request.params.id);
    const body = parseJsonBody<HookRequest>(request.body, 'cds-hooks-request');
    if (!body.value) return sendProblems(reply, body.problems);
    const { value: hook, source } = body;
    if (hook.hook !== service.hook) return sendProblems(reply, [problem('SCHEMA_ENUM', `this service answers the ${service.hook} hook, not ${hook.hook}`, { path: '/hook' })]);

    const missing = missingPrefetch(hook.prefetch, templates, source);
    if (missing.length) return sendProblems(reply, missing);
    const prefetch = hook.prefetch ?? {};
    const otherPatient = otherPatientProblems(prefetch, hook.context.patientId, source);
    if (otherPatient.length) return sendProblems(reply, otherPatient);
    const mapped = fhirToPatient(prefetch, fhir, new Date());
    const gaps = prefetchGaps(prefetch, templates);
    mapped.notes.unshift(...gaps.map((gap) => gap.note));
    // What of the Observation search was not read may hold lesions, or another sign of spinal disease.
    const unseen = gaps.filter((gap) => gap.observations);
    // What the search found beyond the Bundle may hold more lesions: the ones read are not all, and their
    // number no count of the vertebrae involved (it would be the lowest count possible).
    if (mapped.patient.lesions && unseen.some((gap) => gap.inPart)) mapped.patient.lesionsIncomplete = true;
    // The mapped patient meets the same contract as a patient file; its problems point where the request
    // gave each value, since the client never sees the mapped patient.
    const { patient, problems: patientProblems } = checkPatient(mappedPatientSource(mapped, source, ['prefetch']));
    if (!patient) return sendProblems(reply, patientProblems);
    // No sign of spinal metastatic disease, the Observations read in full: no decision support for this chart
    // (CDS Hooks: an empty cards array), where every chart opened showed a card asking for lesions. Without
    // card.spinalDisease (a config older than it; serve warns at start) no record is taken to lack a sign.
    const signs = options.cds.card.spinalDisease;
    if (signs && !unseen.length && !showsSpinalDisease(prefetch, fhir, signs)) return { cards: [] };
    const snapshot = options.rules.current();
    // The card names the decision, and the record keeps the card: built before the decision is recorded.
    // With hashed ids (--hash-ids), what is recorded is what one who knows only the hashes would be shown.
    const shown = (evaluation: Evaluation, decisionId: string, hashed = false): RecordedRequest => {
      const notes = hashed ? notesWithHashedIds(mapped.notes, prefetch) : mapped.notes;
      return {
        via: 'cds-hooks',
        service: service.id,
        hook: hook.hook,
        hookInstance: hook.hookInstance,
        patientId: hashed ? hashId(hook.context.patientId) : hook.context.patientId,
        userId: hook.context.userId,
        notes,
        card: buildCard(evaluation, decisionId, snapshot.rulesets, options.cds.card, notes, { unread: unseen.map((gap) => gap.key), unusedStatuses: mapped.unusedLesionStatuses }),
      };
    };
    const { decision, problems: recordProblems } = await decide(patient, snapshot, options.recorder, shown);
    if (!decision?.request) return sendProblems(reply, recordProblems);
    reply.header('x-ruleset-generation', String(snapshot.generation));
    issued.add(decision.decisionId);
    // What joins this request to the EHR's hook call and to the audit record; no patient data.
    request.log.info({ hookInstance: hook.hookInstance, decisionId: decision.decisionId }, 'card issued');
    return { cards: [decision.request.card] };
  });

  app.post<{ Params: { id: string } }>('/cds-services/:id/feedback', async (request, reply) => {
    if (request.params.id !== service.id) return unknownService(reply, request.params.id);
    const { value, problems } = parseJsonBody<FeedbackRequest>(request.body, 'cds-hooks-feedback');
    if (!value) return sendProblems(reply, problems);
    // Feedback on a card this service never issued would sit in the record beside no decision: the whole
    // request is refused, every unknown card named, so the client can resend it without duplicates.
    const unknown: Problem[] = [];
    for (const [i, { card }] of value.feedback.entries()) {
      if (await issued.has(card)) continue;
      const where = options.recorder ? 'or recorded in its audit log' : 'since it started (without --record a restart forgets the cards)';
      unknown.push(problem('UNKNOWN_CARD', `no card ${card} was issued by this service ${where}`, { path: `/feedback/${i}/card` }));
    }
    if (unknown.length) return sendProblems(reply, unknown);
    const receivedAt = new Date().toISOString();
    const entries = value.feedback.map(({ card, ...rest }): FeedbackEntry => ({ decisionId: canonicalDecisionId(card), service: service.id, ...rest, receivedAt }));
    const failed = options.feedback.append(entries);
    if (failed.length) return sendProblems(reply, failed);
    return {};
  });
}

function unknownService(reply: FastifyReply, id: string): FastifyReply {
  return sendProblems(reply, [problem('UNKNOWN_SERVICE', `no CDS service "${id}"; GET /cds-services lists them`, { path: '/id' })]);
}

/** What the EHR should send along: the patient, the observations this service maps, active conditions. */
function prefetchTemplates(config: CdsConfig): Record<string, string> {
  const codes = [...config.fhir.observations.flatMap((o) => o.loinc.map((c) => `http://loinc.org|${c}`)), `${config.fhir.fieldSystem}|`];
  return {
    patient: 'Patient/{{context.patientId}}',
    observations: `Observation?patient={{context.patientId}}&status=final,amended,corrected&code=${codes.join(',')}`,
    conditions: 'Condition?patient={{context.patientId}}&clinical-status=active',
  };
}
