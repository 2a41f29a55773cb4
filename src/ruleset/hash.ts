import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * sha256 of the RFC 8785 canonical JSON of the parsed rule set: comments, key order, quoting and
 * indentation in the YAML do not change a rule set's identity; any change of content does.
 */
export function contentHash(value: unknown): string {
  const canonical = (canonicalize as unknown as (v: unknown) => string | undefined)(value);
  return sha256Hex(canonical ?? '');
}

/** sha256 of a text's UTF-8 bytes, as 64 lowercase hexadecimal digits. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
