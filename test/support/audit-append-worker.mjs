// Appends COUNT synthetic decision records to LOG through the writer module, as one process of several
// writing at once (test/audit-log.test.ts). Run on the build: `npm test` builds before it tests.
// Usage: node audit-append-worker.mjs LOG COUNT TAG PEER_TAGS   (PEER_TAGS: every worker's tag, comma-separated)
import { randomUUID } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { appendRecord } from '../../dist/audit/append-record.js';
import { RECORD_FORMAT } from '../../dist/audit/decision-record.js';

const [log, count, tag, peers] = process.argv.slice(2);

// A start barrier: process start-up takes longer than writing, so without it one worker could finish
// before the other begins and the test would not test concurrency.
writeFileSync(`${log}.ready-${tag}`, '');
while (!peers.split(',').every((peer) => existsSync(`${log}.ready-${peer}`))) await sleep(2);

for (let i = 0; i < Number(count); i++) {
  const body = {
    format: RECORD_FORMAT,
    decisionId: randomUUID(),
    timestamp: new Date().toISOString(),
    engine: { name: 'spinemets', version: 'test' },
    rulesets: [],
    // Several KiB per line, as real records are (SINS alone is about 15 KiB with its trace).
    input: { id: `${tag}-${i}`, padding: 'x'.repeat(8000) },
    idsHashed: false,
    outputs: { results: {}, lesions: [], missing: [], warnings: [] },
    trace: [],
  };
  const { record, problems } = await appendRecord(log, body);
  if (!record) {
    process.stderr.write(JSON.stringify(problems) + '\n');
    process.exit(1);
  }
}
