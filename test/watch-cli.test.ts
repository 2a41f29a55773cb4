import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { positionOf } from './support/mutate.js';
import { CLI } from './support/run-cli.js';

const SINS_DIR = new URL('../rules/sins/', import.meta.url).pathname;

/** `spinemets watch` as a user runs it, with its output collected as it comes. */
function startWatch(args: string[]) {
  const child = spawn(process.execPath, [CLI, 'watch', ...args], { env: { ...process.env, NO_COLOR: '1' } });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const waitFor = async (pattern: RegExp, from = 0): Promise<string> => {
    while (!pattern.test(output.slice(from))) {
      if (child.exitCode !== null) throw new Error(`watch exited ${child.exitCode}:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return output.slice(from);
  };
  return { child, waitFor, length: () => output.length };
}

/** A folder holding a copy of the bundled SINS rule set and its cases, which a test may then break. */
function sinsCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'spinemets-watch-'));
  cpSync(SINS_DIR, join(dir, 'sins'), { recursive: true });
  return dir;
}

let running: ReturnType<typeof startWatch> | undefined;
afterEach(() => {
  running?.child.kill('SIGTERM');
  running = undefined;
});

describe('spinemets watch', () => {
  it('reports a broken save with line:column, keeps the last good rule set, and picks up the fix', async () => {
    const dir = sinsCopy();
    const file = join(dir, 'sins', 'sins.yaml');
    const good = readFileSync(file, 'utf8');
    const patient = join(mkdtempSync(join(tmpdir(), 'spinemets-watch-patient-')), 'patient.yaml');
    // T12 junctional 3 + mechanical 3 + lytic 2 + normal 0 + <50% collapse 2 + unilateral 1 = SINS 11.
    writeFileSync(patient, 'lesions:\n  - { level: T12, pain: mechanical, boneLesion: lytic, alignment: normal, collapse: under_50, posterolateral: unilateral }\n');

    running = startWatch([dir, '--patient', patient, '--debounce', '50']);
    expect(await running.waitFor(/sins\.category\[lesion 1\]: potentially_unstable/)).toMatch(/cases: 45 passed, 0 failed/);

    const broken = good.replace('  - category: unstable', '  - category: [unstable');
    writeFileSync(file, broken);
    let mark = running.length();
    const rejected = await running.waitFor(/still using generation 1[\s\S]*YAML_SYNTAX/, mark);
    const { line } = positionOf(broken, '[unstable');
    expect(rejected).toMatch(new RegExp(`sins\\.yaml:(${line}|${line + 1}):\\d+ YAML_SYNTAX`));

    // The fix: SINS 11 becomes unstable with the band moved to 11.
    mark = running.length();
    writeFileSync(file, good.replace('min: 7\n      max: 12', 'min: 7\n      max: 10').replace('min: 13\n      max: 18', 'min: 11\n      max: 18'));
    const reloaded = await running.waitFor(/patient .* changed:\n\s+sins\.category\[lesion 1\]: potentially_unstable -> unstable/, mark);
    expect(reloaded).toMatch(/reloaded \(generation 2\)/);
    expect(reloaded).toMatch(/FAIL sins: Top of the potentially unstable band/);
  });

  it('starts on broken rules: shows their problems with line:column and starts for real once they are fixed', async () => {
    const dir = sinsCopy();
    const file = join(dir, 'sins', 'sins.yaml');
    const good = readFileSync(file, 'utf8');
    const broken = good.replace('  - category: unstable', '  - category: [unstable');
    writeFileSync(file, broken);

    running = startWatch([dir, '--debounce', '50']);
    const waiting = await running.waitFor(/do not load yet; watching for a fix/);
    const { line } = positionOf(broken, '[unstable');
    expect(waiting).toMatch(new RegExp(`sins\\.yaml:(${line}|${line + 1}):\\d+ YAML_SYNTAX`));

    const mark = running.length();
    writeFileSync(file, good);
    expect(await running.waitFor(/cases: 45 passed, 0 failed/, mark)).toMatch(/watching .* \(generation 1, 1 rule sets\)/);
  });

  it('re-runs a test-case file when it is saved, without reloading the rules', async () => {
    const dir = sinsCopy();
    running = startWatch([dir, '--debounce', '50']);
    await running.waitFor(/cases: 45 passed/);
    const cases = join(dir, 'sins', 'sins.test.yaml');
    const mark = running.length();
    writeFileSync(cases, readFileSync(cases, 'utf8').replace('      score: 12\n', '      score: 13\n'));
    const out = await running.waitFor(/cases: 44 passed, 1 failed/, mark);
    expect(out).toMatch(/sins\.test\.yaml changed/);
    expect(out).not.toMatch(/reloaded/);
  });

  // A partial re-run counted no invalid case at all: a save that broke a case read "44 passed, 0 failed",
  // as if the file held only 44 (the left-engineering list of 2026-12-07).
  it('counts a case the save made invalid in the re-run\'s tally, as test does', async () => {
    const dir = sinsCopy();
    running = startWatch([dir, '--debounce', '50']);
    await running.waitFor(/cases: 45 passed/);
    const cases = join(dir, 'sins', 'sins.test.yaml');
    const broken = readFileSync(cases, 'utf8').replace('lesion: { level: S2, pain: none,', 'lesion: { level: S9, pain: none,');
    const mark = running.length();
    writeFileSync(cases, broken);
    const out = await running.waitFor(/cases: .*\n/, mark);
    expect(out).toMatch(/cases: 44 passed, 0 failed, 1 invalid \(not run; see the problems above\)\n/);
    const { line, column } = positionOf(broken, 'S9');
    expect(out).toMatch(new RegExp(`sins\\.test\\.yaml:${line}:${column} SCHEMA_ENUM`));
  });

  // A save that left the case file unreadable read "cases: 0 passed, 0 failed", a green tally for a
  // file none of whose cases ran (left-engineering list of 2026-12-07).
  it('counts a case file the save left unreadable in the re-run\'s tally', async () => {
    const dir = sinsCopy();
    running = startWatch([dir, '--debounce', '50']);
    await running.waitFor(/cases: 45 passed/);
    const cases = join(dir, 'sins', 'sins.test.yaml');
    const broken = readFileSync(cases, 'utf8').replace('ruleset: sins\n', 'ruleset: sins\n  bad: [unclosed\n');
    const mark = running.length();
    writeFileSync(cases, broken);
    const out = await running.waitFor(/cases: .*\n/, mark);
    expect(out).toMatch(/cases: 0 passed, 0 failed, 1 case file not read \(see the problems above\)\n/);
    expect(out).toMatch(/sins\.test\.yaml:\d+:\d+ YAML_SYNTAX/);
  });

  // The re-run after a rule-file save showed "cases: 0 passed, 0 failed" and no problem: a case file that
  // does not read names no rule set, and was in no rule set's re-run (regression QA, helper-47).
  it('after a rule-file save, counts and shows an unreadable case file beside that rule file', async () => {
    const dir = sinsCopy();
    const cases = join(dir, 'sins', 'sins.test.yaml');
    writeFileSync(cases, 'ruleset: sins\ncases: [unclosed\n');
    running = startWatch([dir, '--debounce', '50']);
    await running.waitFor(/cases: .*\n/);
    const rules = join(dir, 'sins', 'sins.yaml');
    const mark = running.length();
    writeFileSync(rules, readFileSync(rules, 'utf8').replace(/^title: (.*)$/m, 'title: $1 (edited)'));
    const out = await running.waitFor(/reloaded[\s\S]*cases: .*\n/, mark);
    expect(out).toMatch(/sins\.test\.yaml:\d+:\d+ YAML_SYNTAX/);
    expect(out).toMatch(/cases: 0 passed, 0 failed, 1 case file not read \(see the problems above\)\n/);
  });

  // A partial re-run printed the problems of every case file, while its tally counted only the saved one's
  // (left-engineering list of 2026-12-07).
  it('shows the problems of the case files a re-run covers, not those of every other case file again', async () => {
    const dir = sinsCopy();
    const other = join(dir, 'sins', 'sins.extra.test.yaml');
    writeFileSync(other, 'ruleset: sins\ncases: [unclosed\n');
    running = startWatch([dir, '--debounce', '50']);
    expect(await running.waitFor(/cases: .*\n/)).toMatch(/sins\.extra\.test\.yaml:\d+:\d+ YAML_SYNTAX[\s\S]*cases: 45 passed, 0 failed, 1 case file not read/);
    const cases = join(dir, 'sins', 'sins.test.yaml');
    const mark = running.length();
    writeFileSync(cases, readFileSync(cases, 'utf8').replace('      score: 12\n', '      score: 13\n'));
    const out = await running.waitFor(/cases: .*\n/, mark);
    expect(out).toMatch(/cases: 44 passed, 1 failed\n/);
    expect(out).not.toMatch(/sins\.extra\.test\.yaml/);
  });

  // watch re-validated on every save, but without the profile review validate gives (and showed no warning at start).
  it('with a profile, shows the THRESHOLD_NOT_FOLLOWED warnings validate --profile gives, from the start', async () => {
    const rules = new URL('../rules/', import.meta.url).pathname;
    const profile = new URL('../examples/profiles/sins-unstable-12.profile.yaml', import.meta.url).pathname;
    running = startWatch([rules, '--profile', profile, '--debounce', '50']);
    const started = await running.waitFor(/cases: \d+ passed/);
    expect(started).toMatch(/watching [\s\S]*lesion-plan\.yaml:\d+:\d+ THRESHOLD_NOT_FOLLOWED \(warning\)/);
  });

  // Its folder was read as a rule folder (PROFILE_UNKNOWN_RULESET, nothing loaded), and it waited for a fix (QA regression pass).
  it('runs a profile\'s case file given alone, copied to a folder of its own, under the profile', async () => {
    const profile = new URL('../examples/profiles/sins-unstable-12.profile.yaml', import.meta.url).pathname;
    const copy = join(mkdtempSync(join(tmpdir(), 'spinemets-watch-cases-')), 'board-cases.test.yaml');
    cpSync(new URL('../examples/profiles/sins-unstable-12.profile.noms.test.yaml', import.meta.url).pathname, copy);
    running = startWatch([copy, '--profile', profile, '--debounce', '50']);
    const started = await running.waitFor(/cases: \d+ passed, \d+ failed/);
    expect(started).toMatch(/cases: 3 passed, 0 failed/);
    expect(started).not.toMatch(/PROFILE_UNKNOWN_RULESET|PROFILE_AS_RULESET/);
  });
});
