import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { ReportSource } from '../report/html-report.js';
import { renderReport } from '../report/html-report.js';
import { rulesetStoreDir } from '../audit/ruleset-store.js';
import { verifyLog } from '../audit/verify-log.js';
import { formatProblem, formatProblems } from '../problems/format.js';
import type { Problem } from '../problems/problem.js';
import { jsonSyntaxProblem } from '../source/json-syntax.js';
import { EXIT, Exit } from './exit-codes.js';

interface RecordLike {
  decisionId: string;
  timestamp: string;
  engine?: { name: string; version: string };
  input?: Record<string, unknown>;
  hash?: string;
  rulesets: ReportSource['evaluation']['rulesets'];
  outputs: Omit<ReportSource['evaluation'], 'trace' | 'rulesets' | 'patient'>;
  trace: ReportSource['evaluation']['trace'];
}

/**
 * `spinemets report FILE --html OUT`: FILE is an evaluation (`evaluate --format json`), one decision
 * record, or an audit log (the record named by --id, else the last one).
 */
export async function reportCommand(file: string, options: { html: string; id?: string }): Promise<void> {
  const source = readSource(file, options.id);
  try {
    writeFileSync(options.html, renderReport(source));
  } catch (err) {
    // As batch's -o: a path that cannot be written is the caller's to fix, not an internal error.
    process.stderr.write(`cannot write ${options.html} (${(err as NodeJS.ErrnoException).code ?? 'unknown error'})\n`);
    throw new Exit(EXIT.usage);
  }
  process.stdout.write(`wrote ${options.html}\n`);
}

function readSource(file: string, id: string | undefined): ReportSource {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    fail(file, 'FILE_UNREADABLE', `cannot read file (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const whole = tryParse(text);
  if (whole && typeof whole === 'object' && 'trace' in whole && 'results' in whole) return { evaluation: whole as ReportSource['evaluation'] };
  if (whole && typeof whole === 'object' && 'decisionId' in whole) return verified(file, fromRecord(whole as RecordLike));
  const records = text.split('\n').map((line, i) => ({ line: i + 1, value: line.trim() ? tryParse(line) : undefined })).filter((r) => r.value !== undefined);
  // Not JSON as a whole, nor a line of it: one document with a syntax error, shown where it is.
  const syntax = whole === undefined && records.length === 0 ? jsonSyntaxProblem(text, file) : undefined;
  if (syntax) report(syntax);
  const chosen = id ? records.find((r) => (r.value as RecordLike | null)?.decisionId === id) : records[records.length - 1];
  if (!chosen || !chosen.value || typeof chosen.value !== 'object' || !('decisionId' in chosen.value)) {
    fail(file, 'REPORT_INPUT_INVALID', id ? `no decision record with decisionId ${id}` : 'neither an evaluation (evaluate --format json), a decision record, nor an audit log');
  }
  return verified(file, fromRecord(chosen.value as RecordLike));
}

/**
 * A record from an audit log (one `--record` wrote, with its rule-set store beside it): whatever
 * `audit verify` finds is shown, on standard error and in the report itself. A record saved on its
 * own has no chain to check.
 */
function verified(file: string, source: ReportSource): ReportSource {
  if (!existsSync(rulesetStoreDir(file))) return source;
  const { problems } = verifyLog(file);
  if (!problems.length) return source;
  process.stderr.write(formatProblems(problems.map((p) => ({ ...p, severity: 'warning' as const }))) + '\n');
  return { ...source, unverified: problems.map((p) => `line ${p.line ?? 1}: ${p.code} ${p.message}`) };
}

function fromRecord(record: RecordLike): ReportSource {
  const id = record.input && typeof record.input.id === 'string' ? record.input.id : null;
  return {
    evaluation: { ...record.outputs, trace: record.trace, rulesets: record.rulesets, patient: { id } },
    record: { decisionId: record.decisionId, timestamp: record.timestamp, ...(record.engine ? { engine: record.engine } : {}), ...(record.hash ? { hash: record.hash } : {}) },
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
