/**
 * `npm run bench` (after bench/run.ts), or `npx tsx bench/batch.ts`: `spinemets batch` on a seeded synthetic
 * cohort written to a temporary NDJSON file, with 1 worker (in-process) and with one per core. Prints wall
 * time, patients/s and peak memory per run. Needs the built CLI (`npm run build`).
 *
 * Peak memory is the batch process's peak resident set (`process.resourceUsage().maxRSS`, in its --summary
 * file): worker threads live in the same process, so it covers the main thread and every worker.
 *
 * Overrides: BENCH_BATCH_PATIENTS (default 1,000,000, the target size; the whole-pipeline engine
 * takes a while per patient, so try 5000 first), BENCH_SEED, BENCH_MISSING_RATE, BENCH_BATCH_TRACE (none,
 * rules or full; default rules, the batch default). Results go to /dev/null: what is timed is reading,
 * evaluating and serialising, not the disk.
 */
import { spawnSync } from 'node:child_process';
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

function runBatch(file: string, workers: number, output: string[], dir: string): Run {
  const summaryFile = join(dir, `summary-${workers}.json`);
  const started = performance.now();
  const child = spawnSync(process.execPath, [CLI, 'batch', file, '--workers', String(workers), ...output, '-o', '/dev/null', '--no-progress', '--summary', summaryFile], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  const wallSeconds = (performance.now() - started) / 1000;
  if (child.status !== 0) throw new Error(`spinemets batch --workers ${workers} exited ${child.status}: ${child.stderr.split('\n')[0] ?? ''}`);
  return { workers, wallSeconds, summary: JSON.parse(readFileSync(summaryFile, 'utf8')) as SummaryReport };
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
    const runs = [...new Set([1, cores])].map((workers) => runBatch(file, workers, output, dir));
    for (const { workers, wallSeconds, summary } of runs) {
      const rate = patients / wallSeconds;
      const million = patients < 1_000_000 ? `, 1,000,000 would take ~${Math.round(1_000_000 / rate).toLocaleString('en-US')} s` : '';
      console.log(
        `batch --workers ${workers}: ${wallSeconds.toFixed(1)} s wall, ${Math.round(rate).toLocaleString('en-US')} patients/s, peak RSS ${summary.peakRssMB} MB (main + workers)${million}; ${summary.evaluated} evaluated, ${summary.errors} invalid`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
