import type { FastifyInstance } from 'fastify';
import { TRACE_LEVELS, withTraceLevel, type TraceLevel } from '../../engine/trace-level.js';
import { parsePatientJson } from '../../patient/load-patient.js';
import type { AppOptions } from '../app.js';
import { decide } from '../decide.js';
import { problem, REQUEST_BODY, sendProblems } from '../http-problems.js';
import { nestingProblem, WITHIN_BODY_LIMIT } from '../json-body.js';

/** `?trace=none|rules|full`, default full as for `spinemets evaluate`. */
export function traceLevel(query: unknown, fallback: TraceLevel): TraceLevel | undefined {
  const given = (query as { trace?: unknown } | undefined)?.trace;
  if (given === undefined) return fallback;
  return TRACE_LEVELS.find((l) => l === given);
}

/**
 * POST /evaluate: the patient (the CLI's input contract, JSON) in, the CLI's `--format json` output
 * back, plus `decisionId` and `generation` (which snapshot of the rule sets answered).
 */
export async function evaluateRoutes(app: FastifyInstance, options: AppOptions): Promise<void> {
  app.post('/evaluate', async (request, reply) => {
    const trace = traceLevel(request.query, options.trace ?? 'full');
    if (!trace) return sendProblems(reply, [problem('SCHEMA_ENUM', `trace must be one of ${TRACE_LEVELS.join(', ')}`, { path: '?trace' })], 400);
    const text = String(request.body ?? '');
    const deep = nestingProblem(text);
    const { patient, problems } = deep ? { patient: undefined, problems: [deep] } : parsePatientJson(text, REQUEST_BODY, WITHIN_BODY_LIMIT);
    if (!patient) return sendProblems(reply, problems);
    const snapshot = options.rules.current();
    const { decision, problems: recordProblems } = await decide(patient, snapshot, options.recorder);
    if (!decision) return sendProblems(reply, recordProblems);
    reply.header('x-ruleset-generation', String(snapshot.generation));
    return { ...withTraceLevel(decision.evaluation, trace), decisionId: decision.decisionId, generation: snapshot.generation };
  });
}
