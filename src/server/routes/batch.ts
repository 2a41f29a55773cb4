import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { jsonLine } from '../../batch/json-line.js';
import { jsonErrorLine, jsonRowId } from '../../batch/row-patient.js';
import { withTraceLevel } from '../../engine/trace-level.js';
import { parsePatientJsonLine } from '../../patient/load-patient.js';
import type { AppOptions } from '../app.js';
import { decide } from '../decide.js';
import { problem, problemsBody, REQUEST_BODY, sendProblems } from '../http-problems.js';
import { BODY_LIMIT_BYTES, nestingProblem, SEND_UTF8, WITHIN_BODY_LIMIT } from '../json-body.js';
import { traceLevel } from './evaluate.js';
import { EncodingFaults } from '../../source/encoding-faults.js';

const NDJSON = 'application/x-ndjson';

/**
 * POST /batch: NDJSON in, NDJSON out, streamed both ways in order — one result (or `{line, error}`) per
 * patient line, as `spinemets batch` writes them. The whole batch uses one snapshot of the rule sets.
 * Each line is limited like a single body; the stream as a whole is not held in memory.
 */
export async function batchRoutes(app: FastifyInstance, options: AppOptions): Promise<void> {
  app.addContentTypeParser(NDJSON, (_request, payload, done) => done(null, payload));
  // A line is held to what a body is (serve --body-limit).
  const limit = app.initialConfig.bodyLimit ?? BODY_LIMIT_BYTES;
  app.post('/batch', async (request, reply) => {
    const trace = traceLevel(request.query, options.trace ?? 'rules');
    if (!trace) return sendProblems(reply, [problem('SCHEMA_ENUM', 'trace must be one of none, rules, full', { path: '?trace' })], 400);
    if (!(request.body instanceof Readable)) {
      return sendProblems(reply, [problem('UNSUPPORTED_MEDIA_TYPE', `send one patient per line as ${NDJSON}`)]);
    }
    const snapshot = options.rules.current();
    const body = request.body;
    // Taken now: once the body is given up on, the request no longer holds its socket.
    const { socket } = request.raw;
    const level = trace;
    async function* results(): AsyncGenerator<string | Uint8Array> {
      let lineNo = 0;
      const encoding = new EncodingFaults(body, REQUEST_BODY, 'lf', SEND_UTF8);
      for await (const line of lines(encoding.checked, limit)) {
        lineNo++;
        if (line === TOO_LONG) {
          yield jsonErrorLine(lineNo, undefined, problemsBody([problem('BODY_TOO_LARGE', `line is longer than ${limit} bytes; the batch stops here`, { line: lineNo })]));
          // The rest of the body is not read: the connection closes once this answer is sent, rather than
          // wait (a descriptor held) for a client whose upload can no longer go anywhere.
          // (An injected request, as in the tests, has a socket without destroy.)
          reply.raw.once('finish', () => socket.destroy?.());
          return;
        }
        if (line.trim() === '') continue;
        const faults = encoding.within(lineNo, lineNo);
        const deep = nestingProblem(line);
        const { patient, problems } = faults.length ? { patient: undefined, problems: faults } : deep ? { patient: undefined, problems: [{ ...deep, line: lineNo }] } : parsePatientJsonLine(line, REQUEST_BODY, lineNo, WITHIN_BODY_LIMIT);
        if (!patient) {
          // Not the id of a line that is not UTF-8: it would echo U+FFFD for the character lost.
          yield jsonErrorLine(lineNo, faults.length ? undefined : jsonRowId(line), problemsBody(problems));
          continue;
        }
        const { decision, problems: recordProblems } = await decide(patient, snapshot, options.recorder);
        if (!decision) {
          // Unrecorded decisions are not shown; the batch stops as `spinemets batch --record` does.
          yield jsonErrorLine(lineNo, undefined, problemsBody(recordProblems));
          return;
        }
        // Encoded piece by piece, as `spinemets batch` writes its lines (json-line.ts).
        yield jsonLine({ line: lineNo, ...withTraceLevel(decision.evaluation, level), decisionId: decision.decisionId, generation: snapshot.generation });
      }
    }
    reply.header('x-ruleset-generation', String(snapshot.generation));
    return reply.type(NDJSON).send(Readable.from(results()));
  });
}

const TOO_LONG = Symbol('line too long');

/** Lines of a UTF-8 stream, without holding more than one line; a line over `limit` bytes ends it. */
async function* lines(stream: Readable, limit: number): AsyncGenerator<string | typeof TOO_LONG> {
  stream.setEncoding('utf8');
  let buffered = '';
  // A byte-order mark (editors on Windows write one) is not part of the first line, as in `spinemets batch`.
  let first = true;
  const unmarked = (line: string): string => (first && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line);
  for await (const chunk of stream as AsyncIterable<string>) {
    buffered += chunk;
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end).replace(/\r$/, '');
      buffered = buffered.slice(end + 1);
      // A line that arrived whole in one chunk is held to the limit as one left over is.
      if (Buffer.byteLength(line) > limit) {
        yield TOO_LONG;
        stream.destroy();
        return;
      }
      yield unmarked(line);
      first = false;
    }
    if (Buffer.byteLength(buffered) > limit) {
      yield TOO_LONG;
      stream.destroy();
      return;
    }
  }
  if (buffered) yield unmarked(buffered);
}
