import { readFileSync } from 'node:fs';
import { schemaText, sha256Hex } from '../source/schemas.js';
import type { RuleSetDocument } from './types.js';

/**
 * Rule files checked at build time (scripts/build-generated.mjs): a bundled rule file whose text had
 * this SHA-256 passed the schema, the semantic checks and the exhaustive coverage check with no problem
 * at all, against schemas with the recorded hashes. Loading it again need not parse YAML nor re-run
 * the checks, which were most of a short command's start-up. Any other text — an edited file, a file
 * of one's own — or an edited schema is checked in full, as before.
 */
export interface CheckedRuleSets {
  /** SHA-256 of schemas/ruleset.schema.json and schemas/patient.schema.json (the checks read both). */
  schemaSha256: { ruleset: string; patient: string };
  /** By SHA-256 of the rule file's text: its parsed document and content hash. */
  files: Record<string, { document: RuleSetDocument; sha256: string }>;
}

/** Reached the same way from src/ and from dist/. */
const CACHE = new URL('../../dist/generated/checked-rulesets.json', import.meta.url);

let cache: CheckedRuleSets | null | undefined;

/** The build-time check of exactly this text, if there was one and the schemas are unchanged since. */
export function checkedRuleSet(text: string): { document: RuleSetDocument; sha256: string } | undefined {
  if (cache === undefined) cache = readCache();
  return cache?.files[sha256Hex(text)];
}

function readCache(): CheckedRuleSets | null {
  let read: CheckedRuleSets;
  try {
    read = JSON.parse(readFileSync(CACHE, 'utf8')) as CheckedRuleSets;
  } catch {
    return null; // not built: every file is checked
  }
  const current = { ruleset: sha256Hex(schemaText('ruleset')), patient: sha256Hex(schemaText('patient')) };
  return read.schemaSha256.ruleset === current.ruleset && read.schemaSha256.patient === current.patient ? read : null;
}
