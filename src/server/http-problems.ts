import type { FastifyReply } from 'fastify';
import type { Problem, ProblemCode } from '../problems/problem.js';

/**
 * Problems at the HTTP edge: the same `{code, message, path, line, column}` data the CLI prints as
 * `file:line:column CODE message`, sent as JSON with the status that says whose fault it is.
 */
export interface ProblemsBody {
  problems: Array<Omit<Problem, 'file'>>;
}

const STATUS: Partial<Record<ProblemCode, number>> = {
  JSON_SYNTAX: 400,
  ENCODING_INVALID: 400,
  YAML_SYNTAX: 400,
  YAML_TAB_INDENT: 400,
  DUPLICATE_KEY: 400,
  FORBIDDEN_KEY: 400,
  NESTING_TOO_DEEP: 400,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  JWT_MALFORMED: 401,
  JWT_ALGORITHM: 401,
  JWT_ISSUER_NOT_ALLOWED: 401,
  JWT_JKU_NOT_ALLOWED: 401,
  JWT_SIGNATURE: 401,
  JWT_EXPIRED: 401,
  JWT_NOT_YET_VALID: 401,
  JWT_AUDIENCE: 401,
  JWT_CLAIM_MISSING: 401,
  JWT_REPLAYED: 401,
  // The service cannot check the token now; the client's may well be good.
  JWT_KEYS_UNAVAILABLE: 503,
  JWT_REPLAY_CACHE_FULL: 503,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  UNKNOWN_SERVICE: 404,
  UNKNOWN_CARD: 404,
  PREFETCH_MISSING: 412,
  BODY_TOO_LARGE: 413,
  FILE_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  REQUEST_TIMEOUT: 408,
  SHUTTING_DOWN: 503,
};

/** The most basic failure decides: a body that cannot be read is 400 even if it also fails the schema. */
export function statusFor(problems: readonly Problem[]): number {
  const statuses = problems.filter((p) => p.severity === 'error').map((p) => STATUS[p.code] ?? (p.code.startsWith('AUDIT_') || p.code.endsWith('_FAILED') || p.code === 'INTERNAL_ERROR' ? 500 : 422));
  return statuses.find((s) => s >= 500) ?? (statuses.length ? Math.min(...statuses) : 422);
}

/**
 * The request body is the client's document: its name is not worth repeating in every problem. Any other
 * field a problem carries is sent (a CDS Hooks prefetch problem's `patientPath` and `resource`).
 */
export function problemsBody(problems: readonly Problem[]): ProblemsBody {
  // A line and column in a file of the server's own (the audit log) would read as a place in the body.
  return { problems: problems.map(({ file, line, column, ...rest }) => (file === undefined || file === REQUEST_BODY ? { ...rest, ...(line !== undefined ? { line } : {}), ...(column !== undefined ? { column } : {}) } : rest)) };
}

export function sendProblems(reply: FastifyReply, problems: readonly Problem[], status = statusFor(problems)): FastifyReply {
  // The service's own failure (an audit log it cannot write): the operator reads why in the log, not only a 500.
  if (status >= 500) reply.log.error({ problems: problems.map((p) => `${p.code}: ${p.message}`) }, 'request failed on the service side');
  // The client's: codes and paths say what was refused and where; messages are left out, since they
  // may quote the values the client sent (a patient's).
  else reply.log.info({ statusCode: status, problems: problems.map(({ code, path }) => (path === undefined ? { code } : { code, path })) }, 'request refused');
  return reply.code(status).type('application/json; charset=utf-8').send(problemsBody(problems));
}

/** A route asked with a method it does not take: 405, `Allow` naming the methods it takes. */
export function methodNotAllowed(reply: FastifyReply, path: string, method: string, allowed: readonly string[]): FastifyReply {
  return sendProblems(reply.header('allow', allowed.join(', ')), [problem('METHOD_NOT_ALLOWED', `${path} takes ${allowed.join(', ')}, not ${method}`)]);
}

export function problem(code: ProblemCode, message: string, extra: Partial<Problem> = {}): Problem {
  return { code, severity: 'error', message, ...extra };
}

/** The name problems in a request's body carry as their file; the client knows which body it sent. */
export const REQUEST_BODY = 'request body';
