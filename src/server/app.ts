import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import pino, { type DestinationStream } from 'pino';
import type { DecisionRecorder } from '../audit/decision-recorder.js';
import type { TraceLevel } from '../engine/trace-level.js';
import type { ReloadOutcome, RuleSetsSnapshot } from '../ruleset/live-rule-sets.js';
import { registerBearerAuth } from './auth.js';
import type { CdsConfig } from './cds-config.js';
import type { FeedbackStore } from './feedback-store.js';
import { methodNotAllowed, problem, problemsBody, sendProblems } from './http-problems.js';
import { BODY_LIMIT_BYTES, BodyProblems, registerJsonBody } from './json-body.js';
import { loggerOptions } from './log-redaction.js';
import { REQUEST_ID_HEADER, requestId } from './request-id.js';
import { batchRoutes } from './routes/batch.js';
import { cdsHooksRoutes } from './routes/cds-hooks.js';
import { evaluateRoutes } from './routes/evaluate.js';
import { pageRoutes } from './routes/page.js';
import { rulesetRoutes } from './routes/rulesets.js';

/** Where requests take their rule sets from: LiveRuleSets in the service, a fixed snapshot in tests. */
export interface RuleSetSource {
  current(): RuleSetsSnapshot;
  /** Of live rule sets: what became of the latest reload (undefined before the first). */
  lastReload?(): ReloadOutcome | undefined;
}

export interface AppOptions {
  rules: RuleSetSource;
  cds: CdsConfig;
  feedback: FeedbackStore;
  /** With --record: every decision is recorded before it is answered. */
  recorder?: DecisionRecorder;
  /** With --token-file: the bearer token every route but /health needs. */
  token?: string;
  /** The largest body, and /batch line, taken in bytes (serve --body-limit; default BODY_LIMIT_BYTES, 1 MiB). */
  bodyLimit?: number;
  /** The trace level when a request names none (else full for /evaluate, rules for /batch, as in the CLI). */
  trace?: TraceLevel;
  /** Logs go here (default standard output); `level: 'silent'` for none. */
  log?: { level: string; stream?: DestinationStream };
}

/** Every route the service has, shared by `spinemets serve` and the tests (which use `app.inject`). */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const bodyLimit = options.bodyLimit ?? BODY_LIMIT_BYTES;
  // Typed as fastify's base logger so routes see the same instance type as plugins written for fastify.
  const logger: FastifyBaseLogger = pino(loggerOptions(options.log?.level ?? 'info'), options.log?.stream ?? process.stdout);
  const app = Fastify({
    loggerInstance: logger,
    genReqId: (request) => requestId(request.headers[REQUEST_ID_HEADER]),
    bodyLimit,
    // Ids in paths are short; longer ones are not ours.
    routerOptions: { maxParamLength: 200 },
    return503OnClosing: true,
    // The router's own rejections (a malformed percent-encoding, an over-long id) in our problem format too.
    frameworkErrors: (error, request, reply) => {
      reply.header(REQUEST_ID_HEADER, request.id);
      if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return sendProblems(reply, [problem('BAD_REQUEST', 'a path parameter is longer than 200 characters')], 414);
      return sendProblems(reply, [problem('BAD_REQUEST', error.code === 'FST_ERR_BAD_URL' ? 'the path is not a well-formed URL (a % not followed by two hex digits?)' : error.message)], 400);
    },
    // What the HTTP parser rejects (headers too large, a body longer than its content-length) reaches no
    // route: answered here, in the problem format too, and the connection closed.
    clientErrorHandler: (error, socket) => {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ECONNRESET' || !socket.writable) return void socket.destroy(error);
      const [status, reason, message] = code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large', 'the request headers are larger than this service accepts'] : [400, 'Bad Request', 'the request is not well-formed HTTP (a body longer than its content-length?)'];
      // No request reached fastify, so none of its log lines: this one is the only trace of the refusal.
      const reqId = requestId(undefined);
      logger.info({ reqId, remoteAddress: socket.remoteAddress, statusCode: status, parserError: code, problems: [{ code: 'BAD_REQUEST' }] }, 'request refused by the HTTP parser');
      const body = JSON.stringify(problemsBody([problem('BAD_REQUEST', message)]));
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${REQUEST_ID_HEADER}: ${reqId}\r\nConnection: close\r\n\r\n${body}`);
    },
  });
  registerJsonBody(app);
  // First, so that every answer names the request, a refusal by a later hook too.
  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
  if (options.token) registerBearerAuth(app, options.token);
  // A compressed body would be read as bytes of JSON (JSON_SYNTAX at its first byte): refused as what it is.
  app.addHook('onRequest', async (request, reply) => {
    const encoding = request.headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return sendProblems(reply, [problem('UNSUPPORTED_MEDIA_TYPE', `content-encoding ${encoding} is not accepted; send the body uncompressed`)]);
  });

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof BodyProblems) return sendProblems(reply, error.problems);
    const code = (error as { code?: string }).code;
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendProblems(reply, [problem('BODY_TOO_LARGE', `the body is larger than ${bodyLimit} bytes`)]);
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      // /batch reads NDJSON, every other route JSON: say the one this route wants.
      const wanted = request.url.split('?')[0] === '/batch' ? 'application/x-ndjson' : 'application/json';
      return sendProblems(reply, [problem('UNSUPPORTED_MEDIA_TYPE', `content type ${request.headers['content-type'] ?? '(none)'} is not accepted here; send ${wanted}`)]);
    }
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    // Fastify's own 4xx (a bad content length, an aborted body): the client's to fix, said in its words.
    if (status < 500) return sendProblems(reply, [problem('BAD_REQUEST', (error as Error).message)], status);
    // The cause goes to the log (no patient data in it); the client learns only that it was ours.
    request.log.error({ err: error }, 'internal error');
    return sendProblems(reply, [problem('INTERNAL_ERROR', 'internal error; the request was not evaluated')], 500);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    // A route that is there for another method (GET /evaluate) is 405 with the methods it takes, not 404.
    const allowed = METHODS.filter((method) => app.findRoute({ method, url: path }) !== null);
    if (allowed.length) return methodNotAllowed(reply, path, request.method, allowed);
    return sendProblems(reply, [problem('NOT_FOUND', `no route ${request.method} ${path}`)]);
  });

  // Still 200 after a rejected reload (the last good rule sets answer), but a probe can see that the
  // files on disk would not load, so that the next restart would fail.
  app.get('/health', async () => ({ status: 'ok', generation: options.rules.current().generation, lastReload: options.rules.lastReload?.() ?? null }));
  await app.register(evaluateRoutes, options);
  await app.register(batchRoutes, options);
  await app.register(rulesetRoutes, options);
  await app.register(cdsHooksRoutes, options);
  await app.register(pageRoutes, options);
  return app;
}
