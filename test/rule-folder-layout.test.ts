import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../src/cli/exit-codes.js';
import { BUNDLED_RULES_DIR, loadRuleSets } from '../src/ruleset/load-rulesets.js';
import { positionOf, read, replaced, SINS_FILE } from './support/mutate.js';
import { runCli } from './support/run-cli.js';

const PATIENT = new URL('../examples/patient.yaml', import.meta.url).pathname;
const NOMS_FILE = new URL('../rules/noms/noms.yaml', import.meta.url).pathname;
const tmp = () => mkdtempSync(join(tmpdir(), 'spinemets-layout-'));

/** A copy of the bundled rules/ with sins's id changed to "sin" (the folder and the file still say sins). */
function copyWithSinsIdChanged(): { dir: string; file: string; text: string } {
  const dir = join(tmp(), 'rules');
  cpSync(BUNDLED_RULES_DIR, dir, { recursive: true });
  const file = join(dir, 'sins', 'sins.yaml');
  const text = replaced(read(SINS_FILE), [['\nid: sins\n', '\nid: sin\n']]);
  writeFileSync(file, text);
  return { dir, file, text };
}

// With its id changed, the copy's sins.yaml no longer answered to "sins": `test <copy>` ran sins.test.yaml
// against the BUNDLED sins (taken for NOMS's requires) and reported every case passed.
describe('RULESET_ID_MISMATCH: a rule file whose id is not its folder name', () => {
  it('is an error at the id, and the rule set is not loaded', async () => {
    const { dir, file, text } = copyWithSinsIdChanged();
    const { rulesets, problems } = await loadRuleSets([dir]);
    // What requires sins is held back too (MISSING_REQUIREMENT: no library here); the mismatch is said once, at the id.
    const errors = problems.filter((p) => p.code === 'RULESET_ID_MISMATCH');
    expect(errors.map((p) => ({ code: p.code, file: p.file, line: p.line, column: p.column }))).toEqual([{ code: 'RULESET_ID_MISMATCH', file, ...positionOf(text, 'sin\n', '\nid: ') }]);
    expect(rulesets.map((r) => r.document.id)).not.toContain('sin');
  });

  it('test and evaluate fail on such a copy (exit 1), and never run its cases on the bundled rule set', () => {
    const { dir, file, text } = copyWithSinsIdChanged();
    const { line, column } = positionOf(text, 'sin\n', '\nid: ');
    for (const args of [['test', dir], ['evaluate', PATIENT, '--rules', dir]]) {
      const { code, stdout, stderr } = runCli(args);
      expect(code).toBe(EXIT.rules);
      expect(stdout + stderr).toContain(`${file}:${line}:${column} RULESET_ID_MISMATCH`);
      // The copy's SINS cases are about the broken file: not run, so never passed on the bundled SINS.
      expect(stdout).not.toMatch(/^PASS sins:/m);
    }
    expect(runCli(['test', dir]).stdout).toMatch(/\n\d+ passed, 0 failed, 45 not run \(their rule set is not loaded\)\n$/);
  });

  it('a file lying directly in a folder given, or given by name, is not held to a folder name', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'local-variant.yaml'), read(SINS_FILE));
    expect((await loadRuleSets([dir])).problems).toEqual([]);
    expect((await loadRuleSets([join(dir, 'local-variant.yaml')])).problems).toEqual([]);
  });
});

// A rule set taken from the bundled rules to satisfy a `requires` of the rules given was silent: results
// rested on a file the user had not named.
describe('REQUIREMENT_FROM_LIBRARY: a rule set taken from the bundled rules for a requires', () => {
  /** A rules folder holding only NOMS, which requires SINS. */
  function nomsOnly(): { dir: string; file: string } {
    const dir = tmp();
    mkdirSync(join(dir, 'noms'));
    const file = join(dir, 'noms', 'noms.yaml');
    writeFileSync(file, read(NOMS_FILE));
    return { dir, file };
  }

  it('is a warning at the requires entry of the rule set that asked for it; the rule sets still load', async () => {
    const { dir, file } = nomsOnly();
    const { rulesets, problems } = await loadRuleSets([dir], { library: [BUNDLED_RULES_DIR] });
    expect(problems.map((p) => ({ code: p.code, severity: p.severity, file: p.file, line: p.line, column: p.column }))).toEqual([
      { code: 'REQUIREMENT_FROM_LIBRARY', severity: 'warning', file, ...positionOf(read(NOMS_FILE), 'sins', 'requires: [') },
    ]);
    expect(rulesets.map((r) => r.document.id).sort()).toEqual(['noms', 'sins']);
  });

  it('evaluate --rules shows it on standard error and still evaluates (exit 0)', () => {
    const { dir, file } = nomsOnly();
    const { code, stderr } = runCli(['evaluate', PATIENT, '--rules', dir, '--format', 'json']);
    expect(code).toBe(EXIT.ok);
    expect(stderr).toMatch(new RegExp(`^${file}:\\d+:\\d+ REQUIREMENT_FROM_LIBRARY \\(warning\\)`, 'm'));
  });

  it('nothing is said when the rules given hold every requirement', async () => {
    expect((await loadRuleSets([BUNDLED_RULES_DIR], { library: [BUNDLED_RULES_DIR] })).problems).toEqual([]);
  });
});
