#!/usr/bin/env node
import { Command, CommanderError, Option } from 'commander';
import { batchCommand } from './batch.js';
import { evaluateCommand } from './evaluate.js';
import { EXIT, Exit } from './exit-codes.js';
import { testCommand } from './test.js';
import { validateCommand } from './validate.js';

const program = new Command()
  .name('spinemets')
  .description('Traced, cited decision support for spinal metastases (SINS, NESMS, ...), from versioned YAML rule sets.')
  .version('0.1.0')
  .exitOverride()
  .showHelpAfterError('(run with --help for usage)');

const rulesOption = () => new Option('-r, --rules <paths...>', 'rule-set files or folders (default: the bundled rules/)');

program
  .command('evaluate')
  .description('evaluate one patient file (JSON or YAML) against the rule sets')
  .argument('<patient>', 'patient file, JSON or YAML')
  .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
  .addOption(rulesOption())
  .action((file: string, options: { format: 'text' | 'json'; rules?: string[] }) => evaluateCommand(file, options));

program
  .command('validate')
  .description('check rule files and report every problem with file:line:column')
  .argument('[paths...]', 'rule-set files or folders (default: the bundled rules/)')
  .action((paths: string[]) => validateCommand(paths));

program
  .command('batch')
  .description('evaluate one patient per NDJSON line; one JSON result per line, in order')
  .argument('<input>', 'NDJSON file, one patient per line')
  .option('-o, --output <file>', 'write results here instead of standard output')
  .addOption(rulesOption())
  .action((file: string, options: { output?: string; rules?: string[] }) => batchCommand(file, options));

program
  .command('test')
  .description("run the rule sets' YAML test cases (*.test.yaml beside each rule set)")
  .argument('[paths...]', 'rule-set folders or files (default: the bundled rules/)')
  .action((paths: string[]) => testCommand(paths));

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
