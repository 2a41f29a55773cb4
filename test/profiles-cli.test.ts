import { describe, expect, it } from 'vitest';
import { positionOf, read, writeVariant } from './support/mutate.js';
import { runCli } from './support/run-cli.js';

const EXAMPLES = new URL('../examples/profiles/', import.meta.url).pathname;
const PATIENT = new URL('../examples/patient.yaml', import.meta.url).pathname;

describe('spinemets with --profile', () => {
  it.each(['egfr-lung-nesms', 'sins-unstable-12', 'breast-radiosensitive'])(
    'runs every base case under the %s profile, and the profile\'s own cases; superseded base cases are listed',
    (name) => {
      const { code, stdout } = runCli(['test', '--profile', `${EXAMPLES}${name}.profile.yaml`]);
      expect(code).toBe(0);
      expect(stdout).toMatch(/\n\d+ passed, 0 failed, \d+ superseded by the profile\n$/);
      expect(stdout).toContain(`${name}.profile.test.yaml`);
      expect(stdout).toMatch(/^SKIP .*\(superseded by the profile: /m);
    },
  );

  it('fails the base cases a profile changes when no case file beside the profile supersedes them', () => {
    const { file } = writeVariant(read(`${EXAMPLES}sins-unstable-12.profile.yaml`), [], 'local.profile.yaml');
    const { code, stdout } = runCli(['test', '--profile', file]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^FAIL sins: Top of the potentially unstable band/m);
    expect(stdout).toMatch(/\n\d+ passed, 7 failed\n$/);
  });

  it('evaluates with a profile and says which institution changes shaped the result', () => {
    const { code, stdout } = runCli(['evaluate', PATIENT, '--profile', `${EXAMPLES}sins-unstable-12.profile.yaml`]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/sins 1\.1\.0 \+ profile sins-unstable-12@1\.2\.0/);
    expect(stdout).toMatch(/Profile sins-unstable-12@1\.2\.0 on sins \(Example University Hospital, spine oncology board; sha256 [0-9a-f]{12}\):/);
  });

  it('rejects a profile that names a rule that does not exist, with file:line:column and exit code 1', () => {
    const { file, text } = writeVariant(read(`${EXAMPLES}sins-unstable-12.profile.yaml`), [['rule: mechanical.unstable_collapse', 'rule: mechanical.unstable_colapse']], 'bad.profile.yaml');
    const { line, column } = positionOf(text, 'mechanical.unstable_colapse');
    const { code, stderr } = runCli(['evaluate', PATIENT, '--profile', file]);
    expect(code).toBe(1);
    expect(stderr).toContain(`${file}:${line}:${column} PROFILE_UNKNOWN_TARGET`);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('lists which profile applies to which rule set, and the hash it is evaluated under', () => {
    const { code, stdout } = runCli(['list', '--format', 'json', '--profile', `${EXAMPLES}breast-radiosensitive.profile.yaml`]);
    expect(code).toBe(0);
    const rows = JSON.parse(stdout) as Array<{ id: string; sha256: string; profile?: { id: string; evaluatedSha256: string } }>;
    const noms = rows.find((r) => r.id === 'noms');
    expect(noms?.profile?.id).toBe('breast-radiosensitive');
    expect(noms?.profile?.evaluatedSha256).not.toBe(noms?.sha256);
    expect(rows.find((r) => r.id === 'sins')?.profile).toBeUndefined();
  });
});
