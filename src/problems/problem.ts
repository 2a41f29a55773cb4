/**
 * Every problem the project reports — in a rule file, a patient file or at run time — is data of this
 * shape (modelled on ajv's error objects and zod's issues). Modules collect problems; only the CLI
 * (and later the server) formats them.
 */
export type ProblemCode =
  // reading and parsing a file
  | 'FILE_UNREADABLE'
  | 'FILE_TOO_LARGE'
  | 'ENCODING_INVALID'
  | 'YAML_SYNTAX'
  | 'YAML_TAB_INDENT'
  | 'YAML_INDENTATION'
  | 'JSON_SYNTAX'
  | 'DUPLICATE_KEY'
  | 'FORBIDDEN_KEY'
  | 'ALIAS_LIMIT'
  | 'NESTING_TOO_DEEP'
  // JSON Schema violations (rule sets and patients alike)
  | 'SCHEMA_REQUIRED'
  | 'SCHEMA_UNKNOWN_KEY'
  | 'SCHEMA_TYPE'
  | 'SCHEMA_ENUM'
  | 'SCHEMA_RANGE'
  | 'SCHEMA_PATTERN'
  | 'SCHEMA_INVALID'
  // CSV patient input (batch)
  | 'CSV_SYNTAX'
  | 'CSV_HEADER'
  | 'CSV_COLUMN_COUNT'
  | 'CSV_CELL'
  | 'CSV_LESION_GAP'
  // rule-set semantics
  | 'DUPLICATE_ID'
  | 'UNKNOWN_FACT'
  | 'UNKNOWN_OPERATOR'
  | 'UNKNOWN_TABLE'
  | 'UNKNOWN_REFERENCE'
  | 'UNKNOWN_PATIENT_FIELD'
  | 'INPUT_DOMAIN_MISMATCH'
  | 'INPUT_TYPE_MISMATCH'
  | 'UNIT_MISMATCH'
  | 'VALUE_NOT_IN_DOMAIN'
  | 'IMPLICATION_NOT_IN_CONTRACT'
  | 'TABLE_KEY_NOT_IN_DOMAIN'
  | 'TABLE_VALUE_NOT_IN_DOMAIN'
  | 'BAND_GAP'
  | 'BAND_OVERLAP'
  | 'BAND_OUT_OF_RANGE'
  | 'BAND_UNREACHABLE'
  | 'UNREACHABLE_ALTERNATIVE'
  | 'COMPONENT_GAP'
  | 'COMPONENT_OVERLAP'
  | 'DOMAIN_TOO_LARGE'
  | 'UNKNOWN_OUTPUT'
  | 'UNKNOWN_RECOMMENDATION'
  | 'DUPLICATE_RULESET'
  | 'RULESET_VERSION_REUSED'
  | 'UNKNOWN_RULESET_VERSION'
  | 'UNDECLARED_REQUIREMENT'
  | 'MISSING_REQUIREMENT'
  | 'DEPENDENCY_CYCLE'
  | 'SCOPE_MISMATCH'
  | 'CHANGELOG_MISSING_VERSION'
  | 'RULESET_ID_MISMATCH'
  | 'REQUIREMENT_FROM_LIBRARY'
  | 'EVALUATOR_FALLBACK'
  // institution profiles (overlays on rule sets)
  | 'PROFILE_UNKNOWN_RULESET'
  | 'PROFILE_VERSION_MISMATCH'
  | 'PROFILE_UNKNOWN_TARGET'
  | 'PROFILE_DUPLICATE_TARGET'
  | 'PROFILE_REFERENCE_CLASH'
  | 'PROFILE_NOT_APPLICABLE'
  | 'PROFILE_STALE_LABEL'
  | 'PROFILE_OUTSIDE_PUBLISHED'
  | 'PROFILE_UNCITED_CHANGE'
  | 'RULESET_WITHDRAWN'
  | 'BAND_LABEL_MISMATCH'
  | 'PROFILE_INVALID_RANGE'
  | 'PROFILE_AS_RULESET'
  | 'NOT_A_PROFILE'
  | 'THRESHOLD_NOT_FOLLOWED'
  // patient values and evaluation
  | 'NOT_A_PATIENT'
  | 'UNIT_UNSUPPORTED'
  | 'INCONSISTENT_INPUT'
  | 'REPORT_INPUT_INVALID'
  | 'COMPONENT_NO_MATCH'
  | 'COMPONENT_MULTIPLE_MATCH'
  | 'UNCONFIRMED_SOURCE'
  | 'NO_RULESETS'
  | 'NO_TEST_CASES'
  | 'CSV_TOO_MANY_LESIONS'
  // the command line itself
  | 'DIFF_DIFFERENT_RULESETS'
  | 'OPTION_INVALID'
  | 'OPTION_CONFLICT'
  | 'OUTPUT_UNWRITABLE'
  | 'OUTPUT_WRITE_FAILED'
  | 'PORT_UNAVAILABLE'
  | 'PATIENT_MISMATCH'
  | 'TOO_MANY_PROBLEMS'
  | 'TOKEN_TOO_SHORT'
  // rule-set test cases
  | 'CASE_MISMATCH'
  | 'CASE_UNKNOWN_OUTPUT'
  | 'CASE_UNKNOWN_VALUE'
  | 'CASE_MISSING_ITEM'
  | 'CASE_UNEXPECTED_ITEM'
  | 'CASE_REPEATED_ITEM'
  | 'CASE_UNKNOWN_RULESET'
  | 'CASE_NO_LESION'
  | 'CASE_UNKNOWN_RULE'
  | 'CASE_SUPERSEDED_UNKNOWN'
  // the audit trail: decision records, their hash chain and the rule-set store
  | 'AUDIT_TORN_LINE'
  | 'AUDIT_INVALID_JSON'
  | 'AUDIT_INVALID_RECORD'
  | 'AUDIT_RECORD_EDITED'
  | 'AUDIT_CHAIN_BROKEN'
  | 'AUDIT_DUPLICATE_DECISION'
  | 'AUDIT_RULESET_MISSING'
  | 'AUDIT_RULESET_EDITED'
  | 'AUDIT_LOCK_TIMEOUT'
  | 'AUDIT_WRITE_FAILED'
  | 'AUDIT_RECORD_NOT_FOUND'
  // the HTTP service (spinemets serve)
  | 'BODY_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UNAUTHORIZED'
  // CDS Hooks JWTs (serve --jwt-issuer)
  | 'JWT_MALFORMED'
  | 'JWT_ALGORITHM'
  | 'JWT_ISSUER_NOT_ALLOWED'
  | 'JWT_JKU_NOT_ALLOWED'
  | 'JWT_SIGNATURE'
  | 'JWT_EXPIRED'
  | 'JWT_NOT_YET_VALID'
  | 'JWT_AUDIENCE'
  | 'JWT_CLAIM_MISSING'
  | 'JWT_REPLAYED'
  | 'JWT_KEYS_UNAVAILABLE'
  | 'JWT_REPLAY_CACHE_FULL'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'UNKNOWN_SERVICE'
  | 'UNKNOWN_CARD'
  | 'PREFETCH_MISSING'
  // config/cds-hooks.yaml's card against the rule sets served
  | 'CARD_UNKNOWN_RULESET'
  | 'CARD_RULESET_NOT_SERVED'
  | 'CARD_UNKNOWN_OUTPUT'
  | 'CARD_UNKNOWN_VALUE'
  | 'CARD_PLACEHOLDER_INVALID'
  | 'CARD_SPINAL_DISEASE_UNSET'
  | 'BAD_REQUEST'
  | 'REQUEST_TIMEOUT'
  | 'SHUTTING_DOWN'
  | 'FEEDBACK_WRITE_FAILED'
  // said at serve start, in the log
  | 'FEEDBACK_NOT_KEPT'
  | 'NO_AUTHENTICATION'
  | 'INTERNAL_ERROR';

export type Severity = 'error' | 'warning';

/** The `file` of a problem with what was typed on the command line (an unknown --ruleset) rather than with a file. */
export const COMMAND_LINE = '<command line>';

export interface Problem {
  code: ProblemCode;
  severity: Severity;
  message: string;
  file?: string;
  line?: number;
  column?: number;
  /** JSON-pointer-like path of the offending value inside its document, e.g. `/lesions/0/level`. */
  path?: string;
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

/** Stable order: by file, then position, so output and tests do not depend on discovery order. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      a.code.localeCompare(b.code),
  );
}

/** The error a whole operation fails with; carries every problem found, never just the first. */
export class ProblemsError extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.map((p) => `${p.code}: ${p.message}`).join('\n'));
    this.name = 'ProblemsError';
  }
}
