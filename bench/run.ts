/**
 * `npm run bench [-- <patients> [<seed>]]`: one seeded synthetic cohort through
 *  - the hand-written baseline (bench/baseline.ts), of SINS + NESMS and of the full pipeline,
 *  - the engine with compiled conditions and with json-rules-engine (the reference semantics), on
 *    SINS + NESMS and on the full pipeline (SINS, NESMS, NOMS, plan and the prognostic scores the plan
 *    requires), at each trace level,
 * and `spinemets evaluate` wall time against `node -e 0`, then peak memory. The engine is the built one
 * (dist/, see bench/built.ts), as the CLI runs it. Prints one table; each trace level is timed in rounds of
 * a baseline window, a compiled slice and a json-rules-engine slice, and each ratio in it is the median
 * of the rounds' ratios (timeLevel), so that a ratio is not the load of two different minutes.
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
import { TRACE_LEVELS, type TraceLevel } from '../src/engine/trace-level.js';
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
const BASELINES: Record<Pipeline, Baseline> = { 'SINS+NESMS': evaluateBaseline, 'full pipeline': evaluatePipeline };

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
  /** The pipeline's baseline rate over this row's: the median of its rounds (see timeLevel). */
  vsBaseline: number;
  /** Compiled rows: the compiled evaluator's rate over json-rules-engine's, the median of the rounds. */
  vsReference?: number;
}

type Baseline = (patient: PipelinePatient) => BaselineResults;

/** Rounds a trace level is timed in: a slice of each engine's patients right after a window of the baseline. */
const ROUNDS = 5;

type Engine = 'compiled' | 'reference';
const ENGINES: readonly Engine[] = ['compiled', 'reference'];
const EVALUATORS = { compiled: 'compiled', reference: 'json-rules-engine' } as const;

interface Timed {
  perSecond: number;
  /** The median over the rounds of the baseline's rate over this engine's. */
  vsBaseline: number;
}

/**
 * One trace level of one pipeline, in ROUNDS rounds: a window of the pipeline's baseline, then a slice
 * of the cohort through the compiled evaluator, then a slice of the reference patients through
 * json-rules-engine. On a shared machine the load changes by tens of percent within a minute; the three
 * rates of a round see nearly the same load, so their ratios (what the issue's targets are) move much
 * less than the rates: each ratio reported is the median of the rounds' ratios, each rate the rate over
 * all the slices. Keeps nothing: a batch streams its results out, and holding thousands of evaluations
 * would time the garbage collector's old generation instead of the engine.
 */
async function timeLevel(cohort: readonly PipelinePatient[], referenceCount: number, rulesets: readonly LoadedRuleSet[], trace: TraceLevel, baseline: Baseline): Promise<Record<Engine, Timed> & { compiledVsReference: number }> {
  const patients: Record<Engine, readonly PipelinePatient[]> = { compiled: cohort, reference: cohort.slice(0, referenceCount) };
  const rates: Record<Engine | 'baseline', number[]> = { baseline: [], compiled: [], reference: [] };
  const elapsed: Record<Engine, number> = { compiled: 0, reference: 0 };
  for (let r = 0; r < ROUNDS; r += 1) {
    rates.baseline.push(baselineWindow(cohort, baseline));
    for (const engine of ENGINES) {
      const size = Math.ceil(patients[engine].length / ROUNDS);
      const slice = patients[engine].slice(r * size, (r + 1) * size);
      const started = performance.now();
      for (const p of slice) await evaluatePatient(p as Record<string, unknown>, rulesets, { evaluator: EVALUATORS[engine], trace });
      const ms = performance.now() - started;
      elapsed[engine] += ms;
      rates[engine].push((slice.length / ms) * 1000);
    }
  }
  const medianRatio = (over: number[], under: number[]): number => median(over.map((x, r) => x / (under[r] as number)).sort((x, y) => x - y));
  const timed = (engine: Engine): Timed => ({ perSecond: (patients[engine].length / elapsed[engine]) * 1000, vsBaseline: medianRatio(rates.baseline, rates[engine]) });
  return { compiled: timed('compiled'), reference: timed('reference'), compiledVsReference: medianRatio(rates.compiled, rates.reference) };
}

/**
 * The baseline's patients per second over as many whole passes of the cohort as fit in 200 ms (at least
 * one). Passes keep no results (each is only touched): holding a pass's results made V8 move them to the
 * old generation and then spend most of the time collecting them, in some runs and not others.
 */
function baselineWindow(cohort: readonly PipelinePatient[], baseline: Baseline): number {
  let touched = 0;
  let passes = 0;
  const start = performance.now();
  do {
    for (const patient of cohort) touched += baseline(patient).lesions.length;
    passes += 1;
  } while (performance.now() - start < 200);
  if (touched < 0) throw new Error('unreachable: keeps the timed calls from being optimised away');
  return ((cohort.length * passes) / (performance.now() - start)) * 1000;
}

/**
 * The baseline row: warmed up for a quarter of a second (the engine is warmed up on WARMUP patients),
 * then BASELINE_WINDOWS windows; the median window's rate is reported, so that a burst of load during
 * one short window does not decide the row. The results compared with the engine come from one more pass.
 */
function timeBaseline(cohort: readonly PipelinePatient[], baseline: Baseline): { perSecond: number; results: BaselineResults[] } {
  const warmUp = performance.now();
  do baselineWindow(cohort, baseline);
  while (performance.now() - warmUp < 250);
  const rates: number[] = [];
  for (let w = 0; w < BASELINE_WINDOWS; w += 1) rates.push(baselineWindow(cohort, baseline));
  return { perSecond: median(rates.sort((a, b) => a - b)), results: cohort.map(baseline) };
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
  const warmup = generatePipelineCohort(WARMUP, seed + 1, { missingRate });
  // Both baselines first, before the engine's evaluations fill the heap.
  const baselines = {} as Record<Pipeline, ReturnType<typeof timeBaseline>>;
  for (const pipeline of Object.keys(PIPELINES) as Pipeline[]) baselines[pipeline] = timeBaseline(cohort as PipelinePatient[], BASELINES[pipeline]);
  for (const pipeline of Object.keys(PIPELINES) as Pipeline[]) {
    const baseline = baselines[pipeline];
    rows.push({ path: 'hand-written baseline', pipeline, trace: '-', perSecond: baseline.perSecond, vsBaseline: 1 });
    const rulesets = rulesetsOf(pipeline);
    // Warmed up on other patients (another seed): compiled code, and the remembered explorations of
    // missing values a long batch reuses, are warm; the timed patients are new to the engine.
    for (const trace of TRACE_LEVELS) {
      // Each level takes its own paths through the engine (e.g. no lookup entries below full).
      for (const p of warmup) await evaluatePatient(p, rulesets, { trace });
      const timed = await timeLevel(cohort as PipelinePatient[], referenceCount, rulesets, trace, BASELINES[pipeline]);
      rows.push({ path: 'engine, compiled', pipeline, trace, ...timed.compiled, vsReference: timed.compiledVsReference });
      rows.push({ path: 'engine, json-rules-engine', pipeline, trace, ...timed.reference });
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
    const vsBaseline = `${row.vsBaseline.toFixed(1)}×`;
    console.log(`| ${row.path} | ${row.pipeline} | ${row.trace} | ${fmt(row.perSecond)} | ${vsBaseline} | ${row.vsReference !== undefined ? `${row.vsReference.toFixed(0)}×` : ''} |`);
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
