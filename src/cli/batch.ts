import { createWriteStream, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { buildRowJob, fitsOutput, formatEvaluation, type JobSpec } from '../batch/evaluate-row.js';
import type { InputFormat, OutputFormat } from '../batch/formats.js';
import { chunked, inOrder } from '../batch/in-order.js';
import { startProgress } from '../batch/progress.js';
import { inputFormatOf, openRowSource } from '../batch/row-source.js';
import { parseShard, shardRows, type Shard } from '../batch/shard.js';
import { BatchSummary, formatSummary } from '../batch/summary.js';
import { inProcessEvaluator, startWorkerPool } from '../batch/worker-pool.js';
import type { TraceLevel } from '../engine/trace-level.js';
import { formatProblems } from '../problems/format.js';
import { EXIT, Exit } from './exit-codes.js';
import { usageError, wholeNumber } from './usage-error.js';
import { loadRulesOrExit } from './load-rules.js';
import { openRecorder, type RecordOptions } from './record-decision.js';
import { sameFile } from './same-file.js';
import { refuseUnwritable } from './writable-path.js';

export interface BatchOptions extends RecordOptions {
  rules?: string[];
  ruleset?: string[];
  profile?: string[];
  trace?: TraceLevel;
  output?: string;
  inputFormat?: InputFormat;
  outputFormat?: OutputFormat;
  workers?: string;
  shard?: string;
  progress?: boolean;
  summary?: string;
  lesionColumns?: string;
}

/** Rows per message to a worker, and chunks in flight per worker: enough to keep every core busy, few enough to keep memory flat. */
const CHUNK_ROWS = 16;
const CHUNKS_PER_WORKER = 4;
/** CSV output's lesion column groups when the input does not say (NDJSON). */
const DEFAULT_LESION_COLUMNS = 4;

/**
 * Patients in (NDJSON or CSV), one result per patient out (NDJSON or CSV), in input order, streamed. A bad
 * row becomes an error record naming its line and the batch goes on; the exit code is 2 if any row was bad.
 */
export async function batchCommand(file: string, options: BatchOptions): Promise<void> {
  // Started first, so elapsed time and rate include loading the rule sets and starting the workers.
  const summary = new BatchSummary();
  const workers = wholeNumber(options.workers, '--workers', 1, 256) ?? availableParallelism();
  const shard = shardOption(options.shard);
  const format = options.outputFormat ?? 'ndjson';
  const trace = traceLevel(format, options.trace);
  // Like --trace with CSV output: an option the output format has no use for would be silently lost.
  if (format === 'ndjson' && options.lesionColumns !== undefined) usageError('OPTION_CONFLICT', `--lesion-columns ${options.lesionColumns}: NDJSON output gives every lesion; lesion column groups are for --output-format csv`);
  guardOutputs(file, options);
  const recorder = openRecorder(options);
  const rulesets = await loadRulesOrExit(options.rules, options.ruleset, options.profile);
  const { source, problems } = await openRowSource(file, inputFormatOf(file, options.inputFormat));
  if (!source) {
    process.stderr.write(formatProblems(problems) + '\n');
    throw new Exit(EXIT.input);
  }
  const spec: JobSpec = {
    file: source.name,
    ...(source.layout ? { layout: source.layout } : {}),
    format,
    trace,
    lesionColumns: wholeNumber(options.lesionColumns, '--lesion-columns', 1, 33) ?? source.layout?.lesionCount ?? DEFAULT_LESION_COLUMNS,
    keepEvaluation: recorder !== undefined,
  };
  const job = buildRowJob(spec, rulesets);
  const out = options.output ? await openOutput(options.output) : process.stdout;
  const evaluator = workers > 1 ? await startWorkerPool(workers, spec, rulesets) : inProcessEvaluator(spec, rulesets);
  if (job.columns) out.write(stringify([job.columns.header]));
  const progress = startProgress(options.progress ?? process.stderr.isTTY === true, source, () => summary.processed);
  try {
    const chunks = chunked(shardRows(source.rows, shard), CHUNK_ROWS);
    for await (const outcomes of inOrder(chunks, (rows) => evaluator.evaluate(rows), workers > 1 ? workers * CHUNKS_PER_WORKER : 1)) {
      for (const outcome of outcomes) {
        let { text } = outcome;
        if (outcome.patient && outcome.evaluation) {
          // --record: each result is written only after its decision record is on disk, in input order;
          // a row that cannot be output (CSV_TOO_MANY_LESIONS) is an error row, and no decision is recorded.
          // The NDJSON line names its record, as the service's /batch lines do.
          const decisionId = recorder && fitsOutput(outcome.evaluation, job) ? await recorder.record(outcome.patient, outcome.evaluation, rulesets) : undefined;
          Object.assign(outcome, formatEvaluation(outcome.line, outcome.evaluation, job, decisionId));
          text = outcome.text;
        }
        summary.add(outcome.line, outcome);
        if (text !== undefined && !out.write(text)) await once(out, 'drain');
      }
    }
  } finally {
    progress.stop();
    await evaluator.close();
  }
  if (out !== process.stdout) {
    out.end();
    await once(out, 'finish');
  }
  const report = summary.report();
  process.stderr.write(formatSummary(report));
  if (options.summary) writeFileSync(options.summary, JSON.stringify(report, null, 2) + '\n');
  recorder?.report();
  if (report.errors > 0) throw new Exit(EXIT.input);
}

/**
 * Before anything is opened for writing: -o, --summary and --record must each be a file of its own,
 * never the cohort being read (opening it for writing would empty it), and --summary, written at the
 * end, must have a folder to go into, so a long batch does not fail at its last step.
 */
function guardOutputs(input: string, options: BatchOptions): void {
  const named: Array<[string, string | undefined]> = [['-o', options.output], ['--summary', options.summary], ['--record', options.record]];
  const outputs = named.filter((o): o is [string, string] => o[1] !== undefined);
  for (const [i, [name, path]] of outputs.entries()) {
    if (sameFile(path, input)) usageError('OPTION_CONFLICT', `${name} ${path} is the cohort being read; writing it would destroy the input`);
    const other = outputs.slice(0, i).find(([, earlier]) => sameFile(earlier, path));
    if (other) usageError('OPTION_CONFLICT', `${name} and ${other[0]} name the same file, ${path}`);
  }
  if (options.summary !== undefined) refuseUnwritable('--summary', options.summary);
}

/** The -o file, opened before any work is done; a path that cannot be written is a usage error. */
async function openOutput(file: string): Promise<Writable> {
  const out = createWriteStream(file);
  try {
    // `once` rejects with the stream's error when it cannot be opened.
    await once(out, 'open');
  } catch (err) {
    usageError('OUTPUT_UNWRITABLE', `cannot write ${file} (${(err as NodeJS.ErrnoException).code ?? 'unknown error'})`);
  }
  return out;
}

/**
 * CSV output has no trace columns: it builds no trace (a quarter of the evaluation time at \`rules\`), and a
 * trace asked for there would be silently lost, so that is a usage error. --record keeps the full trace
 * whatever this says.
 */
function traceLevel(format: OutputFormat, asked: TraceLevel | undefined): TraceLevel {
  if (format === 'ndjson') return asked ?? 'rules';
  if (asked !== undefined && asked !== 'none') usageError('OPTION_CONFLICT', `--trace ${asked}: CSV output has no trace columns; use --output-format ndjson for the trace, or --record for the full trace of each decision`);
  return 'none';
}

function shardOption(text: string | undefined): Shard | undefined {
  if (text === undefined) return undefined;
  const shard = parseShard(text);
  return typeof shard === 'string' ? usageError('OPTION_INVALID', shard) : shard;
}
