import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPatientFile, parsePatient } from '../src/patient/load-patient.js';
import type { Problem } from '../src/problems/problem.js';
import { loadRuleSetFile } from '../src/ruleset/load-ruleset.js';
import { BUNDLED_RULES_DIR, loadRuleSets } from '../src/ruleset/load-rulesets.js';
import { statusFor } from '../src/server/http-problems.js';
import { runCli } from './support/run-cli.js';
import { positionOf, read, SINS_FILE, writeVariant } from './support/mutate.js';

const PATIENT = new URL('../examples/patient.yaml', import.meta.url).pathname;
const SINS_12 = new URL('../examples/profiles/sins-unstable-12.profile.yaml', import.meta.url).pathname;

const placed = (problems: readonly Problem[]) => problems.map((p) => ({ code: p.code, line: p.line, column: p.column }));
const tabAt = (p: { line: number; column: number }) => ({ code: 'YAML_TAB_INDENT', ...p });

/** The text with each level of two-space indentation written as a tab, as an editor set to tabs saves it. */
const tabbed = (text: string) => text.replace(/^((?: {2})+)/gm, (spaces) => '\t'.repeat(spaces.length / 2));
/** Each line that starts with a tab and holds more than a comment, at column 1: where every such file is wrong. */
const tabbedLines = (text: string) =>
  text.split('\n').flatMap((line, i) => (line.startsWith('\t') && !/^\s*(#|$)/.test(line) ? [tabAt({ line: i + 1, column: 1 })] : []));

describe('YAML_TAB_INDENT: a rule file indented with a tab', () => {
  it('one line pasted with a tab: one problem at the tab, nothing else', async () => {
    const { file, text } = writeVariant(read(SINS_FILE), [['\n    author: spinemets\n', '\n\tauthor: spinemets\n']], 'sins.yaml');
    const { problems } = await loadRuleSetFile(file);
    expect(placed(problems)).toEqual([tabAt(positionOf(text, '\tauthor: spinemets'))]);
  });

  it('a whole file indented with tabs: one problem per indented line, no cascade of syntax errors', async () => {
    const text = tabbed(read(SINS_FILE));
    const { file } = writeVariant(text, [], 'sins.yaml');
    const { problems } = await loadRuleSetFile(file);
    expect(placed(problems)).toEqual(tabbedLines(text));
    expect(problems.length).toBeGreaterThan(100);
  });

  // Beside a tab-indented line, a line indented by spaces too few was the parser's errors at the lines
  // after it, not YAML_INDENTATION (left-engineering list of 2026-12-07).
  it('a tab-indented line and a line indented by spaces too few: one problem at each', async () => {
    const { file, text } = writeVariant(read(SINS_FILE), [
      ['  boneLesion:\n    type: string', '  boneLesion:\n\ttype: string'],
      ['  alignment:\n    type: string', '  alignment:\n   type: string'],
    ], 'sins.yaml');
    const { problems } = await loadRuleSetFile(file);
    expect(placed(problems)).toEqual([tabAt(positionOf(text, '\ttype: string')), { code: 'YAML_INDENTATION', line: positionOf(text, '   type: string', '  alignment:').line, column: 4 }]);
  });

  it('a tab after spaces is placed at the tab, not at the start of the line', async () => {
    const { file, text } = writeVariant(read(SINS_FILE), [['\n    author: spinemets\n', '\n  \t  author: spinemets\n']], 'sins.yaml');
    const { problems } = await loadRuleSetFile(file);
    expect(placed(problems)).toEqual([tabAt({ line: positionOf(text, '\t  author').line, column: 3 })]);
  });

  it('a syntax error elsewhere is still reported, at its own place', async () => {
    const { file, text } = writeVariant(read(SINS_FILE), [
      ['\n    author: spinemets\n', '\n\tauthor: spinemets\n'],
      ['scope: lesion\n', 'scope: [lesion\n'],
    ], 'sins.yaml');
    const { problems } = await loadRuleSetFile(file);
    expect(problems.map((p) => p.code)).toContain('YAML_SYNTAX');
    expect(placed(problems.filter((p) => p.code === 'YAML_TAB_INDENT'))).toEqual([tabAt(positionOf(text, '\tauthor: spinemets'))]);
    expect(problems.every((p) => p.code === 'YAML_TAB_INDENT' || p.line !== positionOf(text, '\tauthor').line)).toBe(true);
  });

  it('a tab that is part of a literal block is content, not indentation: only the tab-indented key is reported', () => {
    const text = 'lesions:\n  - level: T12\n\t  pain: mechanical\n';
    const withBlock = `note: |\n  first\n  \tindented with a tab inside the text\n${text}`;
    expect(placed(parsePatient(withBlock, 'patient.yaml').problems)).toEqual([tabAt(positionOf(withBlock, '\t  pain'))]);
  });
});

describe('YAML_TAB_INDENT: profiles and patient files', () => {
  it('a profile indented with tabs: one problem per indented line, and no rule set is patched', async () => {
    const text = tabbed(read(SINS_12));
    const { file } = writeVariant(text, [], 'tabs.profile.yaml');
    const { problems, rulesets } = await loadRuleSets([BUNDLED_RULES_DIR], { profiles: [file] });
    expect(placed(problems)).toEqual(tabbedLines(text));
    expect(problems.every((p) => p.file === file)).toBe(true);
    expect(rulesets.filter((r) => r.document.profile)).toEqual([]);
  });

  it('a patient file with a tab after the dash of a lesion, where it indents the lesion\'s fields', () => {
    const { file, text } = writeVariant(read(PATIENT), [['\nlesions:\n', '\nlesions:\n  -\tlevel: T1\n    pain: none\n  - \tlevel: T2\n']], 'patient.yaml');
    const { patient, problems } = loadPatientFile(file);
    expect(patient).toBeUndefined();
    expect(placed(problems)).toEqual([tabAt(positionOf(text, '\tlevel: T1')), tabAt(positionOf(text, '\tlevel: T2'))]);
  });

  it('a patient file indented with tabs throughout', () => {
    const text = tabbed(read(PATIENT));
    expect(placed(parsePatient(text, 'patient.yaml').problems)).toEqual(tabbedLines(text));
  });

  it('JSON indented with tabs is valid: tabs in JSON are whitespace between tokens', () => {
    const { patient, problems } = parsePatient(JSON.stringify({ id: 'p', lesions: [{ level: 'T12' }] }, null, '\t'), 'patient.json');
    expect(problems).toEqual([]);
    expect(patient?.id).toBe('p');
  });

  it('is a client error at the HTTP edge (400)', () => {
    expect(statusFor(parsePatient('id: p\n\tage: 60\n', 'request body').problems)).toBe(400);
  });
});

describe('YAML_TAB_INDENT from the command line', () => {
  it('validate: file:line:column YAML_TAB_INDENT and exit 1, no stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spinemets-tabs-'));
    cpSync(join(BUNDLED_RULES_DIR, 'sins'), join(dir, 'sins'), { recursive: true });
    const file = join(dir, 'sins', 'sins.yaml');
    const text = read(file).replace('\n    author: spinemets\n', '\n\tauthor: spinemets\n');
    writeFileSync(file, text);
    const { line, column } = positionOf(text, '\tauthor: spinemets');
    const { code, stdout, stderr } = runCli(['validate', dir]);
    expect(code).toBe(1);
    expect(stdout + stderr).toContain(`${file}:${line}:${column} YAML_TAB_INDENT`);
    expect(stdout + stderr).not.toContain('YAML_SYNTAX');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('evaluate: a patient file with a tab is an input error, exit 2', () => {
    const { file, text } = writeVariant(read(PATIENT), [['\n    pain: mechanical\n', '\n\tpain: mechanical\n']], 'patient.yaml');
    const { line, column } = positionOf(text, '\tpain: mechanical');
    const { code, stdout, stderr } = runCli(['evaluate', file]);
    expect(code).toBe(2);
    expect(stdout + stderr).toContain(`${file}:${line}:${column} YAML_TAB_INDENT`);
  });

  it('evaluate --profile: a profile with a tab stops the run with exit 1', () => {
    const { file, text } = writeVariant(read(SINS_12), [['\n    op: set-band\n', '\n\top: set-band\n']], 'tab.profile.yaml');
    const { line, column } = positionOf(text, '\top: set-band');
    const { code, stderr } = runCli(['evaluate', PATIENT, '--profile', file]);
    expect(code).toBe(1);
    expect(stderr).toContain(`${file}:${line}:${column} YAML_TAB_INDENT`);
  });
});
