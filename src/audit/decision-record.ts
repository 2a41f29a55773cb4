import type { Evaluation, TraceEntry } from '../engine/types.js';
import { contentHash } from '../ruleset/hash.js';
import { MAX_FLOW_NESTING } from '../source/flow-nesting.js';

/** The `prev` of a log's first record: the chain's fixed anchor. */
export const GENESIS_HASH = '0'.repeat(64);

/** Bumped when the record's shape changes, so that a reader of an old log knows what it holds. */
export const RECORD_FORMAT = 1;

export const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The exact rule set a decision used; its parsed document is kept in the log's rule-set store. */
export interface RecordedRuleSet {
  id: string;
  version: string;
  /** The rule set's content hash, as everywhere else (canonical JSON: key order does not count). */
  sha256: string;
  /**
   * sha256 of the stored document's bytes (see pinned-ruleset.ts), the document as it was loaded, so the
   * stored copy can be checked on its own before a replay uses it.
   */
  documentSha256: string;
  /**
   * The institution profile applied to it (the sha256 above is of the rule set with the profile
   * applied), so a reader of the record alone does not take it for the published rule set.
   */
  profile?: { id: string; version: string; sha256: string };
}

/** `profiles`, when a profile shaped the decision: its changes used, with their published values, reasons and authors. */
export type RecordedOutputs = Pick<Evaluation, 'results' | 'lesions' | 'missing' | 'warnings' | 'profiles' | 'unread'>;

/** What a record keeps of what the clinician was shown: the writer and the replay build it alike. */
export function recordedOutputs(evaluation: Evaluation, lesions: Evaluation['lesions'] = evaluation.lesions): RecordedOutputs {
  return {
    results: evaluation.results,
    lesions,
    missing: evaluation.missing,
    warnings: evaluation.warnings,
    ...(evaluation.profiles ? { profiles: evaluation.profiles } : {}),
    // The fields given that no rule set read: the report says them beside the results.
    ...(evaluation.unread ? { unread: evaluation.unread } : {}),
  };
}

/**
 * A decision the service made for a CDS Hooks call: the call, what mapping its FHIR prefetch to the input
 * said (values left missing, and why), and the card as the clinician was shown it. The input and outputs
 * recompute the decision; this keeps what no replay can rebuild (the card rests on the service's
 * configuration too).
 */
export interface RecordedRequest {
  via: 'cds-hooks';
  service: string;
  hook: string;
  hookInstance: string;
  /** The patient the hook was called for, as its context gave it: the record names it even when the prefetch holds no Patient resource. */
  patientId: string;
  /** The CDS client's user (e.g. Practitioner/123), as the hook's context gave it. */
  userId: string;
  notes: string[];
  card: { uuid: string; summary: string; detail: string; indicator: string; source: { label: string } };
}

/**
 * One line of the audit log: what was decided, on what input, by which engine and which rule sets,
 * with the full trace; `prev` chains it to the record before and `hash` seals it.
 */
export interface DecisionRecord {
  format: typeof RECORD_FORMAT;
  decisionId: string;
  timestamp: string;
  engine: { name: string; version: string };
  rulesets: RecordedRuleSet[];
  /** The patient as evaluated; with `idsHashed` every `id` is `sha256:<hex>` of the id given. */
  input: Record<string, unknown>;
  idsHashed: boolean;
  outputs: RecordedOutputs;
  trace: TraceEntry[];
  /** Only for a decision the service made for a CDS Hooks call. */
  request?: RecordedRequest;
  /** The `hash` of the record before, or GENESIS_HASH for the first. */
  prev: string;
  /** sha256 of the canonical JSON (RFC 8785) of the record without `hash`. */
  hash: string;
}

/** A record before it is chained: everything but `prev` and `hash`, which only the writer, under the lock, knows. */
export type RecordBody = Omit<DecisionRecord, 'prev' | 'hash'>;

/** A decision id as compared: uuids compare without regard to case (RFC 4122); ours are written in lower case. */
export const canonicalDecisionId = (id: string): string => id.toLowerCase();

/** The hash a record must carry: over everything in it except `hash` itself (so `prev` is sealed too). */
export function recordHash(record: object): string {
  const sealed: Record<string, unknown> = { ...record };
  delete sealed.hash;
  return contentHash(sealed);
}

/**
 * Whether a record read back carries the hash of its content. A record holding what the engine never
 * writes is not (a number past JSON's range, read as Infinity, which the canonical form cannot write;
 * nesting deeper than any record's, which would take the canonical writer past the stack): an edit.
 */
export function hashHolds(record: { hash?: unknown }): boolean {
  return writable(record) && recordHash(record) === record.hash;
}

/** Only finite numbers, nested no deeper than MAX_FLOW_NESTING: walked without recursion, for a value of any depth. */
function writable(value: unknown): boolean {
  const pending: Array<[unknown, number]> = [[value, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [v, depth] = next;
    if (typeof v === 'number' && !Number.isFinite(v)) return false;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= MAX_FLOW_NESTING) return false;
    for (const child of Object.values(v)) pending.push([child, depth + 1]);
  }
  return true;
}
