#!/usr/bin/env node
import { Command, CommanderError, Option } from 'commander';
import { auditReplayCommand, type ReplayCommandOptions } from './audit-replay.js';
import { auditVerifyCommand } from './audit-verify.js';
import { TRACE_LEVELS, type TraceLevel } from '../engine/trace-level.js';
import { batchCommand, type BatchOptions } from './batch.js';
import { diffCommand, type DiffOptions } from './diff.js';
import { evaluateCommand, type EvaluateOptions } from './evaluate.js';
import { EXIT, Exit } from './exit-codes.js';
import { explainCommand } from './explain.js';
import { listCommand } from './list.js';
import { reportCommand } from './report.js';
import type { ServeOptions } from './serve.js';
import { testCommand } from './test.js';
import { validateCommand } from './validate.js';

const program = new Command()
  .name('spinemets')
  .description('Traced, cited decision support for spinal metastases (SINS, NESMS, ...), from versioned YAML rule sets.')
  .version('0.1.0')
  .exitOverride()
  .showHelpAfterError('(run with --help for usage)');

const rulesOption = () => new Option('-r, --rules <paths...>', 'rule-set files or folders (default: the bundled rules/)');
const traceOption = (fallback: TraceLevel) =>
  new Option('--trace <level>', 'how much trace to output: none, rules (fired rules and totals) or full (every rule and condition)').choices([...TRACE_LEVELS]).default(fallback);
const profileOption = () => new Option('--profile <files...>', "apply an institution profile (YAML overlay of thresholds, tables, points and rules, each with reason and author)");
const rulesetOption = () => new Option('--ruleset <picks...>', 'evaluate this version of a rule set: id@version or id@sha256:<hash prefix> (default: the newest)');

program
  .command('evaluate')
  .description('evaluate one patient file (JSON or YAML) against the rule sets')
  .argument('<patient>', 'patient file, JSON or YAML')
  .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
  .addOption(rulesOption())
  .addOption(rulesetOption())
  .addOption(profileOption())
  .addOption(traceOption('full'))
  .option('--record <log>', 'append a hash-chained decision record to this JSON Lines audit log')
  .option('--hash-ids', 'in the decision record, store a sha256 of each id instead of the id')
  .action((file: string, options: EvaluateOptions) => evaluateCommand(file, options));

program
  .command('validate')
  .description('check rule files and report every problem with file:line:column')
  .argument('[paths...]', 'rule-set files or folders (default: the bundled rules/)')
  .addOption(profileOption())
  .action((paths: string[], options: { profile?: string[] }) => validateCommand(paths, options));

program
  .command('batch')
  .description('evaluate one patient per NDJSON line; one JSON result per line, in order')
  .argument('<input>', 'NDJSON file, one patient per line')
  .option('-o, --output <file>', 'write results here instead of standard output')
  .addOption(rulesOption())
  .addOption(rulesetOption())
  .addOption(profileOption())
  .addOption(traceOption('rules'))
  .option('--record <log>', 'append a hash-chained decision record per evaluated patient to this JSON Lines audit log')
  .option('--hash-ids', 'in the decision records, store a sha256 of each id instead of the id')
  .action((file: string, options: BatchOptions) => batchCommand(file, options));

program
  .command('test')
  .description("run the rule sets' YAML test cases (*.test.yaml beside each rule set)")
  .argument('[paths...]', 'rule-set folders or files (default: the bundled rules/)')
  .addOption(profileOption())
  .action((paths: string[], options: { profile?: string[] }) => testCommand(paths, options));

program
  .command('explain')
  .description('tell each score and decision of one patient in plain language, from the trace')
  .argument('<patient>', 'patient file, JSON or YAML')
  .addOption(rulesOption())
  .addOption(rulesetOption())
  .addOption(profileOption())
  .action((file: string, options: { rules?: string[]; ruleset?: string[]; profile?: string[] }) => explainCommand(file, options));

program
  .command('report')
  .description('write a standalone HTML report (no external assets) of an evaluation, a decision record or an audit log entry')
  .argument('<file>', 'evaluate --format json output, one decision record, or an audit log')
  .requiredOption('--html <out>', 'the HTML file to write')
  .option('--id <decisionId>', 'in an audit log, the decision to report (default: the last)')
  .action((file: string, options: { html: string; id?: string }) => reportCommand(file, options));

program
  .command('list')
  .description('list every installed rule set and version (* = evaluated by default): id, version, hash, title, references')
  .argument('[paths...]', 'rule-set files or folders (default: the bundled rules/)')
  .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
  .addOption(profileOption())
  .action((paths: string[], options: { format: 'text' | 'json'; profile?: string[] }) => listCommand(paths, options));

program
  .command('diff')
  .description('compare two rule-set versions, or a rule set and the same with a profile: rule content, and with --cohort the patients whose results change')
  .argument('<a>', 'id, id@version or id@sha256:<prefix> of an installed rule set, a rule-set file, or a profile file')
  .argument('<b>', 'the same forms as <a>')
  .option('--cohort <ndjson>', 'evaluate these patients (one JSON patient per line) on both sides and report what changes')
  .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
  .option('--show <n>', 'changed patients listed in text output', '20')
  .addOption(rulesOption())
  .action((a: string, b: string, options: DiffOptions) => diffCommand(a, b, options));

program
  .command('serve')
  .description('serve the HTTP API (POST /evaluate, /batch), CDS Hooks and the clinician page; rule files are reloaded when they change')
  .option('--port <port>', 'TCP port (0: any free port)', '8080')
  .option('--host <host>', 'address to bind; the default serves this machine only', '127.0.0.1')
  .addOption(rulesOption())
  .addOption(rulesetOption())
  .addOption(profileOption())
  .option('--token-file <file>', 'require Authorization: Bearer <the token in this file> on every route but /health')
  .option('--record <log>', 'append a hash-chained decision record per decision to this JSON Lines audit log; responses carry its decisionId')
  .option('--feedback <file>', 'append CDS Hooks feedback here (default: <record log>.feedback.jsonl with --record, else kept in memory)')
  .addOption(new Option('--trace <level>', 'trace level when a request names none (?trace=): default full for /evaluate, rules for /batch').choices([...TRACE_LEVELS]))
  .option('--cds-config <file>', 'CDS Hooks card and FHIR mapping configuration (default: config/cds-hooks.yaml)')
  .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'silent']).default('info'))
  // Loaded on use: the HTTP stack (fastify, pino, chokidar) would slow every other command's start.
  .action(async (options: ServeOptions) => (await import('./serve.js')).serveCommand(options));

const audit = program.command('audit').description('check and replay the decision records written with --record');

audit
  .command('verify')
  .description("check every record's hash and the chain; report the first broken, edited, reordered or missing record")
  .argument('<log>', 'audit log (JSON Lines) written with --record')
  .action((log: string) => auditVerifyCommand(log));

audit
  .command('replay')
  .description('re-evaluate recorded decisions on the rule sets they used (stored with the log) and report any difference')
  .argument('<log>', 'audit log (JSON Lines) written with --record')
  .option('--id <decisionId>', 'replay only this decision')
  .option('--current', 'evaluate with the current rule sets instead, and report what would change')
  .addOption(rulesOption())
  .addOption(profileOption())
  .action((log: string, options: ReplayCommandOptions) => auditReplayCommand(log, options));

// A reader that stops early (`| head`) is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(EXIT.ok);
  throw err;
});

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = exitCodeFor(err);
}

function exitCodeFor(err: unknown): number {
  if (err instanceof Exit) return err.code;
  if (err instanceof CommanderError) {
    // Help and version requests are successes; anything else commander rejects is a usage error.
    return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  process.stderr.write(`internal error: ${(err as Error)?.message ?? String(err)}\n`);
  if (process.env.SPINEMETS_DEBUG) process.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
  return EXIT.internal;
}
