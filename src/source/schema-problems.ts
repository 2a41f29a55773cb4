import type { ErrorObject } from 'ajv';
import type { Problem } from '../problems/problem.js';
import { fromPointer, toPointer, type PathSegment, type SourceDocument } from './source-document.js';
import { closest } from './closest.js';
import { validator, type SchemaName } from './schemas.js';
import { unionProblem } from './union-problem.js';

/** A document's data checked against one of the project's schemas, every problem positioned in it. */
export function documentSchemaProblems(source: SourceDocument, schema: SchemaName): Problem[] {
  const validate = validator(schema);
  return validate(source.data) ? [] : schemaProblems(validate.errors ?? [], source);
}

/**
 * Errors that only restate another error of the same value, which is reported instead:
 * - `if` says "must match then"; the `then` branch's own errors say how.
 * - `discriminator` says the tag (a profile change's `op`) names no branch; the tag's own `enum` or
 *   `required` error says so at the tag, with a suggestion (the schema lists the tags as its enum).
 * - `propertyNames` says a key is invalid; the key's own `pattern` error says what form it must have.
 */
const RESTATING = new Set(['if', 'discriminator', 'propertyNames']);

/**
 * Turns ajv's errors (compiled with `allErrors` and `verbose`) into positioned problems. `at` maps a
 * path inside the validated value to its place in the source, for values embedded in a larger file.
 * Unions the value itself selects a branch of (if/then/else on a key, a discriminator on `op`) report
 * that branch's errors alone; any other `anyOf`/`oneOf` failure is reported once (see unionProblem).
 */
export function schemaProblems(errors: readonly ErrorObject[], source: SourceDocument, at: (path: PathSegment[]) => PathSegment[] = (p) => p): Problem[] {
  const unions = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const coveredByUnion = (e: ErrorObject): boolean =>
    unions.some(
      (u) => u !== e && e.instancePath.startsWith(u.instancePath) && e.schemaPath.startsWith(u.schemaPath + '/'),
    );
  // A value of the wrong type also fails its enum or bounds; the type is the one thing to say. Not a
  // union branch's type, which only says the value is not that form: the union's own error is reported.
  const wrongType = new Set(errors.filter((e) => e.keyword === 'type' && !coveredByUnion(e)).map((e) => e.instancePath));
  // A key that breaks its object's `propertyNames` is the data of the errors saying how, at the object's path.
  const badKeys = new Set(errors.filter((e) => e.keyword === 'propertyNames').map((e) => keyAt(e.instancePath, (e.params as { propertyName?: unknown }).propertyName)));
  const derived = derivedErrors(errors);
  const problems: Problem[] = [];
  let unlisted = 0;
  for (const error of errors) {
    if (RESTATING.has(error.keyword) || coveredByUnion(error) || derived.has(error)) continue;
    if (error.keyword !== 'type' && wrongType.has(error.instancePath)) continue;
    if (problems.length >= MAX_SCHEMA_PROBLEMS) {
      unlisted++;
      continue;
    }
    const key = typeof error.data === 'string' && badKeys.has(keyAt(error.instancePath, error.data)) ? error.data : undefined;
    problems.push(toProblem(error, source, at, key));
  }
  const listed = dedupe(problems);
  if (!unlisted) return listed;
  const more: Problem = { code: 'TOO_MANY_PROBLEMS', severity: 'error', message: `${unlisted} more problems of this document against its schema are not listed`, file: source.file, ...source.locate(at([])) };
  return [...listed, more];
}

/**
 * Errors of a `then` (or `else`) branch whose `if` tested a value that is itself in error: they follow
 * from that value, and may contradict the fix the other error asks for (`visceralMetastases: false` with
 * resectability `removable`: the resectability is wrong, and treatability `none` is right, though
 * `removable` would call for treatable or untreatable). An error is dropped only when a value its `if`
 * tested has an error that is not itself dropped in this way, so that no mistake goes unreported.
 */
function derivedErrors(errors: readonly ErrorObject[]): Set<ErrorObject> {
  const conditionals = errors.filter((e) => e.keyword === 'if');
  if (conditionals.length === 0) return new Set();
  // The values each branch's `if` tested: the keys it requires or constrains, on the object the `if` is about.
  const branches = conditionals.map((e) => {
    const test = (e.parentSchema as { if?: { required?: string[]; properties?: Record<string, unknown> } } | undefined)?.if ?? {};
    const tested = [...new Set([...(test.required ?? []), ...Object.keys(test.properties ?? {})])].map((key) => `${e.instancePath}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    const branch = e.schemaPath.replace(/\/if$/, `/${(e.params as { failingKeyword?: string }).failingKeyword ?? 'then'}/`);
    return { tested, branch };
  });
  const branchOf = (e: ErrorObject) => branches.find((b) => e.schemaPath.startsWith(b.branch));
  const inError = (paths: readonly string[], among: readonly ErrorObject[]): boolean => among.some((e) => e.keyword !== 'if' && paths.some((p) => e.instancePath === p || e.instancePath.startsWith(`${p}/`)));
  const sure = errors.filter((e) => !branchOf(e) || !inError(branchOf(e)?.tested ?? [], errors));
  return new Set(errors.filter((e) => !sure.includes(e) && inError(branchOf(e)?.tested ?? [], sure)));
}

/**
 * Problems listed for one document against its schema: more than any real mistake gives, few enough
 * that a request of 100,000 wrong keys is answered at once rather than with each of them written out.
 */
export const MAX_SCHEMA_PROBLEMS = 100;

const keyAt = (instancePath: string, key: unknown): string => `${instancePath}\u0000${String(key)}`;

/** `key` is set when the error is about a key's name: the problem is placed at that key, not at its object. */
function toProblem(e: ErrorObject, source: SourceDocument, at: (path: PathSegment[]) => PathSegment[], key?: string): Problem {
  const object = at(fromPointer(e.instancePath));
  const path = key === undefined ? object : [...object, key];
  const container = e.instancePath === '' ? 'the document' : `"${e.instancePath}"`;
  const where = key === undefined ? container : `a key in ${container}`;
  const place = { key: key !== undefined };
  const text = typeof e.data === 'number' ? source.textAt?.(path)?.trim() : undefined;
  const written = nonFinite(e.data, text);
  // Only the messages that show the value write it out (not one per unknown key of a large object); a
  // number as the source wrote it (`1.0`, not 1; all 29 digits, not 1.2345678901234568e+28).
  const given = (): string => (written !== undefined ? `${written} (not a finite number)` : text ?? describe(e.data));
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      // Placed at its object (the key is not there to point at), its path names the key: a missing
      // label is told from a missing condition by what it is (load-ruleset's inCitations).
      const problem = source.problemAt(path, 'SCHEMA_REQUIRED', `${where} is missing the required key "${missing}"`);
      return { ...problem, path: toPointer([...path, missing]) };
    }
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const key = String(params.additionalProperty ?? params.unevaluatedProperty);
      const allowed = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const suggestion = closest(key, allowed);
      const hint = suggestion ? `; did you mean "${suggestion}"?` : allowed.length ? `; allowed: ${allowed.join(', ')}` : '';
      return source.problemAt([...path, key], 'SCHEMA_UNKNOWN_KEY', `unknown key "${key}" in ${where}${hint}`, { key: true });
    }
    case 'type':
      return source.problemAt(path, 'SCHEMA_TYPE', `${where} must be ${typeList(String(params.type))}, got ${given()}${quoteHint(e, written ?? text)}`);
    case 'enum':
    case 'const': {
      const allowed = (params.allowedValues as unknown[] | undefined) ?? [params.allowedValue];
      // The field is the last key on the path (an item of a list is a value of its list's field).
      const field = path.filter((segment): segment is string => typeof segment === 'string').pop();
      const suggestion = typeof e.data === 'string' ? closest(e.data, allowed.map(String), field) : undefined;
      const hint = suggestion ? ` (did you mean "${suggestion}"?)` : '';
      return source.problemAt(path, 'SCHEMA_ENUM', `${where} is ${given()}; allowed: ${allowed.map((v) => JSON.stringify(v)).join(', ')}${hint}`, place);
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'minItems':
    case 'maxItems':
    case 'minLength':
    case 'maxLength':
    case 'minProperties':
    case 'maxProperties':
      return source.problemAt(path, 'SCHEMA_RANGE', `${where} is ${given()}; it ${e.message ?? 'is out of range'}${hintOf(e, (hint) => ` (${hint})`)}`, place);
    case 'pattern':
    case 'format':
      // The form in words where the schema gives it: a regular expression is not for the reader.
      return source.problemAt(path, 'SCHEMA_PATTERN', `${where} is ${given()}; ${hintOf(e, (hint) => `expected ${hint}`) || `it ${e.message ?? 'has the wrong form'}`}`, place);
    case 'anyOf':
    case 'oneOf':
      return unionProblem(e, source, path, where, given());
    default:
      return source.problemAt(path, 'SCHEMA_INVALID', `${where} ${e.message ?? 'is invalid'}`, place);
  }
}

/**
 * A non-finite number (YAML `.inf`, `.nan`; JSON `1e400`, which parses to Infinity) as the source wrote it,
 * else as JavaScript writes it: JSON.stringify would show it as `null`, a value nobody wrote.
 */
function nonFinite(value: unknown, written: string | undefined): string | undefined {
  return typeof value === 'number' && !Number.isFinite(value) ? (written ?? String(value)) : undefined;
}

const SHOWN = 60;

/**
 * A value as a message shows it: its JSON, cut at 60 characters. Only as much of an object or list is
 * written as can be shown: a message for each of a document's thousands of unknown keys once wrote
 * the whole document out each time, and a request of 80 kB held the server for seconds.
 */
function describe(value: unknown): string {
  if (value === undefined) return 'absent';
  const text = preview(value, SHOWN + 1);
  return text.length > SHOWN ? `${text.slice(0, SHOWN - 3)}...` : text;
}

/** The start of `value`'s JSON, at least `budget` characters of it when there are that many. */
function preview(value: unknown, budget: number): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? String(value);
  const list = Array.isArray(value);
  let text = list ? '[' : '{';
  // for...in stops where the budget does; Object.entries would list every key first.
  for (const key in value) {
    if (text.length > budget) return text;
    const item = (value as Record<string, unknown>)[key];
    text += `${text.length > 1 ? ',' : ''}${list ? '' : `${JSON.stringify(key)}:`}${preview(item, budget - text.length)}`;
  }
  return text + (list ? ']' : '}');
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** ajv joins a list of types with commas ("string,number,boolean,array"). */
function typeList(types: string): string {
  const each = types.split(',').map(article);
  const last = each.pop();
  return each.length ? `${each.join(', ')} or ${last}` : String(last);
}

/** YAML reads `2` as a number; graded values such as Bilsky "2" must be quoted. */
function quoteHint(e: ErrorObject, written: string | undefined): string {
  const params = e.params as { type?: string };
  if (params.type !== 'string' || typeof e.data !== 'number') return '';
  const text = written ?? String(e.data);
  // Quoted, 1.1 is still no semantic version: say what the text must look like instead.
  const { pattern, 'x-hint': hint } = (e.parentSchema ?? {}) as { pattern?: string; 'x-hint'?: string };
  if (pattern !== undefined && !new RegExp(pattern, 'u').test(text)) return hint ? ` (write ${hint}, in quotes)` : '';
  return ` (write it in quotes: "${text}")`;
}

/**
 * A schema's `x-hint` says in words what a value must be: what a bound means ("g/dL; 35 g/L is written
 * {value: 35, unit: g/L}"), the form a pattern asks for ("e.g. all/1"). Empty when it gives none.
 */
function hintOf(e: ErrorObject, phrase: (hint: string) => string): string {
  const hint = (e.parentSchema as { 'x-hint'?: string } | undefined)?.['x-hint'];
  return hint ? phrase(hint) : '';
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.line}:${p.column}:${p.code}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
