/**
 * Wall time of one `spinemets evaluate` of the example patient (from dist/, as installed) against
 * `node -e 0` on the same machine, interleaved so both see the same load; and the CLI's peak RSS.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const ROOT = new URL('../', import.meta.url).pathname;
const CLI = `${ROOT}dist/cli/main.js`;
const PATIENT = `${ROOT}examples/patient.yaml`;

export interface StartUp {
  evaluate: number[];
  nodeOnly: number[];
  /** Peak resident set size of one evaluate, kB. */
  evaluateMaxRssKb: number;
}

function wallSeconds(args: string[]): number {
  const start = performance.now();
  const run = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} failed (${run.status}): ${run.stderr.toString()}`);
  return (performance.now() - start) / 1000;
}

/** Undefined when the package is not built (`npm run build`). */
export function measureStartUp(runs: number): StartUp | undefined {
  if (!existsSync(CLI)) return undefined;
  const evaluate: number[] = [];
  const nodeOnly: number[] = [];
  for (let i = 0; i < runs; i++) {
    evaluate.push(wallSeconds([CLI, 'evaluate', PATIENT]));
    nodeOnly.push(wallSeconds(['-e', '0']));
  }
  // A separate run that reports its own peak RSS on exit (not timed: the hook costs a little).
  const report = "process.on('exit',()=>process.stderr.write(`maxRSS ${process.resourceUsage().maxRSS}\\n`))";
  const probe = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(report)}`, CLI, 'evaluate', PATIENT], { stdio: ['ignore', 'ignore', 'pipe'] });
  const evaluateMaxRssKb = Number(/maxRSS (\d+)/.exec(probe.stderr.toString())?.[1] ?? Number.NaN);
  return { evaluate: evaluate.sort((a, b) => a - b), nodeOnly: nodeOnly.sort((a, b) => a - b), evaluateMaxRssKb };
}

export const median = (sorted: readonly number[]): number => sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
