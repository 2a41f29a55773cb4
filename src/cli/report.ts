import { constants as bufferConstants } from 'node:buffer';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { ReportSource } from '../report/html-report.js';
import { renderReport } from '../report/html-report.js';
import { rulesetStoreDir } from '../audit/ruleset-store.js';
import { canonicalDecisionId, hashHolds, type RecordedRequest } from '../audit/decision-record.js';
import { readLogLines } from '../audit/read-log-lines.js';
import { outputKind } from '../audit/output-kind.js';
import { logVerifier, recordEditedMessage, verifyLog, whyUnreadable } from '../audit/verify-log.js';
import { formatProblem, formatProblems } from '../problems/format.js';
import type { Problem } from '../problems/problem.js';
import { documentKind } from '../source/document-kind.js';
import { jsonSyntaxProblem } from '../source/json-syntax.js';
import { schemaProblems } from '../source/schema-problems.js';
import { validator } from '../source/schemas.js';
import { parseSource } from '../source/source-document.js';
import { EXIT, Exit } from './exit-codes.js';
import { sameFile } from './same-file.js';
import { usageError } from './usage-error.js';

const { MAX_STRING_LENGTH } = bufferConstants;

interface RecordLike {
  decisionId: string;
  timestamp: string;
  engine?: { name: string; version: string };
  input?: Record<string, unknown>;
  hash?: string;
  request?: RecordedRequest;
  rulesets: ReportSource['evaluation']['rulesets'];
  outputs: Omit<ReportSource['evaluation'], 'trace' | 'rulesets' | 'patient'>;
  trace: ReportSource['evaluation']['trace'];
}

/**
 * `spinemets report FILE --html OUT`: FILE is an evaluation (`evaluate --format json`), one decision
 * record, or an audit log (the record named by --id, else the last one).
 */
export async function reportCommand(file: string, options: { html: string; id?: string }): Promise<void> {
  // Writing the page over what it is made from would destroy it: an audit log, or the only copy of a record.
  if (sameFile(options.html, file)) usageError('OPTION_CONFLICT', `--html ${options.html} is the file being reported on; writing it would destroy it`);
  const source = readSource(file, options.id);
  // Rendered before the write, so that only a failure to write is blamed on the output path.
  const html = renderReport(source);
  try {
    writeFileSync(options.html, html);
  } catch (err) {
    // As batch's -o: a path that cannot be written is the caller's to fix, not an internal error.
    usageError('OUTPUT_UNWRITABLE', `cannot write ${options.html} (${(err as NodeJS.ErrnoException).code ?? 'unknown error'})`);
  }
  process.stdout.write(`wrote ${options.html}\n`);
}

function readSource(file: string, id: string | undefined): ReportSource {
  const unreadable = whyUnreadable(file);
  if (unreadable) fail(file, 'FILE_UNREADABLE', `cannot read file (${unreadable})`);
  // A log is read line by line: a year of records outgrows the longest string V8 can hold.
  const text = startsWithRecordLine(file) ? undefined : readWhole(file);
  const whole = text === undefined ? undefined : tryParse(text);
  if (isEvaluation(whole)) {
    // --id picks a record from a log: an evaluation has no decision to pick, and it was silently ignored.
    if (id !== undefined) usageError('OPTION_CONFLICT', `--id ${id} names a decision record; ${file} is an evaluation (evaluate --format json), which has none`);
    checkShape(whole, { file, text: text as string, line: 1 });
    return { evaluation: whole };
  }
  if (isRecord(whole)) {
    if (id !== undefined && !sameDecision(whole.decisionId, id)) fail(file, 'REPORT_INPUT_INVALID', `no decision record with decisionId ${id} (this record is ${String(whole.decisionId)})`);
    const verify = integrity(file, whole, () => verifyLog(file).problems);
    checkShape(evaluationOf(whole), { file, text: text as string, line: 1 }, { inRecord: true, alongside: verify });
    return withVerification(fromRecord(whole), verify);
  }
  const { chosen, chosenLine, anyObjectLine, problems } = searchLog(file, id);
  // The patient itself (YAML or JSON) is the likeliest other file: it was a JSON syntax error at its first "#".
  if (!chosen && text !== undefined && isPatient(text)) fail(file, 'REPORT_INPUT_INVALID', `a patient, not an evaluation: evaluate it first (spinemets evaluate ${file} --format json > evaluation.json), then report on evaluation.json`);
  // Not JSON as a whole, nor a line of it: one document with a syntax error, shown where it is.
  const syntax = text !== undefined && whole === undefined && !anyObjectLine ? jsonSyntaxProblem(text, file) : undefined;
  if (syntax) report(syntax);
  if (!chosen) fail(file, 'REPORT_INPUT_INVALID', id ? `no decision record with decisionId ${id}` : 'neither an evaluation (evaluate --format json), a decision record, nor an audit log');
  const verify = integrity(file, chosen, () => problems);
  if (chosenLine) checkShape(evaluationOf(chosen), { file, ...chosenLine }, { inRecord: true, alongside: verify });
  return withVerification(fromRecord(chosen), verify);
}

/**
 * What the page renders, checked against the output contract (schemas/evaluation.schema.json) before
 * it is rendered: an evaluation or record edited out of shape (a trace set to null, a rule set without
 * its version) gets every problem at its place and exit 2, not an internal error half-way through.
 * The text is parsed for positions only then; a record's line in a log is its first line.
 */
function checkShape(evaluation: unknown, where: { file: string; text: string; line: number }, options: { inRecord?: boolean; alongside?: () => Problem[] } = {}): void {
  const validate = validator('evaluation');
  if (validate(evaluation)) return;
  const errors = (validate.errors ?? []).map((e) => (options.inRecord ? { ...e, instancePath: recordPointer(e.instancePath) } : e));
  const source = parseSource(where.text, where.file);
  const problems = schemaProblems(errors, source).map((p) => ({ ...p, line: (p.line ?? 1) + where.line - 1 }));
  // What the log's verification found is said too: all problems at once.
  const warnings = (options.alongside?.() ?? []).map((p) => ({ ...p, severity: 'warning' as const }));
  process.stderr.write(formatProblems([...warnings, ...problems]) + '\n');
  throw new Exit(EXIT.input);
}

/** A record's evaluation as the page reads it: its outputs, with its trace and rule sets beside them. */
function evaluationOf(record: RecordLike): unknown {
  return { ...(isObject(record.outputs) ? record.outputs : {}), trace: record.trace, rulesets: record.rulesets };
}

/** Where a value of evaluationOf's (a JSON pointer) is in the record: the trace and rule sets beside the outputs. */
function recordPointer(pointer: string): string {
  return /^\/(trace|rulesets)(\/|$)/.test(pointer) ? pointer : `/outputs${pointer}`;
}

/**
 * What can be said of a record's integrity: what `audit verify` finds (`stored`) when the log's
 * rule-set store is beside it; without the store, the record's own hash, and that nothing else could be checked.
 */
function integrity(file: string, record: RecordLike, stored: () => Problem[]): () => Problem[] {
  return () => (existsSync(rulesetStoreDir(file)) ? stored() : unstoredProblems(file, record));
}

function unstoredProblems(file: string, record: RecordLike): Problem[] {
  const at = { file, line: 1, column: 1, severity: 'error' as const };
  const edited = 'hash' in record && !hashHolds(record) ? [{ ...at, code: 'AUDIT_RECORD_EDITED' as const, message: recordEditedMessage(record.decisionId) }] : [];
  return [...edited, { ...at, code: 'AUDIT_RULESET_MISSING', message: `no rule-set store beside it (${rulesetStoreDir(file)}): the chain and the rule sets the decision was made with cannot be checked` }];
}

/**
 * One pass over a log: the record named by `id` (else the last), checked as `audit verify` checks it
 * when the log has its rule-set store beside it. Past a break in the chain records are still found,
 * but no longer vouched for.
 */
function searchLog(file: string, id: string | undefined): { chosen?: RecordLike; chosenLine?: { text: string; line: number }; anyObjectLine: boolean; problems: Problem[] } {
  const verifier = existsSync(rulesetStoreDir(file)) ? logVerifier(file) : undefined;
  let chosen: RecordLike | undefined;
  let chosenLine: { text: string; line: number } | undefined;
  let anyObjectLine = false;
  for (const entry of readLogLines(file)) {
    const value: unknown = verifier?.next(entry) ?? (entry.text.trim() ? tryParse(entry.text) : undefined);
    // A line of a pretty-printed document can be JSON on its own (`3`, inside a range): only an object line reads as a log.
    anyObjectLine ||= isObject(value);
    if (isRecord(value) && (id === undefined || sameDecision(value.decisionId, id))) {
      chosen = value;
      chosenLine = { text: entry.text, line: entry.line };
    }
    // Without a chain to check, nothing after the named record matters.
    if (id !== undefined && chosen && !verifier) break;
  }
  return { chosen, chosenLine, anyObjectLine, problems: verifier?.verification().problems ?? [] };
}

/**
 * A record from an audit log (one `--record` wrote, with its rule-set store beside it): whatever
 * `audit verify` finds is shown, on standard error and in the report itself. A record saved on its
 * own has no chain to check.
 */
function withVerification(source: ReportSource, verify: () => Problem[]): ReportSource {
  const problems = verify();
  if (!problems.length) return source;
  process.stderr.write(formatProblems(problems.map((p) => ({ ...p, severity: 'warning' as const }))) + '\n');
  return { ...source, unverified: problems.map((p) => `line ${p.line ?? 1}: ${p.code} ${p.message}`) };
}

function startsWithRecordLine(file: string): boolean {
  const lines = readLogLines(file);
  try {
    const first = lines.next();
    return !first.done && first.value.terminated && isRecord(tryParse(first.value.text));
  } finally {
    lines.return(undefined);
  }
}

/** The file as one string, or undefined when it is too long to be one (then only a log can be read). */
function readWhole(file: string): string | undefined {
  if (statSync(file).size > MAX_STRING_LENGTH) return undefined;
  return readFileSync(file, 'utf8');
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/** A file that reads (as YAML, which JSON is) as a patient of the input contract. */
function isPatient(text: string): boolean {
  return documentKind(parseSource(text, '').data) === 'patient';
}

function isEvaluation(value: unknown): value is ReportSource['evaluation'] {
  return outputKind(value) === 'evaluation';
}

function isRecord(value: unknown): value is RecordLike {
  return outputKind(value) === 'record';
}

function fromRecord(record: RecordLike): ReportSource {
  const id = record.input && typeof record.input.id === 'string' ? record.input.id : null;
  return {
    evaluation: { ...record.outputs, trace: record.trace, rulesets: record.rulesets, patient: { id } },
    record: { decisionId: record.decisionId, timestamp: record.timestamp, ...(record.engine ? { engine: record.engine } : {}), ...(record.hash ? { hash: record.hash } : {}), ...(record.request ? { request: record.request } : {}) },
  };
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function fail(file: string, code: 'FILE_UNREADABLE' | 'REPORT_INPUT_INVALID', message: string): never {
  report({ code, severity: 'error', message, file, line: 1, column: 1 });
}

function report(problem: Problem): never {
  process.stderr.write(formatProblem(problem) + '\n');
  throw new Exit(EXIT.input);
}

/** Whether a record's decision id (as read, of any type) is the one asked for, in either letter case. */
function sameDecision(recorded: unknown, id: string): boolean {
  return typeof recorded === 'string' && canonicalDecisionId(recorded) === canonicalDecisionId(id);
}
