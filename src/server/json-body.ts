import type { FastifyInstance } from 'fastify';
import type { Problem } from '../problems/problem.js';
import { plainJson } from '../source/json-syntax.js';
import { problemsOfDocument } from '../source/every-reading.js';
import { documentSchemaProblems } from '../source/schema-problems.js';
import { validator, type SchemaName } from '../source/schemas.js';
import { jsonDocument, jsonSourceDocument } from '../source/json-source-document.js';
import type { SourceDocument } from '../source/source-document.js';
import { problem, REQUEST_BODY } from './http-problems.js';
import { firstTooDeep } from '../source/flow-nesting.js';
import { positionAt } from '../source/line-starts.js';
import { encodingFaults, encodingProblem } from '../source/utf8-check.js';

/**
 * The default body limit (serve --body-limit): a patient is a few kilobytes; a CDS Hooks prefetch with a
 * year of laboratory results is more.
 */
export const BODY_LIMIT_BYTES = 1024 * 1024;
/** The size a reader may take of a body (or /batch line) the server has held to its body limit already: any. */
export const WITHIN_BODY_LIMIT = Infinity;
/** Deeper than any patient or FHIR resource this service reads: beyond it a body is an attack on the parser. */
export const MAX_NESTING = 32;

/**
 * JSON bodies arrive as text: the patient and CDS Hooks routes parse them themselves, so that a syntax
 * error or a schema violation is reported at its line and column with the CLI's codes.
 */
export function registerJsonBody(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  // Held to the app's bodyLimit (serve --body-limit), the parser's default.
  app.addContentTypeParser(['application/json', 'application/fhir+json'], { parseAs: 'buffer' }, (_request, body, done) => {
    // JSON is UTF-8 (RFC 8259); a body that is not would be read with U+FFFD in place of its characters.
    const bytes = body as Buffer;
    const faults = encodingFaults(bytes);
    if (faults.length) return done(new BodyProblems(faults.map((fault) => encodingProblem(fault, REQUEST_BODY, SEND_UTF8))), undefined);
    const text = bytes.toString('utf8');
    // A byte-order mark (editors on Windows write one) is not part of the JSON, as the CLI reads a file.
    done(null, text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  });
}

export const SEND_UTF8 = 'send the body as UTF-8';

/** A body refused before any route reads it, with its problems (the app's error handler sends them). */
export class BodyProblems extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems[0]?.message);
  }
}

/** A body nesting deeper than MAX_NESTING, found before parsing so that parsing is never at risk, at the bracket that goes too deep. */
export function nestingProblem(text: string): Problem | undefined {
  const offset = firstTooDeep(text, MAX_NESTING);
  if (offset === undefined) return undefined;
  return problem('NESTING_TOO_DEEP', `the body nests deeper than ${MAX_NESTING} levels`, { file: REQUEST_BODY, ...positionAt(text, offset) });
}

/** `source` keeps the body's positions, for problems found later in values taken from it. */
export type JsonBody<T> = { value: T; problems: []; source: SourceDocument } | { value?: undefined; problems: Problem[] };

/** A JSON text checked against one of the project's schemas, every problem positioned. */
export function parseJsonBody<T>(body: unknown, schema: SchemaName, name = REQUEST_BODY): JsonBody<T> {
  const text = typeof body === 'string' ? body : '';
  const deep = nestingProblem(text);
  if (deep) return { problems: [deep] };
  // JSON.parse and the schema decide validity; a text they read is placed by the JSON reader, only when
  // a problem needs a place (YAML's reader, which also tells repeated keys, took seconds on a prefetch
  // with a year of laboratory results).
  const data = plainJson(text);
  if (data !== undefined && validator(schema)(data)) return { value: data as T, problems: [], source: jsonSourceDocument(text, name, data) };
  const source = jsonDocument(text, name, data, WITHIN_BODY_LIMIT);
  if (source.data === undefined) return { problems: source.problems };
  const problems = problemsOfDocument(source, (reading) => documentSchemaProblems(reading, schema));
  if (problems.length) return { problems };
  return { value: source.data as T, problems: [], source };
}
