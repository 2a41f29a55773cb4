/**
 * A batch worker thread: rebuilds the rule sets the main thread loaded and checked (by content hash, without
 * re-checking them), then evaluates chunks of rows as they come and posts each chunk's outcomes back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { trustedRuleSet } from '../ruleset/trusted-ruleset.js';
import type { LoadedRuleSet } from '../ruleset/types.js';
import { buildRowJob, evaluateRow, type RowOutcome } from './evaluate-row.js';
import { packOutcomes } from './outcome-bytes.js';
import type { WorkerData, WorkerReply, WorkerTask } from './worker-pool.js';

const data = workerData as WorkerData;
const port = parentPort;
if (!port) throw new Error('evaluate-worker runs as a worker thread');
const post = (reply: WorkerReply): void => port.postMessage(reply);

const rulesets = data.rulesets.map(trustedRuleSet);
if (rulesets.some((r) => r === undefined)) {
  post({ kind: 'failed', message: 'a rule set reached a batch worker changed; this is a bug' });
} else {
  const job = buildRowJob(data.spec, rulesets as LoadedRuleSet[]);
  port.on('message', async (task: WorkerTask) => {
    try {
      const outcomes: RowOutcome[] = [];
      for (const row of task.rows) outcomes.push(await evaluateRow(row, job));
      const packed = packOutcomes(outcomes);
      port.postMessage({ kind: 'done', seq: task.seq, ...packed } satisfies WorkerReply, [packed.texts.buffer]);
    } catch (err) {
      post({ kind: 'failed', seq: task.seq, message: (err as Error)?.message ?? String(err) });
    }
  });
  post({ kind: 'ready' });
}
