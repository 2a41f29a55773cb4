/**
 * `npm run bench:load`: POST /evaluate under a fixed concurrency against `spinemets serve` on loopback,
 * for a bounded time, while a rule file is rewritten every 100 ms (alternating two valid contents, so
 * each write is a real new version). Prints requests/s, p50/p99 latency, how many reloads the service
 * took and rejected, and fails (exit 1) if any request failed.
 *
 * LOAD_SECONDS (default 20), LOAD_CONNECTIONS (default 10) and LOAD_REWRITE_MS (default 100; 0: no
 * rewrites, the baseline to compare with) change the run.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { parse } from 'yaml';

const SECONDS = Number(process.env.LOAD_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 10);
const REWRITE_MS = Number(process.env.LOAD_REWRITE_MS ?? 100);
const root = new URL('../', import.meta.url);
const CLI = new URL('dist/cli/main.js', root).pathname;

const rules = mkdtempSync(join(tmpdir(), 'spinemets-load-'));
cpSync(new URL('rules/', root).pathname, rules, { recursive: true });
const ruleFile = join(rules, 'sins', 'sins.yaml');
const original = readFileSync(ruleFile, 'utf8');
// Two valid versions of the same rule set that differ in content (so in hash), not in scoring.
const versions = [original, original.replace('First encoding of Fisher 2010', 'First encoding (rewritten by the load test) of Fisher 2010')];
const patient = JSON.stringify(parse(readFileSync(new URL('examples/patient.yaml', root), 'utf8')));

const server = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--rules', rules, '--log-level', 'info'], { stdio: ['ignore', 'pipe', 'inherit'] });
let reloaded = 0;
let rejected = 0;
const url = await new Promise<string>((resolve, reject) => {
  server.once('exit', (code) => reject(new Error(`the server exited with ${code} before listening`)));
  createInterface({ input: server.stdout }).on('line', (line) => {
    const entry = JSON.parse(line) as { msg?: string };
    if (entry.msg?.startsWith('Server listening at ')) resolve(entry.msg.slice('Server listening at '.length));
    else if (entry.msg === 'rule sets reloaded') reloaded++;
    else if (entry.msg?.startsWith('rule-set change rejected')) rejected++;
  });
});

let writes = 0;
const rewriter = REWRITE_MS > 0 ? setInterval(() => writeFileSync(ruleFile, versions[++writes % 2] ?? original), REWRITE_MS) : undefined;
let result: autocannon.Result;
try {
  result = await autocannon({
    url: `${url}/evaluate?trace=none`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: patient,
    connections: CONNECTIONS,
    duration: SECONDS,
  });
} finally {
  clearInterval(rewriter);
  // Let the last reload finish so that its log line is counted.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  server.kill('SIGTERM');
  rmSync(rules, { recursive: true, force: true });
}

const failed = result.errors + result.timeouts + result.non2xx;
const rows: Array<[string, string]> = [
  ['duration', `${result.duration} s, ${CONNECTIONS} connections, POST /evaluate (examples/patient.yaml, trace none)`],
  ['requests', `${result.requests.total} (${result.requests.average.toFixed(1)} /s average)`],
  ['latency p50 / p99', `${result.latency.p50} ms / ${result.latency.p99} ms (max ${result.latency.max} ms)`],
  ['rule file rewrites', REWRITE_MS > 0 ? `${writes} (every ${REWRITE_MS} ms)` : 'none (baseline)'],
  ['reloads taken / rejected', `${reloaded} / ${rejected}`],
  ['failed requests', `${failed} (errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx})`],
];
for (const [label, value] of rows) process.stdout.write(`${label.padEnd(26)} ${value}\n`);
if (failed > 0) process.exitCode = 1;
