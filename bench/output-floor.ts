/**
 * `npm run bench` (after bench/run.ts), or `npx tsx bench/output-floor.ts`: what the engine's output costs
 * to build, whatever computes it. SINS on complete lesions (no exploration of missing values) three ways,
 * in one process, on the same lesions:
 *  - the hand-written baseline (bench/baseline/sins.ts): the results alone;
 *  - hand-written code that builds exactly the engine's `rules`-level output (each lesion's SINS result,
 *    the fired rules with their conditions, the total and the band), checked byte-identical with the
 *    engine on every patient first; static parts (labels, effects, citations) are built once and
 *    shared, as the engine shares them;
 *  - the engine (dist/), compiled, `--trace rules`.
 * The middle row is a floor for any evaluator that writes this output: the target of 5× the
 * baseline at `rules` leaves an evaluator only the gap between that floor and 5×.
 *
 * Overrides: argv[2] (patients, default 3000), argv[3] (seed, default 20260527).
 */
import { performance } from 'node:perf_hooks';
import type { Band, LeafCondition } from '../src/ruleset/types.js';
import type { ComponentResult, RuleTrace, ScoreResult, TraceEntry } from '../src/engine/types.js';
import { LesionFacts } from './baseline/lesion-facts.js';
import type { PipelineLesion } from './baseline/patient.js';
import { sins } from './baseline/sins.js';
import { BUNDLED_RULES_DIR, evaluatePatient, loadRuleSets } from './built.js';
import { generatePipelineCohort, type Lesion } from './cohort.js';

const patients = Number(process.argv[2] ?? 3000);
const seed = Number(process.argv[3] ?? 20260527);
const TIMED_PASSES = 7;

const load = await loadRuleSets([BUNDLED_RULES_DIR]);
const rulesets = load.rulesets.filter((r) => r.document.id === 'sins');
const document = rulesets[0]?.document;
if (!document?.score?.bands || !document.tables?.spinalRegion) throw new Error('the bundled sins rule set is not as this bench expects');
const cite = (id: string): string => document.references[id]?.citation ?? id;
const regionOf = document.tables.spinalRegion.rows as Record<string, string>;
const bands: Band[] = document.score.bands;
const totalReference = cite(document.score.total?.reference ?? document.score.components[0]?.reference ?? '');

/** Per component, per value of the one fact its alternatives test (every SINS alternative is `fact equal value`). */
const components = document.score.components.map((component) => {
  const fact = (component.alternatives[0]?.when as LeafCondition).fact;
  const byValue = new Map(component.alternatives.map((a) => {
    const value = (a.when as LeafCondition).value as string;
    return [value, { id: a.id, label: a.label, points: a.points, rule: `${component.id}.${a.id}`, value, effect: { component: component.id, alternative: a.id, points: a.points }, reference: cite(a.reference ?? component.reference) }];
  }));
  return { id: component.id, label: component.label, fact, byValue };
});

type SinsFacts = Record<string, string | undefined>;

/** The engine's `rules`-level SINS output for one complete lesion, written out by hand. */
function exactOutput(lesion: Lesion, index: number, trace: TraceEntry[]): ScoreResult {
  const facts: SinsFacts = { region: regionOf[lesion.level ?? ''], pain: lesion.pain, boneLesion: lesion.boneLesion, alignment: lesion.alignment, collapse: lesion.collapse, posterolateral: lesion.posterolateral };
  const results: Record<string, ComponentResult> = {};
  const points: Record<string, number> = {};
  const ranges: Record<string, [number, number]> = {};
  let sum = 0;
  for (const c of components) {
    const a = c.byValue.get(facts[c.fact] ?? '');
    if (!a) throw new Error(`lesion ${index}: no ${c.id} alternative for ${String(facts[c.fact])}`);
    const range: [number, number] = [a.points, a.points];
    results[c.id] = { label: c.label, status: 'determined', points: a.points, range, alternative: a.id, alternativeLabel: a.label };
    const rule: RuleTrace = { kind: 'rule', ruleset: 'sins', lesion: index, rule: a.rule, part: 'component', score: 'sins', component: c.id, alternative: a.id, fired: true,
      conditions: [{ at: '', fact: c.fact, operator: 'equal', value: a.value, factResult: a.value, result: true }], effect: a.effect, points: a.points, reference: a.reference };
    trace.push(rule);
    points[c.id] = a.points;
    ranges[c.id] = range;
    sum += a.points;
  }
  const band = bands.find((b) => sum >= b.min && sum <= b.max) as Band;
  trace.push({ kind: 'total', ruleset: 'sins', lesion: index, score: 'sins', components: points, componentRanges: ranges, sum, value: sum, range: [sum, sum], reference: totalReference });
  trace.push({ kind: 'band', ruleset: 'sins', lesion: index, score: 'sins', category: band.category, possibleCategories: [band.category], band: { min: band.min, max: band.max, label: band.label }, reference: cite(band.reference) });
  return { label: 'SINS', score: sum, range: [sum, sum], category: band.category, components: results, categoryLabel: band.label, missing: [] };
}

const cohort = generatePipelineCohort(patients, seed, { missingRate: 0 })
  .map((p) => ({ id: p.id, lesions: (p.lesions ?? []) as Lesion[] }))
  .filter((p) => p.lesions.length > 0);
const lesionCount = cohort.reduce((n, p) => n + p.lesions.length, 0);

let mismatches = 0;
for (const patient of cohort) {
  const evaluation = await evaluatePatient(patient, rulesets, { trace: 'rules' });
  const trace: TraceEntry[] = [];
  const results = patient.lesions.map((lesion, i) => exactOutput(lesion, i, trace));
  if (JSON.stringify(evaluation.lesions.map((l) => l.results.sins)) !== JSON.stringify(results) || JSON.stringify(evaluation.trace) !== JSON.stringify(trace)) mismatches += 1;
}
if (mismatches) {
  console.error(`output-floor: the hand-written output differs from the engine's for ${mismatches} of ${cohort.length} patients; fix exactOutput first`);
  process.exit(1);
}

let touched = 0;
/** µs a lesion: the best of TIMED_PASSES passes after three untimed ones (a pass keeps nothing). */
async function perLesion(pass: () => void | Promise<void>): Promise<number> {
  for (let i = 0; i < 3; i++) await pass();
  let best = Infinity;
  for (let i = 0; i < TIMED_PASSES; i++) {
    const start = performance.now();
    await pass();
    best = Math.min(best, performance.now() - start);
  }
  return (best * 1000) / lesionCount;
}
const baseline = await perLesion(() => {
  for (const p of cohort) for (const lesion of p.lesions) touched += sins(new LesionFacts(lesion as PipelineLesion)).range[1];
});
const floor = await perLesion(() => {
  for (const p of cohort) {
    const trace: TraceEntry[] = [];
    for (let i = 0; i < p.lesions.length; i++) touched += exactOutput(p.lesions[i] as Lesion, i, trace).score ?? 0;
    touched += trace.length;
  }
});
const engine = await perLesion(async () => {
  for (const p of cohort) touched += (await evaluatePatient(p, rulesets, { trace: 'rules' })).trace.length;
});
if (touched < 0) throw new Error('unreachable: keeps the timed calls from being optimised away');

const rate = (us: number): string => Math.round(1e6 / us).toLocaleString('en-US');
console.log(`\noutput floor: SINS on ${lesionCount} complete lesions (${cohort.length} patients, seed ${seed}); the hand-written output is byte-identical to the engine's on every patient`);
console.log('| path | µs a lesion | lesions/s | × baseline |');
console.log('|---|---:|---:|---:|');
for (const [path, us] of [['hand-written baseline, results only', baseline], ["hand-written, the engine's exact `rules` output", floor], ['engine, compiled, `rules`', engine]] as const) {
  console.log(`| ${path} | ${us.toFixed(2)} | ${rate(us)} | ${(us / baseline).toFixed(1)}× |`);
}
