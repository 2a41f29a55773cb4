import { RECORD_FORMAT, SHA256_HEX } from './decision-record.js';

/**
 * What is wrong with the shape of a parsed line, or undefined when it has every field readers rely on.
 * The hash vouches for the content; this only keeps a reader from tripping over a line that is not a
 * record at all.
 */
export function recordShapeProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'the line is JSON but not a record (not an object)';
  if (value.format !== RECORD_FORMAT) return `unknown record format ${JSON.stringify(value.format)} (this engine reads format ${RECORD_FORMAT})`;
  for (const field of ['hash', 'prev'] as const) {
    if (typeof value[field] !== 'string' || !SHA256_HEX.test(value[field])) return `"${field}" is not a sha256 (64 lowercase hexadecimal digits)`;
  }
  if (typeof value.decisionId !== 'string' || typeof value.timestamp !== 'string') return 'the record has no "decisionId" or "timestamp"';
  const rulesets = value.rulesets;
  const hex = (v: unknown): boolean => typeof v === 'string' && SHA256_HEX.test(v);
  const pinned = (r: unknown): boolean => isObject(r) && typeof r.id === 'string' && typeof r.version === 'string' && hex(r.sha256) && hex(r.documentSha256);
  if (!Array.isArray(rulesets) || !rulesets.every(pinned)) return '"rulesets" is not a list of {id, version, sha256, documentSha256}';
  if (!isObject(value.input) || !isObject(value.outputs) || !Array.isArray(value.trace)) return 'the record lacks its "input", "outputs" or "trace"';
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
