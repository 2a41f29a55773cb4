import { Worker } from 'node:worker_threads';
import { checkedRuleSet, type CheckedRuleSet } from '../ruleset/trusted-ruleset.js';
import type { LoadedRuleSet } from '../ruleset/types.js';
import { buildRowJob, evaluateRow, type JobSpec, type RowOutcome } from './evaluate-row.js';
import { unpackOutcomes, type PackedOutcomes } from './outcome-bytes.js';
import type { BatchRow } from './row-source.js';

/** Evaluates a chunk of rows, in a worker or in this thread; outcomes in the chunk's order. */
export interface RowEvaluator {
  evaluate(rows: BatchRow[]): Promise<RowOutcome[]>;
  close(): Promise<void>;
}

export interface WorkerData {
  spec: JobSpec;
  /** The rule sets as the main thread loaded and checked them, in its order. */
  rulesets: CheckedRuleSet[];
}
export interface WorkerTask {
  seq: number;
  rows: BatchRow[];
}
export type WorkerReply = { kind: 'ready' } | ({ kind: 'done'; seq: number } & PackedOutcomes) | { kind: 'failed'; seq?: number; message: string };

/** --workers 1: no threads, no copying. */
export function inProcessEvaluator(spec: JobSpec, rulesets: readonly LoadedRuleSet[]): RowEvaluator {
  const job = buildRowJob(spec, rulesets);
  return {
    async evaluate(rows) {
      const outcomes: RowOutcome[] = [];
      for (const row of rows) outcomes.push(await evaluateRow(row, job));
      return outcomes;
    },
    close: async () => undefined,
  };
}

/**
 * Each worker's heap. A smaller young generation than V8's default: evaluation makes much short-lived
 * garbage, and with the default each worker's nursery grew to tens of MB (1,500 patients, 2 workers: peak
 * RSS 444 MB by default, 363-405 MB with 12-24 MB, at no visible cost in speed).
 *
 * The old generation's cap is not expected to bind: a worker holds about 25 MB after a full collection
 * (its modules, the rule sets, one chunk), and under 300 MB on 16 patients of 33 lesions with nothing
 * known at --trace full. But V8 scales how far it lets a heap grow between full collections with the
 * cap (MaxGrowingFactor in v8/src/heap/heap-controller.cc): up to 4x the live size under Node's default
 * of several GB, about 1.6x under 1 GB. 20,000 patients, --trace rules, 2 workers: peak RSS 302-316 MB
 * without the cap, 266 MB with it (263 MB with 512 MB).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 1024 };

/** Reached the same way from src/batch/, dist/batch/ and the bundled CLI in dist/cli/ (scripts/bundle-cli.mjs). */
const WORKER_MODULE = new URL('../batch/evaluate-worker.js', import.meta.url);

interface Pending {
  resolve: (outcomes: RowOutcome[]) => void;
  reject: (err: Error) => void;
}

/** `size` worker threads, each rebuilding the checked rule sets once; a chunk goes to the worker with the fewest pending. */
export async function startWorkerPool(size: number, spec: JobSpec, rulesets: readonly LoadedRuleSet[]): Promise<RowEvaluator> {
  const data: WorkerData = { spec, rulesets: rulesets.map(checkedRuleSet) };
  const workers = Array.from({ length: size }, () => {
    const worker = new Worker(WORKER_MODULE, { workerData: data, resourceLimits: WORKER_LIMITS });
    return { worker, pending: new Map<number, Pending>() };
  });
  let seq = 0;
  const ready = workers.map(
    ({ worker, pending }) =>
      new Promise<void>((resolve, reject) => {
        const fail = (err: Error): void => {
          reject(err);
          for (const p of pending.values()) p.reject(err);
          pending.clear();
        };
        worker.on('message', (reply: WorkerReply) => {
          if (reply.kind === 'ready') return resolve();
          const waiting = reply.seq === undefined ? undefined : pending.get(reply.seq);
          if (reply.seq !== undefined) pending.delete(reply.seq);
          if (reply.kind === 'done') waiting?.resolve(unpackOutcomes(reply));
          else if (waiting) waiting.reject(new Error(reply.message));
          else fail(new Error(reply.message));
        });
        worker.on('error', fail);
        worker.on('exit', (code) => {
          if (pending.size) fail(new Error(`a batch worker stopped (exit code ${code})`));
        });
      }),
  );
  const close = async (): Promise<void> => {
    await Promise.all(workers.map(({ worker }) => worker.terminate()));
  };
  try {
    await Promise.all(ready);
  } catch (err) {
    await close();
    throw err;
  }
  return {
    evaluate(rows) {
      const target = workers.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
      const task: WorkerTask = { seq: seq++, rows };
      return new Promise((resolve, reject) => {
        target.pending.set(task.seq, { resolve, reject });
        target.worker.postMessage(task);
      });
    },
    close,
  };
}
