/**
 * `npm run differential -- [patients] [seed] [workers]`: the compiled evaluator against json-rules-engine
 * (the reference semantics) on seeded random patients through every bundled rule set. Each patient is
 * evaluated both ways with the full trace, and the two JSON outputs must be byte-identical; the first
 * differing patients are printed and the exit code is 1. CI runs a small seeded sample of the same check
 * (test/compiled-evaluator.test.ts); this is the large run.
 *
 * Patients come in chunks of CHUNK, chunk c from seed + c with a missing rate cycling through
 * MISSING_RATES, so a run of any size covers sparse and complete records; every other chunk is of wide
 * patients (bench/wide-cohort.ts), which fill every field a bundled rule set reads, on both sides of
 * every threshold, where the benchmark cohort leaves most of the prognostic scores' and LMNOP's fields out. Chunks are shared among
 * worker threads (default: one per core); progress goes to standard error.
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { evaluatePatient } from '../src/engine/evaluate-patient.js';
import { BUNDLED_RULES_DIR, loadRuleSets } from '../src/ruleset/load-rulesets.js';
import { generatePipelineCohort } from './cohort.js';
import { widePatients } from './wide-cohort.js';

const DEFAULT_PATIENTS = 100_000;
const DEFAULT_SEED = 20261127;
const CHUNK = 500;
const MISSING_RATES = [0.05, 0.2, 0.5];
const SHOW_DIFFERENCES = 3;

interface Job {
  patients: number;
  seed: number;
  worker: number;
  workers: number;
}
type Report = { kind: 'progress'; checked: number } | { kind: 'difference'; patient: Record<string, unknown> } | { kind: 'done' };

async function check(job: Job, report: (r: Report) => void): Promise<void> {
  const { rulesets, problems } = await loadRuleSets([BUNDLED_RULES_DIR]);
  if (problems.some((p) => p.severity === 'error')) throw new Error('the bundled rule sets have errors; run spinemets validate');
  const chunks = Math.ceil(job.patients / CHUNK);
  for (let c = job.worker; c < chunks; c += job.workers) {
    const size = Math.min(CHUNK, job.patients - c * CHUNK);
    const missingRate = MISSING_RATES[c % MISSING_RATES.length] ?? 0;
    const patients = c % 2 === 0 ? generatePipelineCohort(size, job.seed + c, { missingRate }) : widePatients(size, job.seed + c, missingRate);
    for (const patient of patients) {
      const compiled = JSON.stringify(await evaluatePatient(patient, rulesets, { evaluator: 'compiled', trace: 'full' }));
      const reference = JSON.stringify(await evaluatePatient(patient, rulesets, { evaluator: 'json-rules-engine', trace: 'full' }));
      if (compiled !== reference) report({ kind: 'difference', patient });
    }
    report({ kind: 'progress', checked: size });
  }
  report({ kind: 'done' });
}

function positiveInteger(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name}: not a positive integer: ${raw}`);
  return value;
}

async function main(): Promise<number> {
  const patients = positiveInteger(process.argv[2], DEFAULT_PATIENTS, 'patients');
  const seed = positiveInteger(process.argv[3], DEFAULT_SEED, 'seed');
  const workers = Math.min(positiveInteger(process.argv[4], availableParallelism(), 'workers'), Math.ceil(patients / CHUNK));
  const started = performance.now();
  let checked = 0;
  const differences: Array<Record<string, unknown>> = [];
  await Promise.all(Array.from({ length: workers }, (_, worker) => new Promise<void>((resolve, reject) => {
    // The script runs under tsx; a worker registers tsx's loader before importing this TypeScript file.
    const entry = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;
    const thread = new Worker(entry, { eval: true, workerData: { patients, seed, worker, workers } satisfies Job });
    thread.on('message', (r: Report) => {
      if (r.kind === 'difference') {
        differences.push(r.patient);
        // Shown at once: a long run stopped early still names what it found.
        process.stderr.write(`\nDIFFERENT: ${JSON.stringify(r.patient)}\n`);
      }
      if (r.kind === 'progress') {
        checked += r.checked;
        const seconds = (performance.now() - started) / 1000;
        process.stderr.write(`\r${checked}/${patients} patients, ${differences.length} differing, ${Math.round(checked / seconds)}/s  `);
      }
      if (r.kind === 'done') resolve();
    });
    thread.on('error', reject);
  })));
  process.stderr.write('\n');
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  if (differences.length) {
    console.error(`DIFFERENT: ${differences.length} of ${checked} patients (seed ${seed}); first ${Math.min(SHOW_DIFFERENCES, differences.length)}:`);
    for (const p of differences.slice(0, SHOW_DIFFERENCES)) console.error(`  ${JSON.stringify(p)}`);
    return 1;
  }
  console.log(`identical: ${checked} patients (seed ${seed}, ${workers} workers, ${seconds} s), compiled and json-rules-engine give byte-identical results and full traces`);
  return 0;
}

if (isMainThread) {
  process.exitCode = await main();
} else {
  const job = workerData as Job;
  await check(job, (r) => parentPort?.postMessage(r));
}
