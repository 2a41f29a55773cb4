import { Command, CommanderError, Option } from 'commander';
import type { ReplayCommandOptions } from './audit-replay.js';
import { engineIdentity } from '../audit/engine-identity.js';
import { TRACE_LEVELS, type TraceLevel } from '../engine/trace-level.js';
import { INPUT_FORMATS, OUTPUT_FORMATS } from '../batch/formats.js';
import type { BatchOptions } from './batch.js';
import type { DiffOptions } from './diff.js';
import type { EvaluateOptions } from './evaluate.js';
import { EXIT, Exit } from './exit-codes.js';
import { formatProblem } from '../problems/format.js';
import { COMMAND_LINE } from '../problems/problem.js';
import type { ServeOptions } from './serve.js';
import { usageError, usageLine } from './usage-error.js';
import type { WatchOptions } from './watch.js';

// Each command's module is imported when the command runs, so a command loads only what it uses
// (evaluate never loads the HTML report, the audit replay, the diff, the test-case runner or the server).

const program = new Command()
  .name('spinemets')
  .description('Traced, cited decision support for spinal metastases (SINS, NESMS, ...), from versioned YAML rule sets.')
  .version(engineIdentity().version)
  .exitOverride()
  // commander's rejections (an unknown option, a missing argument, a value not among the choices) are
  // usage problems like ours: one line with a stable code.
  .configureOutput({ outputError: (text, write) => write(usageLine('OPTION_INVALID', text.replace(/^error: /, '').trim().replace(/\s*\n\s*/g, ' '))) })
  .showHelpAfterError('(run with --help for usage)');

/**
 * A value option that may be given again, each time with one value: `--profile a --profile b`. Not
 * variadic (`<files...>`), which would take every following word, the command's own arguments included
 * (`validate --profile p.yaml rules/` read rules/ as a profile).
 */
const repeatable = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];
const rulesOption = () => new Option('-r, --rules <path>', 'a rule-set file or folder; repeat for several (default: the bundled rules/)').argParser(repeatable);
const TRACE_HELP = 'how much trace to output: none, rules (fired rules and totals) or full (every rule and condition)';
/** The level when none is given, or, where the command works it out itself, what the help says of it. */
type TraceDefault = TraceLevel | { described: string };
const traceOption = (fallback: TraceDefault) => {
  if (typeof fallback === 'string') return new Option('--trace <level>', TRACE_HELP).choices([...TRACE_LEVELS]).default(fallback);
  // Commander shows a default only when it has a value: the worked-out one goes into the help text.
  return new Option('--trace <level>', `${TRACE_HELP} (default: ${fallback.described})`).choices([...TRACE_LEVELS]);
};
const profileOption = () => new Option('--profile <file>', 'apply an institution profile (YAML overlay of thresholds, tables, points and rules, each with reason and author); repeat for several').argParser(repeatable);
const recordOption = () => new Option('--record <log>', 'append a hash-chained decision record per evaluated patient to this JSON Lines audit log');
const hashIdsOption = () => new Option('--hash-ids', 'in the decision records, store a sha256 of each id instead of the id');
const rulesetOption = () => new Option('--ruleset <pick>', 'evaluate this version of a rule set: id@version or id@sha256:<hash prefix> (default: the newest); repeat for several').argParser(repeatable);
/** What the commands that evaluate patients (evaluate, batch) share, after their own options. */
const withEvaluationOptions = (command: Command, trace: TraceDefault): Command =>
  command.addOption(rulesOption()).addOption(rulesetOption()).addOption(profileOption()).addOption(traceOption(trace)).addOption(recordOption()).addOption(hashIdsOption());

withEvaluationOptions(
  program
    .command('evaluate')
    .description('evaluate one patient file (JSON or YAML) against the rule sets')
    .argument('<patient>', 'patient file, JSON or YAML (- for standard input)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text')),
  'full',
).action(async (file: string, options: EvaluateOptions) => (await import('./evaluate.js')).evaluateCommand(file, options));

program
  .command('validate')
  .description('check rule files and the test-case files beside them; report every problem with file:line:column')
  .argument('[paths...]', 'rule-set files or folders (default: the bundled rules/)')
  .addOption(profileOption())
  .action(async (paths: string[], options: { profile?: string[] }) => (await import('./validate.js')).validateCommand(paths, options));

withEvaluationOptions(
  program
    .command('batch')
    .description('evaluate a cohort, one patient per NDJSON line or CSV row; one result per patient, in input order')
    .argument('<input>', 'NDJSON (one patient per line) or CSV (one patient per row, columns as in the README) file (- for standard input)')
    .option('-o, --output <file>', 'write results here instead of standard output')
    .addOption(new Option('--input-format <format>', 'input format (default: csv for *.csv, else ndjson)').choices([...INPUT_FORMATS]))
    .addOption(new Option('--output-format <format>', 'output format: one JSON result per line, or one CSV row per patient').choices([...OUTPUT_FORMATS]).default('ndjson'))
    .option('--lesion-columns <n>', 'CSV output: lesion column groups (default: those of the CSV input, else 4)')
    .option('--workers <n>', 'worker threads (default: the available cores; 1 evaluates in this thread)')
    .option('--shard <i/n>', 'evaluate only rows whose index (from 0) mod n is i-1, so n runs together cover the input')
    .option('--progress', 'show a progress bar on standard error (default: when it is a terminal)')
    .option('--no-progress', 'never show the progress bar')
    .option('--summary <file>', 'also write the end-of-run summary as JSON to this file'),
  { described: 'rules with NDJSON output; none with CSV output, which has no trace columns' },
).action(async (file: string, options: BatchOptions) => (await import('./batch.js')).batchCommand(file, options));

program
  .command('test')
  .description("run the rule sets' YAML test cases (*.test.yaml beside each rule set)")
  .argument('[paths...]', 'rule-set folders or files (default: the bundled rules/)')
  .addOption(profileOption())
  .action(async (paths: string[], options: { profile?: string[] }) => (await import('./test.js')).testCommand(paths, options));

program
  .command('explain')
  .description('tell each score and decision of one patient in plain language, from the trace')
  .argument('<patient>', 'patient file, JSON or YAML (- for standard input)')
  .addOption(rulesOption())
  .addOption(rulesetOption())
  .addOption(profileOption())
  .action(async (file: string, options: { rules?: string[]; ruleset?: string[]; profile?: string[] }) => (await import('./explain.js')).explainCommand(file, options));

program
  .command('report')
  .description('write a standalone HTML report (no external assets) of an evaluation, a decision record or an audit log entry')
  .argument('<file>', 'evaluate --format json output, one decision record, or an audit log')
  .requiredOption('--html <out>', 'the HTML file to write')
  .option('--id <decisionId>', 'in an audit log, the decision to report (default: the last)')
  .action(async (file: string, options: { html: string; id?: string }) => (await import('./report.js')).reportCommand(file, options));

program
  .command('list')
  .description('list every installed rule set and version (* = evaluated by default): id, version, hash, title, references')
  .argument('[paths...]', 'rule-set files or folders (default: the bundled rules/)')
  .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
  .addOption(profileOption())
  .action(async (paths: string[], options: { format: 'text' | 'json'; profile?: string[] }) => (await import('./list.js')).listCommand(paths, options));

program
  .command('diff')
  .description('compare two rule-set versions, or a rule set and the same with a profile: rule content, and with --cohort the patients whose results or score components change')
  .argument('<a>', 'id, id@version or id@sha256:<prefix> of an installed rule set, a rule-set file, or a profile file')
  .argument('<b>', 'the same forms as <a>')
  .option('--cohort <file>', 'evaluate these patients (NDJSON or CSV, as for batch) on both sides and report what changes')
  .addOption(new Option('--cohort-format <format>', 'the cohort\'s format (default: csv for *.csv, else ndjson)').choices([...INPUT_FORMATS]))
  .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
  .option('--show <n>', 'patients each list of the text output shows', '20')
  .addOption(rulesOption())
  .action(async (a: string, b: string, options: DiffOptions) => (await import('./diff.js')).diffCommand(a, b, options));

program
  .command('serve')
  .description('serve the HTTP API (POST /evaluate, /batch), CDS Hooks and the clinician page; rule files are reloaded when they change')
  .option('--port <port>', 'TCP port (0: any free port)', '8080')
  .option('--host <host>', 'address to bind; the default serves this machine only', '127.0.0.1')
  .option('--body-limit <bytes>', 'the largest request body, and /batch line, taken (default: 1048576, 1 MiB); a CDS Hooks prefetch with years of results may need more')
  .addOption(rulesOption())
  .addOption(rulesetOption())
  .addOption(profileOption())
  .option('--token-file <file>', 'require Authorization: Bearer <the token in this file> on every route but /health')
  .addOption(new Option('--jwt-issuer <iss>', 'accept CDS Hooks JWTs from this issuer (its iss), signed with a key of its --jwks; repeat for several').argParser(repeatable))
  .addOption(new Option('--jwks <url-or-file>', "the public keys of the --jwt-issuer given in the same place: a JWKS URL (https) or file").argParser(repeatable))
  .option('--base-url <url>', 'with --jwt-issuer: the URL clients call this service at (behind a proxy, the proxy\'s); a token\'s aud must be it followed by the path called')
  .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM, the chain after it); with --tls-key')
  .option('--tls-key <file>', 'the private key of --tls-cert (PEM)')
  .addOption(new Option('--cors-origin <origin>', 'let pages of this origin (https://ehr.example.org, or * for any) call the service from a browser; repeat for several (default: no CORS)').argParser(repeatable))
  .option('--record <log>', 'append a hash-chained decision record per decision to this JSON Lines audit log; responses carry its decisionId')
  .addOption(hashIdsOption())
  .option('--feedback <file>', 'append CDS Hooks feedback here (default: <record log>.feedback.jsonl with --record, else not kept)')
  .addOption(new Option('--trace <level>', 'trace level when a request names none (?trace=): default full for /evaluate, rules for /batch').choices([...TRACE_LEVELS]))
  .option('--cds-config <file>', 'CDS Hooks card and FHIR mapping configuration (default: config/cds-hooks.yaml)')
  .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'silent']).default('info'))
  .option('--request-timeout <ms>', 'a client gets this long for its request headers, and may fall silent this long within its body (408 after)', '30000')
  .option('--shutdown-grace <ms>', 'on SIGTERM or SIGINT, how long requests under way may take to finish before their connections are closed', '10000')
  // Loaded on use: the HTTP stack (fastify, pino, chokidar) would slow every other command's start.
  .action(async (options: ServeOptions) => (await import('./serve.js')).serveCommand(options));

program
  .command('watch')
  .description('on every save of a rule file, profile or test case: re-validate, re-run the affected cases and, with --patient, show what changed in its result')
  .argument('[paths...]', 'rule-set files or folders (default: the bundled rules/)')
  .addOption(profileOption())
  .option('--patient <file>', 're-evaluate this patient (JSON or YAML) after every change and show what changed in the result')
  .option('--debounce <ms>', 'quiet time after the last save before reacting (editors save in bursts)', '100')
  .action(async (paths: string[], options: WatchOptions) => (await import('./watch.js')).watchCommand(paths, options));

const audit = program.command('audit').description('check and replay the decision records written with --record');

audit
  .command('verify')
  .description("check every record's hash and the chain; report the first broken, edited, reordered or missing record")
  .argument('<log>', 'audit log (JSON Lines) written with --record')
  .action(async (log: string) => (await import('./audit-verify.js')).auditVerifyCommand(log));

audit
  .command('replay')
  .description('re-evaluate recorded decisions on the rule sets they used (stored with the log) and report any difference')
  .argument('<log>', 'audit log (JSON Lines) written with --record')
  .option('--id <decisionId>', 'replay only this decision')
  .option('--current', 'evaluate with the current rule sets instead, and report what would change')
  .option('--all-differences', 'list every difference of a decision (default: the first 20, then how many more)')
  .addOption(rulesOption())
  .addOption(profileOption())
  .action(async (log: string, options: ReplayCommandOptions) => (await import('./audit-replay.js')).auditReplayCommand(log, options));

/**
 * A value option given twice: commander keeps the last value, so `--shard 1/3 --shard 2/3` or two `-o`
 * in a script would run on one of them unnoticed. Refused, naming both, unless the option is repeatable;
 * so is a flag given with its negation.
 */
function refuseRepeatedValues(command: Command): void {
  // Asked for help, the user gets it, whatever else the line holds.
  if (process.argv.includes('--help') || process.argv.includes('-h')) return;
  // A flag and its negation (--progress, --no-progress) set one attribute: given both, which was meant?
  const flagsGiven = new Map<string, string>();
  for (const option of command.options) {
    const flag = option.long ?? option.flags;
    if (!(option.required || option.optional)) {
      command.on(`option:${option.name()}`, () => {
        const other = flagsGiven.get(option.attributeName());
        if (other !== undefined && other !== flag) usageError('OPTION_CONFLICT', `${other} and ${flag} are both given; give one`);
        flagsGiven.set(option.attributeName(), flag);
      });
      continue;
    }
    if (option.parseArg === repeatable) continue;
    let first: unknown;
    command.on(`option:${option.name()}`, (value: unknown) => {
      if (first !== undefined) usageError('OPTION_CONFLICT', `${flag} is given twice (${String(first)}, then ${String(value)}); it takes one value`);
      first = value;
    });
  }
  command.commands.forEach(refuseRepeatedValues);
}
refuseRepeatedValues(program);

// A reader that stops early (`| head`) is not an error; a full disk or an I/O error is, in one line.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(EXIT.ok);
  process.stderr.write(writeFailure('standard output', err));
  process.exit(EXIT.io);
});

// Standard error that cannot be written (a closed pipe, a full disk) leaves nowhere to say anything:
// the command's own exit code stands, rather than Node's exit 1 for an unhandled stream error.
process.stderr.on('error', () => undefined);

// No top-level await: the build bundles the CLI as CommonJS (scripts/bundle-cli.mjs).
program.parseAsync(process.argv).catch((err: unknown) => {
  process.exitCode = exitCodeFor(err);
});

function exitCodeFor(err: unknown): number {
  if (err instanceof Exit) return err.code;
  if (err instanceof CommanderError) {
    // Help and version requests are successes; anything else commander rejects is a usage error.
    return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if ((err as NodeJS.ErrnoException)?.syscall === 'write') {
    process.stderr.write(writeFailure('output', err as NodeJS.ErrnoException));
    return EXIT.io;
  }
  process.stderr.write(`internal error: ${(err as Error)?.message ?? String(err)}\n`);
  if (process.env.SPINEMETS_DEBUG) process.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
  return EXIT.internal;
}

function writeFailure(what: string, err: NodeJS.ErrnoException): string {
  return `${formatProblem({ code: 'OUTPUT_WRITE_FAILED', severity: 'error', message: `${what} could not be written: ${err.message}`, file: COMMAND_LINE })}\n`;
}
