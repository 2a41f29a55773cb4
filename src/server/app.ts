import type { ServerOptions as HttpServerOptions } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import pino, { type DestinationStream } from 'pino';
import type { DecisionRecorder } from '../audit/decision-recorder.js';
import type { TraceLevel } from '../engine/trace-level.js';
import type { ReloadOutcome, RuleSetsSnapshot } from '../ruleset/live-rule-sets.js';
import { registerAuth, type AuthOptions } from './auth.js';
import type { CdsConfig } from './cds-config.js';
import type { FeedbackStore } from './feedback-store.js';
import { methodNotAllowed, problem, sendProblems } from './http-problems.js';
import { BODY_LIMIT_BYTES, BodyProblems, registerJsonBody } from './json-body.js';
import { registerCors } from './cors.js';
import { loggerOptions } from './log-redaction.js';
import { parserRefusals } from './parser-refusals.js';
import { REQUEST_ID_HEADER, requestId } from './request-id.js';
import { registerShutdownHooks } from './shutdown.js';
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

export interface AppOptions extends AuthOptions {
  rules: RuleSetSource;
  cds: CdsConfig;
  feedback: FeedbackStore;
  /** With --record: every decision is recorded before it is answered. */
  recorder?: DecisionRecorder;
  /** With --cors-origin: the browser origins (or `*`) whose pages may call the service. */
  corsOrigins?: readonly string[];
  /** The largest body, and /batch line, taken in bytes (serve --body-limit; default BODY_LIMIT_BYTES, 1 MiB). */
  bodyLimit?: number;
  /** The trace level when a request names none (else full for /evaluate, rules for /batch, as in the CLI). */
  trace?: TraceLevel;
  /**
   * How long a client may take over the request's headers, or stay silent in the middle of its body or
   * while it is answered (default 30 s). Not the whole request: /batch streams for as long as it has lines.
   */
  requestTimeoutMs?: number;
  /** With --tls-cert and --tls-key: HTTPS without a proxy in front (PEM). */
  tls?: { cert: string; key: string };
  /** Logs go here (default standard output); `level: 'silent'` for none. */
  log?: { level: string; stream?: DestinationStream };
}

/** Every route the service has, shared by `spinemets serve` and the tests (which use `app.inject`). */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * Node's server options: HTTP, or HTTPS with --tls-cert and --tls-key, where a TLS handshake left
 * unfinished is timed as silence is. Typed as HTTP: an https.Server is an http.Server to every use
 * here, and fastify's types would otherwise make every route and hook generic over the two.
 */
function serverOptions(tls: AppOptions['tls'], timeout: number): { http: HttpServerOptions } {
  const http: HttpServerOptions = { headersTimeout: timeout, requestTimeout: 0 };
  return (tls ? { https: { ...http, ...tls, handshakeTimeout: timeout } } : { http }) as { http: HttpServerOptions };
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const bodyLimit = options.bodyLimit ?? BODY_LIMIT_BYTES;
  // Typed as fastify's base logger so routes see the same instance type as plugins written for fastify.
  const logger: FastifyBaseLogger = pino(loggerOptions(options.log?.level ?? 'info'), options.log?.stream ?? process.stdout);
  const timeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const app = Fastify({
    loggerInstance: logger,
    genReqId: (request) => requestId(request.headers[REQUEST_ID_HEADER]),
    bodyLimit,
    // Ids in paths are short; longer ones are not ours. A client that joins its base URL and path with a
    // slash (`/cds-services/spinemets-spine/`) asks for the same route: it was 404 "no route".
    routerOptions: { maxParamLength: 200, ignoreTrailingSlash: true },
    // A request that arrives while the service closes is answered by registerShutdownHooks, in the problem format.
    return503OnClosing: false,
    // A client that fell silent (8 of 100 body bytes) held its connection, and so the shutdown, for ever.
    // Silence is what is timed, not the whole request, which /batch streams for as long as it has lines.
    connectionTimeout: timeout,
    ...serverOptions(options.tls, timeout),
    // The router's own rejections (a malformed percent-encoding, an over-long id) in our problem format too.
    frameworkErrors: (error, request, reply) => {
      reply.header(REQUEST_ID_HEADER, request.id);
      if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return sendProblems(reply, [problem('BAD_REQUEST', 'a path parameter is longer than 200 characters')], 414);
      return sendProblems(reply, [problem('BAD_REQUEST', error.code === 'FST_ERR_BAD_URL' ? 'the path is not a well-formed URL (a % not followed by two hex digits?)' : error.message)], 400);
    },
    clientErrorHandler: parserRefusals(logger, timeout),
  });
  registerJsonBody(app);
  // First, so that every answer names the request, a refusal by a later hook too.
  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    // The client fell silent in the middle of its body: told so, rather than only cut off. (Node emits
    // this only for a request not yet complete; an answer already under way is cut.)
    request.raw.once('timeout', () => {
      if (reply.sent) return void request.raw.socket.destroy();
      void sendProblems(reply.header('connection', 'close'), [problem('REQUEST_TIMEOUT', `no part of the request arrived for ${timeout} ms`)]);
    });
  });
  registerShutdownHooks(app);
  // Before authentication: a browser's preflight carries no Authorization, and a 401 must be readable by the page.
  if (options.corsOrigins?.length) await registerCors(app, options.corsOrigins);
  registerAuth(app, options);
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
      const wanted = request.routeOptions.url === '/batch' ? 'application/x-ndjson' : 'application/json';
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

