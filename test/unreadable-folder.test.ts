import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT } from '../src/cli/exit-codes.js';
import { LiveRuleSets, type LiveRuleSetsEvents } from '../src/ruleset/live-rule-sets.js';
import { BUNDLED_RULES_DIR, libraryIds, loadRuleSets } from '../src/ruleset/load-rulesets.js';
import { positionOf, read, replaced, SINS_FILE } from './support/mutate.js';
import { CLI, runCli } from './support/run-cli.js';

const PATIENT = new URL('../examples/patient.yaml', import.meta.url).pathname;

/**
 * A rules folder with SINS (its fact `pain` misspelt `pian`, a problem of its own), NESMS and the modified
 * Bauer score it reads, readable by anyone: the folder problems must come with the rule files' problems.
 */
function rulesFolder(): { dir: string; sins: string; pian: { line: number; column: number } } {
  const top = mkdtempSync(join(tmpdir(), 'spinemets-folders-'));
  chmodSync(top, 0o755);
  const dir = join(top, 'rules');
  for (const id of ['sins', 'nesms', 'modified-bauer']) cpSync(join(BUNDLED_RULES_DIR, id), join(dir, id), { recursive: true });
  const sins = join(dir, 'sins', 'sins.yaml');
  const text = replaced(read(SINS_FILE), [['fact: pain, operator: equal, value: mechanical', 'fact: pian, operator: equal, value: mechanical']]);
  writeFileSync(sins, text);
  return { dir, sins, pian: positionOf(text, 'pian') };
}

/** `file:line:column CODE` of each problem line of an output. */
const problemHeads = (output: string): string[] => output.split('\n').flatMap((l) => /^(\S+:\d+:\d+ [A-Z_]+)( |$)/.exec(l)?.[1] ?? []);

/** The commands QA ran on a rules folder: each reads every rule set under it. */
const commands = (dir: string): string[][] => [['validate', dir], ['test', dir], ['list', dir], ['evaluate', PATIENT, '--rules', dir]];

// `ln -s ../rules rules/loop` under a rules folder gave "internal error: ELOOP: too many symbolic links",
// exit 70, after reading the folder forty times over; `serve` logged a reload of it as INTERNAL_ERROR.
describe('FILE_UNREADABLE at a link back to a folder that holds it (a rules folder that loops)', () => {
  it('is one problem at the link, beside the other rule files\' problems, exit 1, for validate, test, list and evaluate --rules', () => {
    const { dir, sins, pian } = rulesFolder();
    symlinkSync('../rules', join(dir, 'loop'));
    for (const args of commands(dir)) {
      const { code, stdout, stderr } = runCli(args);
      expect(code, args.join(' ')).toBe(EXIT.rules);
      expect(problemHeads(stdout + stderr).sort(), args.join(' ')).toEqual([`${join(dir, 'loop')}:1:1 FILE_UNREADABLE`, `${sins}:${pian.line}:${pian.column} UNKNOWN_FACT`].sort());
    }
  }, 60_000);

  it('a link to the folder itself, deeper down, and a link that loops on itself are each one problem', async () => {
    const { dir } = rulesFolder();
    symlinkSync('.', join(dir, 'nesms', 'here'));
    symlinkSync('self', join(dir, 'self'));
    const { problems } = await loadRuleSets([dir]);
    const unreadable = problems.filter((p) => p.code === 'FILE_UNREADABLE').map((p) => `${p.file}:${p.line}:${p.column}`);
    expect(unreadable).toEqual([`${join(dir, 'nesms', 'here')}:1:1`, `${join(dir, 'self')}:1:1`]);
  });

  it('a second link to a folder already read reads it once, with no problem', async () => {
    const { dir } = rulesFolder();
    writeFileSync(join(dir, 'sins', 'sins.yaml'), read(SINS_FILE));
    const shared = join(dir, '..', 'shared');
    cpSync(join(dir, 'modified-bauer'), shared, { recursive: true });
    rmSync(join(dir, 'modified-bauer'), { recursive: true });
    symlinkSync('../shared', join(dir, 'modified-bauer'));
    symlinkSync('../shared', join(dir, 'zz-also-bauer'));
    const { rulesets, problems } = await loadRuleSets([dir]);
    expect(problems).toEqual([]);
    expect(rulesets.map((r) => r.document.id).sort()).toEqual(['modified-bauer', 'nesms', 'sins']);
  });

  it('the library\'s ids (the CDS card\'s names) come with the problem, and a library with a loop is still read', async () => {
    const { dir } = rulesFolder();
    symlinkSync('../rules', join(dir, 'loop'));
    const { ids, problems } = libraryIds([dir]);
    expect(ids.sort()).toEqual(['modified-bauer', 'nesms', 'sins']);
    expect(problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.code}`)).toEqual([`${join(dir, 'loop')}:1:1 FILE_UNREADABLE`]);
    // A NESMS given alone takes the modified Bauer score from that library: the loop there is said too.
    const only = mkdtempSync(join(tmpdir(), 'spinemets-folders-'));
    cpSync(join(dir, 'nesms'), join(only, 'nesms'), { recursive: true });
    const load = await loadRuleSets([only], { library: [dir] });
    expect(load.problems.filter((p) => p.severity === 'error').map((p) => `${p.file}:${p.line}:${p.column} ${p.code}`)).toEqual([`${join(dir, 'loop')}:1:1 FILE_UNREADABLE`]);
  });

  describe('serve', () => {
    let live: LiveRuleSets | undefined;
    afterEach(async () => {
      await live?.close();
      live = undefined;
    });

    it('does not start: the problem at the link, exit 1', () => {
      const { dir } = rulesFolder();
      writeFileSync(join(dir, 'sins', 'sins.yaml'), read(SINS_FILE));
      symlinkSync('../rules', join(dir, 'loop'));
      const result = spawnSync(process.execPath, [CLI, 'serve', '--port', '0', '--rules', dir], { encoding: 'utf8', timeout: 30_000 });
      expect(result.status).toBe(EXIT.rules);
      expect(problemHeads(result.stderr)).toEqual([`${join(dir, 'loop')}:1:1 FILE_UNREADABLE`]);
    }, 40_000);

    it('rejects a reload with the problem at the link (not INTERNAL_ERROR), keeps serving, and takes the fix', async () => {
      const { dir } = rulesFolder();
      const sins = join(dir, 'sins', 'sins.yaml');
      writeFileSync(sins, read(SINS_FILE));
      live = await LiveRuleSets.start({ paths: [dir], debounceMs: 20 });
      const first = live.current();
      const rejected = once(live, 'rejected') as Promise<LiveRuleSetsEvents['rejected']>;
      symlinkSync('../rules', join(dir, 'loop'));
      writeFileSync(sins, `${readFileSync(sins, 'utf8')}\n`);
      const [problems] = await rejected;
      expect(problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.code}`)).toEqual([`${join(dir, 'loop')}:1:1 FILE_UNREADABLE`]);
      expect(live.current()).toBe(first);
      const reloaded = once(live, 'reloaded') as Promise<LiveRuleSetsEvents['reloaded']>;
      rmSync(join(dir, 'loop'));
      writeFileSync(sins, read(SINS_FILE));
      const [snapshot] = await reloaded;
      expect(snapshot.generation).toBe(2);
    }, 30_000);
  });
});

/**
 * Runs the CLI as a user that permissions apply to: as root (whom they do not stop) through setpriv as
 * nobody. Undefined where that is not possible (no setpriv, or the built CLI not readable by nobody).
 */
function unprivileged(): ((args: string[]) => { code: number | null; stdout: string; stderr: string }) | undefined {
  const run = (command: string, args: string[]) => {
    const result = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
    return { code: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
  };
  if (process.getuid?.() !== 0) return (args) => run(process.execPath, [CLI, ...args]);
  const asNobody = ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath];
  if (run('setpriv', [...asNobody, '-e', `require('fs').accessSync(${JSON.stringify(CLI)})`]).code !== 0) return undefined;
  return (args) => run('setpriv', [...asNobody, CLI, ...args]);
}

// A subfolder with no read permission gave "internal error: EACCES: permission denied, scandir", exit 70,
// and `serve` did not start with that message either.
describe('FILE_UNREADABLE at a folder under a rules path that cannot be read', () => {
  const cli = unprivileged();

  it.skipIf(!cli)('is one problem at the folder, beside the other rule files\' problems, exit 1, for validate, test, list, evaluate --rules and serve', () => {
    const run = cli as NonNullable<typeof cli>;
    const { dir, sins, pian } = rulesFolder();
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o000);
    try {
      for (const args of commands(dir)) {
        const { code, stdout, stderr } = run(args);
        expect(code, args.join(' ')).toBe(EXIT.rules);
        expect(problemHeads(stdout + stderr).sort(), args.join(' ')).toEqual([`${locked}:1:1 FILE_UNREADABLE`, `${sins}:${pian.line}:${pian.column} UNKNOWN_FACT`].sort());
      }
      writeFileSync(sins, read(SINS_FILE));
      const serve = run(['serve', '--port', '0', '--rules', dir]);
      expect(serve.code).toBe(EXIT.rules);
      expect(problemHeads(serve.stderr)).toEqual([`${locked}:1:1 FILE_UNREADABLE`]);
    } finally {
      chmodSync(locked, 0o755);
    }
  }, 120_000);
});
