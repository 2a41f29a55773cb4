import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * sha256 of the RFC 8785 canonical JSON of the parsed rule set: comments, key order, quoting and
 * indentation in the YAML do not change a rule set's identity; any change of content does.
 */
export function contentHash(value: unknown): string {
  const canonical = (canonicalize as unknown as (v: unknown) => string | undefined)(value);
  return createHash('sha256').update(canonical ?? '').digest('hex');
}
