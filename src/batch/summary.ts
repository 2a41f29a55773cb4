import type { Evaluation } from '../engine/types.js';
import { formatProblem } from '../problems/format.js';
import type { Problem } from '../problems/problem.js';

/** What one result adds to the summary: per rule set, each category and classification value (null: undetermined). */
export type Tally = Array<[ruleset: string, output: string, value: string | null]>;

const FIRST_ERRORS = 10;

export function tallyEvaluation(evaluation: Evaluation): Tally {
  const tally: Tally = [];
  for (const results of [evaluation.results, ...evaluation.lesions.map((l) => l.results)]) {
    for (const [id, result] of Object.entries(results)) {
      if (result.score !== undefined) tally.push([id, 'category', result.category ?? null]);
      for (const [name, c] of Object.entries(result.classifications ?? {})) tally.push([id, name, c.value]);
    }
  }
  return tally;
}

export interface SummaryReport {
  rows: number;
  evaluated: number;
  errors: number;
  /** The first few bad rows: their line and first problem. */
  firstErrors: Array<{ line: number; problem: string }>;
  /** ruleset → output (`category` or a classification) → value (`undetermined` for null) → count; lesion-scope rule sets count lesions. */
  counts: Record<string, Record<string, Record<string, number>>>;
  elapsedSeconds: number;
  patientsPerSecond: number;
  /** Peak resident memory of the whole process, worker threads included (they share it). */
  peakRssMB: number;
}

/** Counts as results stream past, so the summary costs no memory per patient. */
export class BatchSummary {
  private rows = 0;
  private evaluated = 0;
  private errors = 0;
  private readonly firstErrors: SummaryReport['firstErrors'] = [];
  /**
   * Nested maps, not records: a string used as a property key is internalized, and V8 then turns the
   * result's own string into a reference to the internalized one. Every later output line holding those
   * strings was then several times slower to encode as UTF-8 for writing (35 against 255 µs a patient
   * at --trace none, in a harness replaying batch's loop on 3,000 patients).
   */
  private readonly counts = new Map<string, Map<string, Map<string, number>>>();
  private readonly started = performance.now();

  get processed(): number {
    return this.rows;
  }

  add(line: number, outcome: { tally: Tally; problems?: Problem[] }): void {
    this.rows++;
    for (const [ruleset, output, value] of outcome.tally) {
      let outputs = this.counts.get(ruleset);
      if (!outputs) this.counts.set(ruleset, (outputs = new Map()));
      let values = outputs.get(output);
      if (!values) outputs.set(output, (values = new Map()));
      const key = value ?? 'undetermined';
      values.set(key, (values.get(key) ?? 0) + 1);
    }
    if (!outcome.problems?.length) {
      this.evaluated++;
      return;
    }
    this.errors++;
    const [first] = outcome.problems;
    if (first && this.firstErrors.length < FIRST_ERRORS) this.firstErrors.push({ line, problem: formatProblem(first) });
  }

  report(): SummaryReport {
    const elapsedSeconds = (performance.now() - this.started) / 1000;
    return {
      rows: this.rows,
      evaluated: this.evaluated,
      errors: this.errors,
      firstErrors: this.firstErrors,
      counts: Object.fromEntries([...this.counts].map(([ruleset, outputs]) => [ruleset, Object.fromEntries([...outputs].map(([output, values]) => [output, Object.fromEntries(values)]))])),
      elapsedSeconds: Math.round(elapsedSeconds * 1000) / 1000,
      patientsPerSecond: elapsedSeconds > 0 ? Math.round(this.rows / elapsedSeconds) : 0,
      // maxRSS is in kilobytes.
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    };
  }
}

/** The summary as lines for standard error. */
export function formatSummary(report: SummaryReport): string {
  const lines = [
    `${report.rows} patient${report.rows === 1 ? '' : 's'}, ${report.evaluated} evaluated, ${report.errors} invalid, in ${report.elapsedSeconds.toFixed(1)} s (${report.patientsPerSecond.toLocaleString('en-US')} patients/s, peak memory ${report.peakRssMB} MB)`,
  ];
  for (const e of report.firstErrors) lines.push(`  ${e.problem}`);
  if (report.errors > report.firstErrors.length) lines.push(`  ... and ${report.errors - report.firstErrors.length} more invalid rows`);
  for (const [ruleset, outputs] of Object.entries(report.counts)) {
    for (const [output, values] of Object.entries(outputs)) {
      const counted = Object.entries(values).sort((a, b) => b[1] - a[1]).map(([v, n]) => `${v} ${n}`);
      lines.push(`  ${ruleset}.${output}: ${counted.join(', ')}`);
    }
  }
  return lines.join('\n') + '\n';
}
