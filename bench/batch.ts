/**
 * `npm run bench` (after bench/run.ts), or `npx tsx bench/batch.ts`: `spinemets batch` on a seeded synthetic
 * cohort written to a temporary NDJSON file, with 1 worker (in-process) and with one per core. Prints wall
 * time, patients/s and peak memory per run; then, on a slice, the pool's speedup beside what separate
 * processes get from the same cores (poolAgainstMachine). Needs the built CLI (`npm run build`).
 *
 * Peak memory is the batch process's peak resident set (`process.resourceUsage().maxRSS`, in its --summary
 * file): worker threads live in the same process, so it covers the main thread and every worker.
 *
 * Overrides: BENCH_BATCH_PATIENTS (default 1,000,000, the target size; the whole-pipeline engine
 * takes a while per patient, so try 5000 first), BENCH_SEED, BENCH_MISSING_RATE, BENCH_BATCH_TRACE (none,
 * rules or full; default rules, the batch default). Results go to /dev/null: what is timed is reading,
 * evaluating and serialising, not the disk.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { SummaryReport } from '../src/batch/summary.js';
import { generateCohort } from './cohort.js';

const CLI = new URL('../dist/cli/main.js', import.meta.url).pathname;
/** Patients generated per block, so a million never sit in memory at once. */
const BLOCK = 10_000;
/** The slice, and rounds, on which the pool's speedup is set against separate processes'. */
const CEILING_PATIENTS = 20_000;
const CEILING_ROUNDS = 3;

function setting(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name}: not a number: ${raw}`);
  return value;
}

/** The cohort, block by block (each block its own seed, so ids stay unique), with backpressure. */
async function writeCohort(file: string, patients: number, seed: number, missingRate: number): Promise<void> {
  const out = createWriteStream(file);
  for (let start = 0, block = 0; start < patients; start += BLOCK, block++) {
    const lines = generateCohort(Math.min(BLOCK, patients - start), seed + block, { missingRate }).map((p) => JSON.stringify(p)).join('\n') + '\n';
    if (!out.write(lines)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

interface Run {
  workers: number;
  wallSeconds: number;
  summary: SummaryReport;
}

async function runBatch(file: string, workers: number, output: string[], dir: string, name = `summary-${workers}`, extra: string[] = []): Promise<Run> {
  const summaryFile = join(dir, `${name}.json`);
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, 'batch', file, '--workers', String(workers), ...output, ...extra, '-o', '/dev/null', '--no-progress', '--summary', summaryFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const [status] = (await once(child, 'close')) as [number | null];
  const wallSeconds = (performance.now() - started) / 1000;
  if (status !== 0) throw new Error(`spinemets batch --workers ${workers} exited ${status}: ${stderr.split('\n')[0] ?? ''}`);
  return { workers, wallSeconds, summary: JSON.parse(readFileSync(summaryFile, 'utf8')) as SummaryReport };
}

const median = (values: number[]): number => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] as number;

/**
 * Whether the pool or the machine limits the speedup of `cores` workers. Evaluation is memory-bound, and
 * on a shared VM caches and memory bandwidth are shared too, so `cores` cores need not give `cores` times
 * one. Each round times, on the same slice: one worker; the pool; and `cores` single-worker batches side
 * by side, each on its `--shard` of the slice (the same work, in separate processes, with no pool at all).
 * Rounds are interleaved and the ratios are medians, as the machine's load moves between runs.
 */
async function poolAgainstMachine(file: string, cores: number, output: string[], dir: string): Promise<{ pool: number; sideBySide: number }> {
  const pool: number[] = [];
  const sideBySide: number[] = [];
  for (let round = 0; round < CEILING_ROUNDS; round++) {
    const one = await runBatch(file, 1, output, dir, 'one');
    pool.push(one.wallSeconds / (await runBatch(file, cores, output, dir, 'pool')).wallSeconds);
    const shares = await Promise.all(Array.from({ length: cores }, (_, k) => runBatch(file, 1, output, dir, `shard-${k}`, ['--shard', `${k + 1}/${cores}`])));
    sideBySide.push(one.wallSeconds / Math.max(...shares.map((r) => r.wallSeconds)));
  }
  return { pool: median(pool), sideBySide: median(sideBySide) };
}

async function main(): Promise<void> {
  const patients = Math.trunc(setting('BENCH_BATCH_PATIENTS', 1_000_000));
  const seed = Math.trunc(setting('BENCH_SEED', 20260527));
  const missingRate = setting('BENCH_MISSING_RATE', 0.15);
  const format = process.env.BENCH_BATCH_FORMAT ?? 'ndjson';
  if (format !== 'ndjson' && format !== 'csv') throw new Error(`BENCH_BATCH_FORMAT: ndjson or csv, not ${format}`);
  const trace = process.env.BENCH_BATCH_TRACE ?? 'rules';
  const output = format === 'csv' ? ['--output-format', 'csv'] : ['--trace', trace];
  const cores = availableParallelism();
  console.log(`\nbatch: node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${cores} cores; ${patients.toLocaleString('en-US')} patients, seed ${seed}, missing rate ${missingRate}, ${output.join(' ')}, all bundled rule sets`);
  const dir = mkdtempSync(join(tmpdir(), 'spinemets-bench-batch-'));
  try {
    const file = join(dir, 'cohort.ndjson');
    await writeCohort(file, patients, seed, missingRate);
    const runs: Run[] = [];
    for (const workers of new Set([1, cores])) runs.push(await runBatch(file, workers, output, dir));
    for (const { workers, wallSeconds, summary } of runs) {
      const rate = patients / wallSeconds;
      const million = patients < 1_000_000 ? `, 1,000,000 would take ~${Math.round(1_000_000 / rate).toLocaleString('en-US')} s` : '';
      console.log(
        `batch --workers ${workers}: ${wallSeconds.toFixed(1)} s wall, ${Math.round(rate).toLocaleString('en-US')} patients/s, peak RSS ${summary.peakRssMB} MB (main + workers)${million}; ${summary.evaluated} evaluated, ${summary.errors} invalid`,
      );
    }
    if (cores > 1) {
      const sliceSize = Math.min(patients, CEILING_PATIENTS);
      const slice = join(dir, 'slice.ndjson');
      await writeCohort(slice, sliceSize, seed, missingRate);
      const { pool, sideBySide } = await poolAgainstMachine(slice, cores, output, dir);
      console.log(
        `batch, first ${sliceSize.toLocaleString('en-US')} patients, medians of ${CEILING_ROUNDS} interleaved rounds: --workers ${cores} ${pool.toFixed(2)}× the throughput of --workers 1; ${cores} single-worker batches side by side, one --shard each, ${sideBySide.toFixed(2)}× (what this machine gives ${cores} batches at once)`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
