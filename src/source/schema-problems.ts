import type { ErrorObject } from 'ajv';
import type { Problem } from '../problems/problem.js';
import { fromPointer, type PathSegment, type SourceDocument } from './source-document.js';
import { closest } from './closest.js';
import { validator, type SchemaName } from './schemas.js';

/** A document's data checked against one of the project's schemas, every problem positioned in it. */
export function documentSchemaProblems(source: SourceDocument, schema: SchemaName): Problem[] {
  const validate = validator(schema);
  return validate(source.data) ? [] : schemaProblems(validate.errors ?? [], source);
}

/**
 * Turns ajv's errors (compiled with `allErrors` and `verbose`) into positioned problems. `at` maps a
 * path inside the validated value to its place in the source, for values embedded in a larger file.
 * - `if` errors only say "must match then": the `then` branch's own errors are reported instead.
 * - An `anyOf`/`oneOf` failure is reported once, naming its branches by title, instead of every
 *   branch's private complaint.
 */
export function schemaProblems(errors: readonly ErrorObject[], source: SourceDocument, at: (path: PathSegment[]) => PathSegment[] = (p) => p): Problem[] {
  const unions = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const coveredByUnion = (e: ErrorObject): boolean =>
    unions.some(
      (u) => u !== e && e.instancePath.startsWith(u.instancePath) && e.schemaPath.startsWith(u.schemaPath + '/'),
    );
  // A value of the wrong type also fails its enum or bounds; the type is the one thing to say.
  const wrongType = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const problems: Problem[] = [];
  for (const error of errors) {
    if (error.keyword === 'if' || coveredByUnion(error)) continue;
    if (error.keyword !== 'type' && wrongType.has(error.instancePath)) continue;
    problems.push(toProblem(error, source, at));
  }
  return dedupe(problems);
}

function toProblem(e: ErrorObject, source: SourceDocument, at: (path: PathSegment[]) => PathSegment[]): Problem {
  const path = at(fromPointer(e.instancePath));
  const where = e.instancePath === '' ? 'the document' : `"${e.instancePath}"`;
  const written = nonFinite(e.data, source.textAt?.(path));
  const given = written === undefined ? describe(e.data) : `${written} (not a finite number)`;
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      return source.problemAt(path, 'SCHEMA_REQUIRED', `${where} is missing the required key "${missing}"`);
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
      return source.problemAt(path, 'SCHEMA_TYPE', `${where} must be ${article(String(params.type))}, got ${given}${quoteHint(e, written)}`);
    case 'enum':
    case 'const': {
      const allowed = (params.allowedValues as unknown[] | undefined) ?? [params.allowedValue];
      const suggestion = typeof e.data === 'string' ? closest(e.data, allowed.map(String)) : undefined;
      const hint = suggestion ? ` (did you mean "${suggestion}"?)` : '';
      return source.problemAt(path, 'SCHEMA_ENUM', `${where} is ${given}; allowed: ${allowed.map((v) => JSON.stringify(v)).join(', ')}${hint}`);
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
      return source.problemAt(path, 'SCHEMA_RANGE', `${where} is ${given}; it ${e.message ?? 'is out of range'}${unitHint(e)}`);
    case 'pattern':
    case 'format':
      return source.problemAt(path, 'SCHEMA_PATTERN', `${where} is ${given}; it ${e.message ?? 'has the wrong form'}`);
    case 'anyOf':
    case 'oneOf': {
      const branches = ((e.schema as Array<{ title?: string }> | undefined) ?? []).map((b, i) => b.title ?? `form ${i + 1}`);
      return source.problemAt(path, 'SCHEMA_INVALID', `${where} is ${given}; expected ${branches.join(' or ')}`);
    }
    default:
      return source.problemAt(path, 'SCHEMA_INVALID', `${where} ${e.message ?? 'is invalid'}`);
  }
}

/**
 * A non-finite number (YAML `.inf`, `.nan`; JSON `1e400`, which parses to Infinity) as the source wrote it,
 * else as JavaScript writes it: JSON.stringify would show it as `null`, a value nobody wrote.
 */
function nonFinite(value: unknown, written: string | undefined): string | undefined {
  return typeof value === 'number' && !Number.isFinite(value) ? (written ?? String(value)) : undefined;
}

function describe(value: unknown): string {
  if (value === undefined) return 'absent';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** YAML reads `2` as a number; graded values such as Bilsky "2" must be quoted. */
function quoteHint(e: ErrorObject, written: string | undefined): string {
  const params = e.params as { type?: string };
  return params.type === 'string' && typeof e.data === 'number' ? ` (write it in quotes: "${written ?? e.data}")` : '';
}

/** A schema may name what a bound means (e.g. "g/dL; 35 g/L is written {value: 35, unit: g/L}"). */
function unitHint(e: ErrorObject): string {
  const hint = (e.parentSchema as { 'x-hint'?: string } | undefined)?.['x-hint'];
  return hint ? ` (${hint})` : '';
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
