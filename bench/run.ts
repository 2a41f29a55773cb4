/**
 * `npm run bench [-- <patients> [<seed>]]`: a seeded synthetic cohort through the engine (bundled rule sets,
 * one patient at a time) and through the hand-written baseline of the published tables. Every SINS and NESMS
 * score, range and category must agree; the throughput of both is printed. Exit code 1 on any disagreement.
 *
 * Overrides: argv[2] or BENCH_PATIENTS (default 20000), argv[3] or BENCH_SEED (default 20260527),
 * BENCH_MISSING_RATE (default 0.15).
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { evaluatePatient } from '../src/engine/evaluate-patient.js';
import type { Evaluation, RuleSetResult } from '../src/engine/types.js';
import { BUNDLED_RULES_DIR, loadRuleSets } from '../src/ruleset/load-rulesets.js';
import { validator } from '../src/source/schemas.js';
import { evaluateBaseline, type BaselineEvaluation } from './baseline.js';
import { generateCohort, type Patient } from './cohort.js';

const DEFAULT_PATIENTS = 20_000;
const DEFAULT_SEED = 20260527;
const DEFAULT_MISSING_RATE = 0.15;
const WARMUP = 300;
const SHOW_DISAGREEMENTS = 5;
const BASELINE_RULESETS = ['sins', 'nesms'];
const REFERENCE_PATIENTS = 5000;

function numberArg(argv: string | undefined, env: string | undefined, fallback: number, name: string): number {
  const raw = argv ?? env;
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name}: not a number: ${raw}`);
  return value;
}

/** What is compared: score, range and category, nothing else. */
interface Summary {
  score: number | null;
  range: [number, number] | null;
  category: string | null;
}
interface PatientSummary {
  nesms: Summary | undefined;
  modifiedBauer: Omit<Summary, 'category'> | undefined;
  sins: Array<Summary | undefined>;
}

const summary = (r: RuleSetResult | undefined): Summary | undefined => (r ? { score: r.score ?? null, range: r.range ?? null, category: r.category ?? null } : undefined);

function summarize(evaluation: Evaluation): PatientSummary {
  const bauer = evaluation.results.nesms?.subscores?.modifiedBauer;
  return {
    nesms: summary(evaluation.results.nesms),
    modifiedBauer: bauer ? { score: bauer.score, range: bauer.range } : undefined,
    sins: evaluation.lesions.map((l) => summary(l.results.sins)),
  };
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

function disagreements(engine: PatientSummary, baseline: BaselineEvaluation): string[] {
  const found: string[] = [];
  if (!same(engine.nesms, baseline.nesms)) found.push(`nesms: engine ${JSON.stringify(engine.nesms)} baseline ${JSON.stringify(baseline.nesms)}`);
  if (!same(engine.modifiedBauer, baseline.modifiedBauer)) {
    found.push(`nesms.modifiedBauer: engine ${JSON.stringify(engine.modifiedBauer)} baseline ${JSON.stringify(baseline.modifiedBauer)}`);
  }
  if (engine.sins.length !== baseline.sins.length) found.push(`sins: engine ${engine.sins.length} lesions, baseline ${baseline.sins.length}`);
  baseline.sins.forEach((b, i) => {
    if (!same(engine.sins[i], b)) found.push(`sins[${i}]: engine ${JSON.stringify(engine.sins[i])} baseline ${JSON.stringify(b)}`);
  });
  return found;
}

const rate = (patients: number, ms: number): string => `${Math.round((patients / ms) * 1000).toLocaleString('en-US')} patients/s`;

async function main(): Promise<number> {
  const patients = Math.trunc(numberArg(process.argv[2], process.env.BENCH_PATIENTS, DEFAULT_PATIENTS, 'patients'));
  const seed = Math.trunc(numberArg(process.argv[3], process.env.BENCH_SEED, DEFAULT_SEED, 'seed'));
  const missingRate = numberArg(undefined, process.env.BENCH_MISSING_RATE, DEFAULT_MISSING_RATE, 'BENCH_MISSING_RATE');
  const cpu = cpus();
  console.log(`node ${process.version} on ${process.platform}/${process.arch}; ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores`);

  // The baseline implements SINS and NESMS, so the engine runs exactly those rule sets.
  const { rulesets: bundled, problems } = await loadRuleSets([BUNDLED_RULES_DIR]);
  const rulesets = bundled.filter((r) => BASELINE_RULESETS.includes(r.document.id));
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length) {
    for (const p of errors) console.error(`${p.file}:${p.line}:${p.column} ${p.code} ${p.message}`);
    return 2;
  }
  console.log(`rule sets: ${rulesets.map((r) => `${r.document.id}@${r.document.version} (${r.sha256.slice(0, 12)})`).join(', ')}`);

  const cohort = generateCohort(patients, seed, { missingRate });
  const lesions = cohort.reduce((n, p) => n + (p.lesions?.length ?? 0), 0);
  console.log(`cohort: ${patients} patients, ${lesions} lesions, seed ${seed}, missing rate ${missingRate}`);

  // The cohort must be in the patient contract, or the comparison proves nothing.
  const validate = validator('patient');
  const invalid = cohort.filter((p) => !validate(p));
  if (invalid.length) {
    console.error(`${invalid.length} generated patients fail schemas/patient.schema.json, e.g. ${JSON.stringify(invalid[0])}`);
    return 2;
  }

  // Warm-up (not timed), so both sides are measured with their code optimized.
  for (const p of cohort.slice(0, WARMUP)) {
    await evaluatePatient(p as Record<string, unknown>, rulesets);
    evaluateBaseline(p);
  }

  // Engine: one patient at a time, as the CLI would; only score/range/category are kept.
  const engineResults: PatientSummary[] = new Array(cohort.length);
  const warnings = new Map<string, number>();
  const engineStart = performance.now();
  for (const [i, p] of cohort.entries()) {
    const evaluation = await evaluatePatient(p as Record<string, unknown>, rulesets);
    engineResults[i] = summarize(evaluation);
    for (const w of evaluation.warnings) if (w.code !== 'UNCONFIRMED_SOURCE') warnings.set(w.code, (warnings.get(w.code) ?? 0) + 1);
  }
  const engineMs = performance.now() - engineStart;

  // The same engine with json-rules-engine (the reference semantics) instead of compiled conditions,
  // on the first part of the cohort: it is much slower. Its results must match too.
  const referenceCount = Math.min(patients, REFERENCE_PATIENTS);
  const referenceStart = performance.now();
  for (const [i, p] of cohort.slice(0, referenceCount).entries()) {
    const evaluation = await evaluatePatient(p as Record<string, unknown>, rulesets, { evaluator: 'json-rules-engine' });
    if (JSON.stringify(summarize(evaluation)) !== JSON.stringify(engineResults[i])) throw new Error(`json-rules-engine and compiled evaluations differ for patient ${p.id}`);
  }
  const referenceMs = performance.now() - referenceStart;

  // Baseline: far faster, so it is timed over as many whole passes as fit in one second (at least one).
  let baselineResults: BaselineEvaluation[] = [];
  let passes = 0;
  const baselineStart = performance.now();
  do {
    baselineResults = cohort.map((p: Patient) => evaluateBaseline(p));
    passes += 1;
  } while (performance.now() - baselineStart < 1000);
  const baselineMs = performance.now() - baselineStart;

  let disagreeing = 0;
  const shown: string[] = [];
  for (const [i, p] of cohort.entries()) {
    const engine = engineResults[i];
    const baseline = baselineResults[i];
    if (!engine || !baseline) throw new Error(`no result for patient ${i}`);
    const found = disagreements(engine, baseline);
    if (found.length === 0) continue;
    disagreeing += 1;
    if (shown.length < SHOW_DISAGREEMENTS) shown.push(`  ${p.id}: ${found.join('; ')}\n    patient ${JSON.stringify(p)}`);
  }

  const determined = (pick: (b: BaselineEvaluation) => Array<{ score: number | null }>): string => {
    const all = baselineResults.flatMap(pick);
    return `${all.filter((s) => s.score !== null).length}/${all.length}`;
  };
  console.log(`determined scores: NESMS ${determined((b) => [b.nesms])}, SINS ${determined((b) => b.sins)} (the rest are ranges)`);
  console.log(`engine warnings other than UNCONFIRMED_SOURCE: ${warnings.size ? [...warnings].map(([c, n]) => `${c} ${n}`).join(', ') : 'none'}`);
  console.log(`engine (compiled conditions):  ${rate(patients, engineMs)} (${(engineMs / 1000).toFixed(2)} s for ${patients}, ${((engineMs * 1000) / patients).toFixed(0)} µs/patient)`);
  console.log(`engine (json-rules-engine):    ${rate(referenceCount, referenceMs)} (${(referenceMs / 1000).toFixed(2)} s for the first ${referenceCount}, same results)`);
  console.log(`baseline: ${rate(patients * passes, baselineMs)} (${passes} passes in ${(baselineMs / 1000).toFixed(2)} s, ${((baselineMs * 1000) / (patients * passes)).toFixed(2)} µs/patient)`);
  const ratio = (patients * passes) / baselineMs / (patients / engineMs);
  console.log(`ratio baseline/engine (compiled): ${ratio.toFixed(1)}x; compiled/json-rules-engine: ${(referenceMs / referenceCount / (engineMs / patients)).toFixed(1)}x`);

  if (disagreeing) {
    console.error(`DISAGREEMENT: ${disagreeing} of ${patients} patients differ between engine and baseline; first ${shown.length}:`);
    for (const s of shown) console.error(s);
    return 1;
  }
  console.log(`agreement: all ${patients} patients (NESMS, modified Bauer, ${lesions} SINS lesions) match the baseline`);
  return 0;
}

process.exitCode = await main();
