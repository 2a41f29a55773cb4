import type { FastifyInstance } from 'fastify';
import type { TraceLevel } from '../engine/trace-level.js';
import { createDecisionRecorder } from '../audit/decision-recorder.js';
import { formatProblem, formatProblems } from '../problems/format.js';
import { ProblemsError, type Problem, type ProblemCode } from '../problems/problem.js';
import { LiveRuleSets } from '../ruleset/live-rule-sets.js';
import { BUNDLED_RULES_DIR, libraryIds } from '../ruleset/load-rulesets.js';
import { parsePick } from '../ruleset/select-versions.js';
import type { LoadedRuleSet } from '../ruleset/types.js';
import { buildApp } from '../server/app.js';
import { cardReferenceProblems } from '../server/card-references.js';
import { loadCdsConfig } from '../server/cds-config.js';
import { createFeedbackStore } from '../server/feedback-store.js';
import { closeGracefully } from '../server/shutdown.js';
import { EXIT, Exit, problemsExit } from './exit-codes.js';
import { usageError, wholeNumber } from './usage-error.js';
import { refuseHashIdsAlone } from './record-decision.js';
import { refuseUnwritable } from './writable-path.js';
import { corsOrigin, isLoopback, readJwt, readTls, readToken } from './serve-options.js';

export interface ServeOptions {
  port: string;
  host: string;
  bodyLimit?: string;
  rules?: string[];
  ruleset?: string[];
  profile?: string[];
  tokenFile?: string;
  record?: string;
  hashIds?: boolean;
  feedback?: string;
  cdsConfig?: string;
  logLevel: string;
  trace?: TraceLevel;
  requestTimeout: string;
  shutdownGrace: string;
  corsOrigin?: string[];
  tlsCert?: string;
  tlsKey?: string;
  jwtIssuer?: string[];
  jwks?: string[];
  baseUrl?: string;
}

/**
 * `spinemets serve`: the HTTP API, CDS Hooks and the clinician page over live rule sets. Starts only
 * when the rule sets, the CDS configuration and the token are good; afterwards a bad rule file is
 * logged with its positions and the last good rule sets keep serving.
 */
export async function serveCommand(options: ServeOptions): Promise<void> {
  const port = wholeNumber(options.port, '--port', 0, 65535);
  const bodyLimit = wholeNumber(options.bodyLimit, '--body-limit', 1024, 1024 ** 3);
  const requestTimeoutMs = wholeNumber(options.requestTimeout, '--request-timeout', 1, 3_600_000);
  const graceMs = wholeNumber(options.shutdownGrace, '--shutdown-grace', 0, 3_600_000);
  const corsOrigins = (options.corsOrigin ?? []).map(corsOrigin);
  const token = options.tokenFile ? readToken(options.tokenFile) : undefined;
  const tls = readTls(options.tlsCert, options.tlsKey);
  const jwt = readJwt(options.jwtIssuer ?? [], options.jwks ?? [], options.baseUrl);
  refuseHashIdsAlone(options);
  const feedbackFile = options.feedback ?? (options.record ? `${options.record}.feedback.jsonl` : undefined);
  // Written at the first decision or feedback: a path that cannot be is refused at start (before the rule
  // files are watched), not answered by a 500 on every call.
  if (options.record) refuseUnwritable('--record', options.record);
  if (feedbackFile) refuseUnwritable(options.feedback ? '--feedback' : 'the feedback file beside --record,', feedbackFile);
  const { config, source: configSource, problems: configProblems } = loadCdsConfig(options.cdsConfig);
  if (!config || !configSource) {
    process.stderr.write(formatProblems(configProblems) + '\n');
    throw new Exit(EXIT.rules);
  }
  // The card may name a bundled rule set not served; a bundled folder that cannot be read is said, not taken as naming none.
  const cardProblems = (rulesets: readonly LoadedRuleSet[]): Problem[] => {
    const library = libraryIds([BUNDLED_RULES_DIR]);
    return [...library.problems, ...cardReferenceProblems(configSource, config.card, rulesets, library.ids)];
  };
  let live: LiveRuleSets;
  try {
    live = await LiveRuleSets.start({ paths: options.rules?.length ? options.rules : [BUNDLED_RULES_DIR], library: [BUNDLED_RULES_DIR], pick: (options.ruleset ?? []).map(parsePick), profiles: options.profile ?? [], warnEditsInPlace: true, check: cardProblems });
  } catch (err) {
    if (!(err instanceof ProblemsError)) throw err;
    process.stderr.write(formatProblems(err.problems) + '\n');
    throw new Exit(problemsExit(err.problems));
  }
  const app = await buildApp({
    rules: live,
    cds: config,
    feedback: createFeedbackStore(feedbackFile),
    ...(options.record ? { recorder: createDecisionRecorder(options.record, { hashIds: options.hashIds ?? false }) } : {}),
    ...(token ? { token } : {}),
    ...(jwt ? { jwt } : {}),
    corsOrigins,
    ...(tls ? { tls } : {}),
    ...(options.trace ? { trace: options.trace } : {}),
    ...(bodyLimit !== undefined ? { bodyLimit } : {}),
    requestTimeoutMs,
    log: { level: options.logLevel },
  });
  // Not refused: a demonstration on a laptop's network is a fair use; but the operator must know.
  if (!token && !jwt && !isLoopback(options.host)) warnAtStart(app, 'NO_AUTHENTICATION', `listening on ${options.host}, beyond this machine, and every route answers anyone who reaches it: give --jwt-issuer or --token-file`);
  // Acknowledged all the same (the EHR has nothing to mend), but an operator must know it goes nowhere.
  if (!feedbackFile) warnAtStart(app, 'FEEDBACK_NOT_KEPT', 'CDS Hooks feedback is acknowledged and not kept: give --feedback FILE (or --record LOG) to keep it');
  for (const warning of configProblems) warnAtStart(app, warning.code, formatProblem(warning));
  if (live.initialWarnings.length) app.log.warn({ problems: formatProblems(live.initialWarnings).split('\n') }, 'rule-set warnings');
  live.on('reloaded', (snapshot, changedFiles, warnings) => {
    app.log.info({ generation: snapshot.generation, changedFiles, rulesets: snapshot.rulesets.map((r) => `${r.document.id}@${r.document.version} sha256:${r.sha256.slice(0, 12)}`), warnings: warnings.length }, 'rule sets reloaded');
    // As at start: a reload's warnings (a served rule file gone, its rule set now the bundled one) are said at warn level, in words.
    if (warnings.length) app.log.warn({ generation: snapshot.generation, problems: formatProblems(warnings).split('\n') }, 'rule-set warnings');
  });
  live.on('rejected', (problems, changedFiles) => {
    app.log.error({ changedFiles, problems: formatProblems(problems).split('\n'), generation: live.current().generation }, 'rule-set change rejected; the last good rule sets keep serving');
  });
  // A host with several addresses (localhost: 127.0.0.1 and ::1) is still being bound after the first
  // says it listens: closing then crashed fastify (exit 1, a stack trace) on a SIGTERM sent at once.
  let listening: Promise<unknown> = Promise.resolve();
  const stop = async (): Promise<void> => {
    await listening.catch(() => undefined);
    await closeGracefully(app, graceMs);
    await live.close();
  };
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    const since = Date.now();
    app.log.info({ signal, graceMs }, 'shutting down: no new connections; requests under way may finish');
    void stop().then(() => app.log.info({ signal, shutdownMs: Date.now() - since }, 'stopped'));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    listening = app.listen({ port, host: options.host });
    await listening;
  } catch (err) {
    // The watcher would keep a server that never listened alive, looking up to a supervisor.
    await stop();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') usageError('PORT_UNAVAILABLE', `cannot listen on ${options.host}:${port} (${code === 'EADDRINUSE' ? 'in use by another process' : code === 'ENOTFOUND' ? 'no such host' : code})`);
    throw err;
  }
}

/** A setting an operator must know the consequence of: said once at start, at warn level, with a code a log search finds. */
function warnAtStart(app: FastifyInstance, code: ProblemCode, message: string): void {
  app.log.warn({ code }, message);
}
