import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../src/cli/exit-codes.js';
import { runCli } from './support/run-cli.js';

const PATIENT = new URL('../examples/patient.yaml', import.meta.url).pathname;
const SINS_12 = new URL('../examples/profiles/sins-unstable-12.profile.yaml', import.meta.url).pathname;

/** The codes of the problem lines on standard error, with where they are (`<command line>`, or file:line:column). */
const problemCodes = (stderr: string): string[] => stderr.split('\n').flatMap((l) => /^(<command line>|\S+) ([A-Z][A-Z_]+) /.exec(l)?.slice(1, 3).join(' ') ?? []);

// A mistake on the command line exited 1, the code of a rule set with problems, although the README
// gives 64 to "the command line is wrong"; and the messages spoke of options the user had not used.
describe('UNKNOWN_RULESET_VERSION: a rule set named on the command line that is not installed', () => {
  it('evaluate --ruleset sinss is a usage error (64) and suggests sins', () => {
    const { code, stderr } = runCli(['evaluate', PATIENT, '--ruleset', 'sinss']);
    expect(code).toBe(EXIT.usage);
    expect(problemCodes(stderr)).toEqual(['<command line> UNKNOWN_RULESET_VERSION']);
    expect(stderr).toContain('"sins"');
  });

  it('serve --hash-ids without --record does not start: OPTION_CONFLICT, 64, as for evaluate', () => {
    const { code, stderr } = runCli(['serve', '--port', '0', '--hash-ids']);
    expect(code).toBe(EXIT.usage);
    expect(problemCodes(stderr)).toEqual(['<command line> OPTION_CONFLICT']);
  });

  it('serve --ruleset sinss does not start, and is a usage error (64)', () => {
    const { code, stderr } = runCli(['serve', '--port', '0', '--ruleset', 'sinss']);
    expect(code).toBe(EXIT.usage);
    expect(problemCodes(stderr)).toEqual(['<command line> UNKNOWN_RULESET_VERSION']);
  });

  it('diff sins nonexist.yaml says that no such file or rule set exists, never --ruleset, exit 64', () => {
    const { code, stderr } = runCli(['diff', 'sins', 'nonexist.yaml']);
    expect(code).toBe(EXIT.usage);
    expect(problemCodes(stderr)).toEqual(['<command line> UNKNOWN_RULESET_VERSION']);
    expect(stderr).toContain('nonexist.yaml');
    expect(stderr).not.toContain('--ruleset');
  });
});

// `diff nesms sins` compared the same pipeline with itself and printed "Rule content: no difference".
describe('DIFF_DIFFERENT_RULESETS: diff of two sides about different rule sets', () => {
  it('diff nesms sins is refused, exit 64', () => {
    const { code, stdout, stderr } = runCli(['diff', 'nesms', 'sins']);
    expect(code).toBe(EXIT.usage);
    expect(problemCodes(stderr)).toEqual(['<command line> DIFF_DIFFERENT_RULESETS']);
    expect(stdout).toBe('');
  });

  it('a profile is about the rule sets it changes: diff nesms <SINS profile> is refused, diff noms <SINS profile> is not', () => {
    expect(runCli(['diff', 'nesms', SINS_12]).code).toBe(EXIT.usage);
    const { code, stdout } = runCli(['diff', 'noms', SINS_12]);
    expect(code).toBe(EXIT.ok);
    expect(stdout).toMatch(/^Rule content$/m);
  });
});

// Standard error that could not be written made Node exit 1 (the code of a rule set with problems),
// whatever the command's outcome: a batch whose every row was written, a patient rejected with 2.
describe('standard error that cannot be written leaves the command its own exit code', () => {
  const CLI = new URL('../dist/cli/main.js', import.meta.url).pathname;
  const withFullStderr = (args: string[]): number | null => {
    const full = openSync('/dev/full', 'w');
    try {
      return spawnSync(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', full] }).status;
    } finally {
      closeSync(full);
    }
  };

  it.runIf(existsSync('/dev/full'))('a batch that wrote every row exits 0; a rejected patient exits 2', () => {
    expect(withFullStderr(['batch', new URL('../examples/cohort.ndjson', import.meta.url).pathname])).toBe(EXIT.ok);
    const bad = join(mkdtempSync(join(tmpdir(), 'spinemets-stderr-')), 'p.yaml');
    writeFileSync(bad, 'age: x\n');
    expect(withFullStderr(['evaluate', bad])).toBe(EXIT.input);
  });
});

// `--shard 1/3 --shard 2/3` ran shard 2 and `-o a -o b` wrote only b, silently (QA pass of the batch).
describe('OPTION_CONFLICT: a one-value option given twice', () => {
  it('is refused before any work, naming both values, for every command; repeatable options stay repeatable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spinemets-usage-'));
    const cohort = join(dir, 'c.ndjson');
    writeFileSync(cohort, '{"id":"a"}\n');
    const shards = runCli(['batch', cohort, '--shard', '1/3', '--shard', '2/3']);
    expect(shards).toMatchObject({ code: EXIT.usage, stdout: '' });
    expect(problemCodes(shards.stderr)).toEqual(['<command line> OPTION_CONFLICT']);
    expect(shards.stderr).toContain('--shard is given twice (1/3, then 2/3)');
    const outputs = runCli(['batch', cohort, '-o', join(dir, 'a.ndjson'), '--output', join(dir, 'b.ndjson')]);
    expect(problemCodes(outputs.stderr)).toEqual(['<command line> OPTION_CONFLICT']);
    expect([existsSync(join(dir, 'a.ndjson')), existsSync(join(dir, 'b.ndjson'))]).toEqual([false, false]);
    expect(problemCodes(runCli(['audit', 'replay', join(dir, 'log.jsonl'), '--id', 'a', '--id', 'b']).stderr)).toEqual(['<command line> OPTION_CONFLICT']);
    expect(runCli(['evaluate', PATIENT, '--rules', new URL('../rules/sins', import.meta.url).pathname, '--rules', new URL('../rules/nesms', import.meta.url).pathname]).code).toBe(0);
  });

  // `--progress --no-progress` took the last, as a repeated value did.
  it('refuses a flag given with its negation, and allows a flag given twice', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spinemets-usage-'));
    const cohort = join(dir, 'c.ndjson');
    writeFileSync(cohort, '{"id":"a"}\n');
    const both = runCli(['batch', cohort, '--progress', '--no-progress', '-o', join(dir, 'out.ndjson')]);
    expect(both).toMatchObject({ code: EXIT.usage, stdout: '' });
    expect(problemCodes(both.stderr)).toEqual(['<command line> OPTION_CONFLICT']);
    expect(existsSync(join(dir, 'out.ndjson'))).toBe(false);
    expect(runCli(['batch', cohort, '--no-progress', '--no-progress', '--trace', 'none', '-o', join(dir, 'out.ndjson')]).code).toBe(0);
    // Help asked for is help, whatever else the line holds (it was the conflict, helper-46).
    expect(runCli(['evaluate', '--help', '-f', 'json', '-f', 'text'])).toMatchObject({ code: 0, stdout: expect.stringContaining('Usage: spinemets evaluate') });
  });
});
