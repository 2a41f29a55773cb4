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
  private readonly counts: SummaryReport['counts'] = {};
  private readonly started = performance.now();

  get processed(): number {
    return this.rows;
  }

  add(line: number, outcome: { tally: Tally; problems?: Problem[] }): void {
    this.rows++;
    for (const [ruleset, output, value] of outcome.tally) {
      const values = ((this.counts[ruleset] ??= {})[output] ??= {});
      const key = value ?? 'undetermined';
      values[key] = (values[key] ?? 0) + 1;
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
      counts: this.counts,
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
