/**
 * A batch worker thread: loads the rule sets once (the same files the main thread validated, checked by
 * content hash), then evaluates chunks of rows as they come and posts each chunk's outcomes back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { hasErrors } from '../problems/problem.js';
import { BUNDLED_RULES_DIR, loadRuleSets } from '../ruleset/load-rulesets.js';
import { parsePick } from '../ruleset/select-versions.js';
import { buildRowJob, evaluateRow, type RowOutcome } from './evaluate-row.js';
import type { WorkerData, WorkerReply, WorkerTask } from './worker-pool.js';

const data = workerData as WorkerData;
const port = parentPort;
if (!port) throw new Error('evaluate-worker runs as a worker thread');
const post = (reply: WorkerReply): void => port.postMessage(reply);

// The same selection as the CLI's loadRulesOrExit, without its printing and exiting.
const { rules, ruleset, profile } = data.spec;
const { rulesets, problems } = await loadRuleSets(rules?.length ? rules : [BUNDLED_RULES_DIR], { library: [BUNDLED_RULES_DIR], pick: (ruleset ?? []).map(parsePick), profiles: profile ?? [] });
const hashes = rulesets.map((r) => r.sha256).join(' ');
if (hasErrors(problems) || hashes !== data.sha256.join(' ')) {
  post({ kind: 'failed', message: 'the rule sets changed on disk after the batch started; run it again' });
} else {
  const job = buildRowJob(data.spec, rulesets);
  port.on('message', async (task: WorkerTask) => {
    try {
      const outcomes: RowOutcome[] = [];
      for (const row of task.rows) outcomes.push(await evaluateRow(row, job));
      post({ kind: 'done', seq: task.seq, outcomes });
    } catch (err) {
      post({ kind: 'failed', seq: task.seq, message: (err as Error)?.message ?? String(err) });
    }
  });
  post({ kind: 'ready' });
}
