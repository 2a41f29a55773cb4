/**
 * `npm run bench [-- <patients> [<seed>]]`: one seeded synthetic cohort through
 *  - the hand-written baseline (bench/baseline.ts), of SINS + NESMS and of the full pipeline,
 *  - the engine with compiled conditions and with json-rules-engine (the reference semantics), on
 *    SINS + NESMS and on the full pipeline (SINS, NESMS, NOMS, plan and the prognostic scores the plan
 *    requires), at each trace level,
 * and `spinemets evaluate` wall time against `node -e 0`, then peak memory. The engine is the built one
 * (dist/, see bench/built.ts), as the CLI runs it. Prints one table; "baseline /
 * this" divides by the baseline of the row's own pipeline.
 *
 * Checks, exit code 1 on any failure: at every trace level, every output the baseline computes (scores,
 * ranges, categories, components, classifications with their possible values, recommendations) agrees
 * with the compiled evaluator's on every patient; json-rules-engine's output is byte-identical to the
 * compiled evaluator's on the patients it runs (the first BENCH_REFERENCE, as it is much slower).
 *
 * Overrides: argv[2] or BENCH_PATIENTS (default 2000), argv[3] or BENCH_SEED (default 20260527),
 * BENCH_MISSING_RATE (default 0.15), BENCH_REFERENCE (default 100), BENCH_STARTUP_RUNS (default 10).
 * To add a path (e.g. a batch benchmark), add a row to `rows`.
 */
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { EngineOptions } from '../src/engine/evaluate-parts.js';
import { TRACE_LEVELS } from '../src/engine/trace-level.js';
import type { LoadedRuleSet } from '../src/ruleset/types.js';
import { validator } from '../src/source/schemas.js';
import { disagreements, type BaselineResults } from './agreement.js';
import { BUNDLED_RULES_DIR, evaluatePatient, loadRuleSets, withRequirements } from './built.js';
import { evaluateBaseline, evaluatePipeline, type PipelinePatient } from './baseline.js';
import { generatePipelineCohort } from './cohort.js';
import { measureStartUp, median } from './startup.js';

/** Patients (of another seed) each pipeline runs before it is timed. */
const WARMUP = 2000;
const BASELINE_WINDOWS = 5;
const SHOW_DISAGREEMENTS = 5;
const PIPELINES = { 'SINS+NESMS': ['sins', 'nesms'], 'full pipeline': ['sins', 'nesms', 'noms', 'plan'] } as const;
type Pipeline = keyof typeof PIPELINES;
/** The hand-written baseline of each pipeline. */
const BASELINES: Record<Pipeline, (patient: PipelinePatient) => BaselineResults> = { 'SINS+NESMS': evaluateBaseline, 'full pipeline': evaluatePipeline };

function numberArg(argv: string | undefined, env: string | undefined, fallback: number, name: string): number {
  const raw = argv ?? env;
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name}: not a number: ${raw}`);
  return value;
}

interface Row {
  path: string;
  pipeline: Pipeline;
  trace: string;
  perSecond: number;
  patients: number;
}

/**
 * Patients per second over one pass, keeping nothing: a batch streams its results out, and holding
 * thousands of evaluations would time the garbage collector's old generation instead of the engine.
 */
async function timeEngine(cohort: readonly Record<string, unknown>[], rulesets: readonly LoadedRuleSet[], options: EngineOptions): Promise<number> {
  const start = performance.now();
  for (const p of cohort) await evaluatePatient(p, rulesets, options);
  return (cohort.length / (performance.now() - start)) * 1000;
}

/**
 * The baseline is far faster: warmed up for a quarter of a second (the engine is warmed up on WARMUP
 * patients), then timed in BASELINE_WINDOWS windows of as many whole passes as fit in 200 ms (at least
 * one); the median window's rate is reported, so that a burst of load on a shared machine during one
 * short window does not decide the row. Timed passes keep no results (each is only touched): holding a
 * pass's results made V8 move them to the old generation and then spend most of the time collecting
 * them, in some runs and not others. The results compared with the engine come from one more pass.
 */
function timeBaseline(cohort: readonly PipelinePatient[], baseline: (patient: PipelinePatient) => BaselineResults): { perSecond: number; patients: number; results: BaselineResults[] } {
  let touched = 0;
  const pass = (): void => {
    for (const patient of cohort) touched += baseline(patient).lesions.length;
  };
  const warmUp = performance.now();
  do pass();
  while (performance.now() - warmUp < 250);
  const rates: number[] = [];
  let patients = 0;
  for (let w = 0; w < BASELINE_WINDOWS; w += 1) {
    let passes = 0;
    const start = performance.now();
    do {
      pass();
      passes += 1;
    } while (performance.now() - start < 200);
    rates.push(((cohort.length * passes) / (performance.now() - start)) * 1000);
    patients += cohort.length * passes;
  }
  if (touched < 0) throw new Error('unreachable: keeps the timed calls from being optimised away');
  return { perSecond: median(rates.sort((a, b) => a - b)), patients, results: cohort.map(baseline) };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

async function main(): Promise<number> {
  const patients = Math.trunc(numberArg(process.argv[2], process.env.BENCH_PATIENTS, 2000, 'patients'));
  const seed = Math.trunc(numberArg(process.argv[3], process.env.BENCH_SEED, 20260527, 'seed'));
  const missingRate = numberArg(undefined, process.env.BENCH_MISSING_RATE, 0.15, 'BENCH_MISSING_RATE');
  const referenceCount = Math.min(patients, Math.trunc(numberArg(undefined, process.env.BENCH_REFERENCE, 100, 'BENCH_REFERENCE')));
  const startUpRuns = Math.trunc(numberArg(undefined, process.env.BENCH_STARTUP_RUNS, 10, 'BENCH_STARTUP_RUNS'));
  const cpu = cpus();
  console.log(`node ${process.version} on ${process.platform}/${process.arch}; ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);

  const load = await loadRuleSets([BUNDLED_RULES_DIR]);
  const errors = load.problems.filter((p) => p.severity === 'error');
  if (errors.length) {
    for (const p of errors) console.error(`${p.file}:${p.line}:${p.column} ${p.code} ${p.message}`);
    return 2;
  }
  const rulesetsOf = (pipeline: Pipeline): LoadedRuleSet[] => withRequirements(load.rulesets.filter((r) => (PIPELINES[pipeline] as readonly string[]).includes(r.document.id)), load.rulesets);
  console.log(`full pipeline: ${rulesetsOf('full pipeline').map((r) => `${r.document.id}@${r.document.version}`).join(', ')}`);

  const cohort = generatePipelineCohort(patients, seed, { missingRate });
  const lesions = cohort.reduce((n, p) => n + ((p.lesions as unknown[] | undefined)?.length ?? 0), 0);
  console.log(`cohort: ${patients} patients, ${lesions} lesions, seed ${seed}, missing rate ${missingRate}; json-rules-engine on the first ${referenceCount}`);
  const validate = validator('patient');
  const invalid = cohort.filter((p) => !validate(p));
  if (invalid.length) {
    console.error(`${invalid.length} generated patients fail schemas/patient.schema.json, e.g. ${JSON.stringify(invalid[0])}`);
    return 2;
  }

  const rows: Row[] = [];
  let failures = 0;
  const reference = cohort.slice(0, referenceCount);
  const warmup = generatePipelineCohort(WARMUP, seed + 1, { missingRate });
  // Both baselines first, before the engine's evaluations fill the heap.
  const baselines = {} as Record<Pipeline, ReturnType<typeof timeBaseline>>;
  for (const pipeline of Object.keys(PIPELINES) as Pipeline[]) baselines[pipeline] = timeBaseline(cohort as PipelinePatient[], BASELINES[pipeline]);
  for (const pipeline of Object.keys(PIPELINES) as Pipeline[]) {
    const baseline = baselines[pipeline];
    rows.push({ path: 'hand-written baseline', pipeline, trace: '-', perSecond: baseline.perSecond, patients: baseline.patients });
    const rulesets = rulesetsOf(pipeline);
    // Warmed up on other patients (another seed): compiled code, and the remembered explorations of
    // missing values a long batch reuses, are warm; the timed patients are new to the engine.
    for (const trace of TRACE_LEVELS) {
      // Each level takes its own paths through the engine (e.g. no lookup entries below full).
      for (const p of warmup) await evaluatePatient(p, rulesets, { trace });
      rows.push({ path: 'engine, compiled', pipeline, trace, perSecond: await timeEngine(cohort, rulesets, { evaluator: 'compiled', trace }), patients });
      rows.push({ path: 'engine, json-rules-engine', pipeline, trace, perSecond: await timeEngine(reference, rulesets, { evaluator: 'json-rules-engine', trace }), patients: referenceCount });
      // Checked in an untimed pass, patient by patient: json-rules-engine byte-identical on the reference
      // patients, and every output the baseline computes (results must not depend on the trace level).
      let differing = 0;
      const shown: string[] = [];
      let disagreeing = 0;
      for (const [i, patient] of cohort.entries()) {
        const evaluation = await evaluatePatient(patient, rulesets, { evaluator: 'compiled', trace });
        if (i < referenceCount && JSON.stringify(await evaluatePatient(patient, rulesets, { evaluator: 'json-rules-engine', trace })) !== JSON.stringify(evaluation)) differing += 1;
        const found = disagreements(evaluation, baseline.results[i] as BaselineResults);
        if (found.length === 0) continue;
        disagreeing += 1;
        if (shown.length < SHOW_DISAGREEMENTS) shown.push(`  ${String(patient.id)}: ${found.join('; ')}`);
      }
      if (differing) {
        console.error(`DIFFERENT: json-rules-engine and compiled outputs differ for ${differing} of ${referenceCount} patients (${pipeline}, trace ${trace})`);
        failures += 1;
      }
      if (disagreeing) {
        console.error(`DISAGREEMENT (${pipeline}, trace ${trace}): ${disagreeing} of ${patients} patients differ from the baseline; first ${shown.length}:\n${shown.join('\n')}`);
        failures += 1;
      }
    }
  }

  console.log('\n| path | rule sets | trace | patients/s | baseline / this | compiled / json-rules-engine |');
  console.log('|---|---|---|---:|---:|---:|');
  for (const row of rows) {
    const vsBaseline = `${(baselines[row.pipeline].perSecond / row.perSecond).toFixed(1)}×`;
    const twin = row.path === 'engine, compiled' ? rows.find((r) => r.path === 'engine, json-rules-engine' && r.pipeline === row.pipeline && r.trace === row.trace) : undefined;
    console.log(`| ${row.path} | ${row.pipeline} | ${row.trace} | ${fmt(row.perSecond)} | ${vsBaseline} | ${twin ? `${(row.perSecond / twin.perSecond).toFixed(0)}×` : ''} |`);
  }

  const startUp = startUpRuns > 0 ? measureStartUp(startUpRuns) : undefined;
  if (startUp) {
    const [e, n] = [startUp.evaluate, startUp.nodeOnly];
    console.log(`\nspinemets evaluate examples/patient.yaml (dist, ${startUpRuns} runs): min ${e[0]?.toFixed(2)} s, median ${median(e).toFixed(2)} s; node -e 0: min ${n[0]?.toFixed(2)} s, median ${median(n).toFixed(2)} s; ratio of minima ${((e[0] ?? 0) / (n[0] ?? 1)).toFixed(1)}×, of medians ${(median(e) / median(n)).toFixed(1)}×; evaluate peak RSS ${(startUp.evaluateMaxRssKb / 1024).toFixed(0)} MB`);
  } else if (startUpRuns > 0) {
    console.log('\nspinemets evaluate: not measured (run npm run build first)');
  }
  console.log(`bench peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  if (failures) return 1;
  console.log(`agreement: every output of the baseline (scores, ranges, categories, components, classifications, recommendations) on all ${patients} patients, in both pipelines, at every trace level; json-rules-engine byte-identical on ${referenceCount} at every level`);
  return 0;
}

process.exitCode = await main();
