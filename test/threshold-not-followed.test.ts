import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Problem } from '../src/problems/problem.js';
import { checkThresholds } from '../src/ruleset/check-thresholds.js';
import { BUNDLED_RULES_DIR, loadRuleSets } from '../src/ruleset/load-rulesets.js';
import { ECOG_TABLE } from './support/ecog-table.js';
import { positionOf, read, replaced } from './support/mutate.js';
import { ruleSetHead } from './support/rule-set-head.js';
import { runCli } from './support/run-cli.js';

// A score of 0-2 in two bands, a rule set testing it three ways at the band edge (<= 1, >= 2, > 1 all
// divide at 2), and one that requires the score but not the second rule set.
const GRADE = `${ruleSetHead('grade', 'Performance in three steps.')}inputs:
  karnofsky: { type: integer, description: Karnofsky performance status., minimum: 10, maximum: 100 }
score:
  label: Grade
  components:
    - id: karnofsky
      label: Performance
      reference: src
      alternatives:
        - { id: fit, label: "80-100", points: 0, when: { fact: karnofsky, operator: greaterThanInclusive, value: 80 } }
        - { id: limited, label: "50-70", points: 1, when: { all: [{ fact: karnofsky, operator: greaterThanInclusive, value: 50 }, { fact: karnofsky, operator: lessThan, value: 80 }] } }
        - { id: poor, label: "0-40", points: 2, when: { fact: karnofsky, operator: lessThan, value: 50 } }
  bands:
    - { category: low, label: Low, min: 0, max: 1, reference: src }
    - { category: high, label: High, min: 2, max: 2, reference: src }
outputs:
  - { name: score, description: The total. }
  - { name: category, description: The band. }
`;

const ADVICE = `${ruleSetHead('advice', 'Advice from the grade.', ['grade'])}inputs:
  gradeScore: { type: integer, description: The grade., minimum: 0, maximum: 2, upstream: { ruleset: grade, output: score } }
classifications:
  - id: tier
    label: Tier
    reference: src
    alternatives:
      - { id: low, label: "Low (grade 0-1)", when: { fact: gradeScore, operator: lessThanInclusive, value: 1 } }
      - { id: high, label: "High (grade 2)", when: { fact: gradeScore, operator: greaterThanInclusive, value: 2 } }
recommendations:
  - id: refer
    label: Refer (grade over 1)
    reference: src
    when: { all: [{ fact: gradeScore, operator: greaterThan, value: 1 }] }
outputs:
  - { name: tier, description: The tier. }
  - { name: recommendations.refer, description: Whether to refer. }
`;

const TRIAGE = `${ruleSetHead('triage', 'Triage from the grade alone.', ['grade'])}inputs:
  grade: { type: integer, description: The grade., minimum: 0, maximum: 2, upstream: { ruleset: grade, output: score } }
classifications:
  - id: urgency
    label: Urgency
    reference: src
    alternatives:
      - { id: routine, label: Routine, when: { fact: grade, operator: lessThan, value: 2 } }
      - { id: urgent, label: Urgent, when: { fact: grade, operator: greaterThanInclusive, value: 2 } }
outputs:
  - { name: urgency, description: The urgency. }
`;

const HEAD = ['profile: test-board', 'version: 1.0.0', 'title: test', 'institution: test', 'references:', '  board:', '    citation: Board minutes.', 'appliesTo:', '  grade: "1.x"', '  advice: "1.x"', '  triage: "1.x"', 'changes:'];
const HIGH_FROM_1 = ['  - id: high-from-1', '    op: set-band', '    ruleset: grade', '    category: high', '    min: 1', '    reference: board', '    reason: test', '    author: test'];
const LOW_TO_0 = ['  - id: low-to-0', '    op: set-band', '    ruleset: grade', '    category: low', '    max: 0', '    reference: board', '    reason: test', '    author: test'];
const setCondition = (id: string, rule: string, at: string, value: number, label?: string): string[] =>
  [`  - id: ${id}`, '    op: set-condition', '    ruleset: advice', `    rule: ${rule}`, `    at: "${at}"`, `    value: ${value}`, ...(label ? [`    label: ${label}`] : []), '    reference: board', '    reason: test', '    author: test'];

/** Rule sets in a fresh folder (one folder per rule set, named by its id), and a profile of these lines outside it. */
function folder(rulesets: ReadonlyArray<readonly [string, string]>, profileLines: string[]) {
  const root = mkdtempSync(join(tmpdir(), 'spinemets-thresholds-'));
  const dir = join(root, 'rules');
  const files: Record<string, { file: string; text: string }> = {};
  for (const [id, text] of rulesets) {
    mkdirSync(join(dir, id), { recursive: true });
    files[id] = { file: join(dir, id, `${id}.yaml`), text };
    writeFileSync(join(dir, id, `${id}.yaml`), text);
  }
  const profile = { file: join(root, 'board.profile.yaml'), text: [...profileLines, ''].join('\n') };
  writeFileSync(profile.file, profile.text);
  return { dir, profile, file: (id: string) => files[id] as { file: string; text: string } };
}

/** The three rule sets in a fresh folder, and a profile making `changes` outside it. */
function workspace(changes: string[], triage = TRIAGE) {
  const { dir, profile, file } = folder([['grade', GRADE], ['advice', ADVICE], ['triage', triage]], [...HEAD, ...changes]);
  return { dir, profile, grade: file('grade'), advice: file('advice'), triage: file('triage') };
}

/** What `validate --profile` prints: the loader's problems, among them its review of the profile's thresholds. */
async function validate(dir: string, profile: string) {
  const load = await loadRuleSets([dir], { profiles: [profile] });
  return { loadProblems: load.problems.filter((p) => !REVIEW.has(p.code)), warnings: load.problems.filter((p) => p.code === 'THRESHOLD_NOT_FOLLOWED') };
}
const REVIEW = new Set(['THRESHOLD_NOT_FOLLOWED', 'PROFILE_STALE_LABEL']);

const fields = (p: Problem) => ({ code: p.code, severity: p.severity, file: p.file, line: p.line, column: p.column });

describe('THRESHOLD_NOT_FOLLOWED: a moved threshold that other tests of the same value do not follow', () => {
  it('a band edge moved: every test of the score at the old edge, in any rule set evaluated after it, is warned at its condition', async () => {
    const { dir, profile, advice, triage } = workspace([...HIGH_FROM_1, ...LOW_TO_0]);
    const { loadProblems, warnings } = await validate(dir, profile.file);
    expect(loadProblems).toEqual([]);
    const at = (file: { file: string; text: string }, condition: string) => ({ code: 'THRESHOLD_NOT_FOLLOWED', severity: 'warning', file: file.file, ...positionOf(file.text, condition) });
    expect(warnings.map(fields)).toEqual([
      at(advice, '{ fact: gradeScore, operator: lessThanInclusive, value: 1 }'),
      at(advice, '{ fact: gradeScore, operator: greaterThanInclusive, value: 2 }'),
      at(advice, '{ fact: gradeScore, operator: greaterThan, value: 1 }'),
      at(triage, '{ fact: grade, operator: lessThan, value: 2 }'),
      at(triage, '{ fact: grade, operator: greaterThanInclusive, value: 2 }'),
    ]);
    // Each names the change that moved the threshold, at its place in the profile (the first such change).
    const { line, column } = positionOf(profile.text, '1', 'min: ');
    for (const warning of warnings) expect(warning.message).toContain(`${profile.file}:${line}:${column}`);
  });

  it('a test the profile changes is not warned, nor one it keeps with a set-condition giving the same value', async () => {
    const { dir, profile, advice, triage } = workspace([
      ...HIGH_FROM_1,
      ...LOW_TO_0,
      ...setCondition('tier-high', 'tier.high', '', 1, 'High (grade 1-2)'),
      ...setCondition('tier-low', 'tier.low', '', 0, 'Low (grade 0)'),
      ...setCondition('refer-kept', 'refer.applies', 'all/0', 1),
    ]);
    const { loadProblems, warnings } = await validate(dir, profile.file);
    expect(loadProblems).toEqual([]);
    expect(warnings.filter((w) => w.file === advice.file)).toEqual([]);
    expect(warnings.map((w) => w.file)).toEqual([triage.file, triage.file]);
  });

  // A condition moved on a score was only compared with the tests evaluated after its rule set: the score's
  // own bands, and another rule set reading the score, kept the old edge unwarned (SINS advisory moved to
  // 12, SINS still unstable from 13).
  it('a condition moved on a score warns every other place that divides the score: the tests of every reader and the band edges of the rule set that makes it', async () => {
    const { dir, profile, advice, triage, grade } = workspace(setCondition('refer-from-1', 'refer.applies', 'all/0', 0, 'Refer (grade over 0)'));
    const { loadProblems, warnings } = await validate(dir, profile.file);
    expect(loadProblems).toEqual([]);
    const at = (file: { file: string; text: string }, needle: string, after?: string) => ({ code: 'THRESHOLD_NOT_FOLLOWED', severity: 'warning', file: file.file, ...positionOf(file.text, needle, after) });
    expect(warnings.map(fields)).toEqual([
      at(advice, '{ fact: gradeScore, operator: lessThanInclusive, value: 1 }'),
      at(advice, '{ fact: gradeScore, operator: greaterThanInclusive, value: 2 }'),
      at(triage, '{ fact: grade, operator: lessThan, value: 2 }'),
      at(triage, '{ fact: grade, operator: greaterThanInclusive, value: 2 }'),
      // Each band edge at its value: low holds up to 1, high from 2.
      at(grade, '1', '{ category: low, label: Low, min: 0, max: '),
      at(grade, '2', '{ category: high, label: High, min: '),
    ]);
    const { line, column } = positionOf(profile.text, '0', 'value: ');
    expect(warnings[0]?.message).toContain(`${profile.file}:${line}:${column}`);
    expect(warnings[4]?.message).toContain('set-band on grade category low max');
  });

  it('a threshold moved on a patient field is not compared with the rule sets the changed one requires: each score may divide a field at its own place', async () => {
    // triage divides Karnofsky at 80 for fitness, as grade does for its points; the board moves triage's to 70.
    const fit = replaced(TRIAGE, [
      ['inputs:\n', 'inputs:\n  karnofsky: { type: integer, description: Karnofsky performance status., minimum: 10, maximum: 100 }\n'],
      ['outputs:\n', `  - id: fit
    label: Fit
    reference: src
    alternatives:
      - { id: fit, label: "80-100", when: { fact: karnofsky, operator: greaterThanInclusive, value: 80 } }
      - { id: unfit, label: "0-70", when: { fact: karnofsky, operator: lessThan, value: 80 } }
outputs:
  - { name: fit, description: Fitness. }
`],
    ]);
    const moveTo70 = (rule: string, label: string): string[] => [`  - id: ${rule.replace('.', '-')}`, '    op: set-condition', '    ruleset: triage', `    rule: ${rule}`, '    at: ""', '    value: 70', `    label: "${label}"`, '    reference: board', '    reason: test', '    author: test'];
    const { dir, profile } = workspace([...moveTo70('fit.fit', '70-100'), ...moveTo70('fit.unfit', '0-60')], fit);
    const { loadProblems, warnings } = await validate(dir, profile.file);
    expect(loadProblems).toEqual([]);
    // grade's own Karnofsky bands (fit from 80, limited below 80) are Karnofsky's published grading, not triage's.
    expect(warnings).toEqual([]);
  });

  // A change keeping a threshold on purpose was told that the label it kept ("grade over 1") names the
  // value it replaced, which it had not replaced.
  it('PROFILE_STALE_LABEL is not raised by a set-condition that keeps the value, and nothing moved is warned', async () => {
    const { dir, profile } = workspace(setCondition('refer-kept', 'refer.applies', 'all/0', 1));
    expect(await validate(dir, profile.file)).toEqual({ loadProblems: [], warnings: [] });
  });
});

// ECOG_TABLE, tested at 3 besides: in the rule set of the table, in one that requires it, and in one that does not.

const ecogReader = (id: string, requires: boolean) => `${ruleSetHead(id, 'Rehabilitation by ECOG.', requires ? ['perf'] : [])}inputs:
  ecog: { type: integer, description: ECOG performance status., minimum: 0, maximum: 4 }
classifications:
  - id: rehab
    label: Rehabilitation
    reference: src
    alternatives:
      - { id: refer, label: "Refer (ECOG 0-2)", when: { fact: ecog, operator: lessThanInclusive, value: 2 } }
      - { id: not_now, label: Not now, when: { fact: ecog, operator: greaterThan, value: 2 } }
outputs:
  - { name: rehab, description: Rehabilitation. }
`;

describe('THRESHOLD_NOT_FOLLOWED: a set-table that moves where a table keyed by a number changes its value', () => {
  const head = ['profile: test-board', 'version: 1.0.0', 'title: test', 'institution: test', 'references:', '  board:', '    citation: Board minutes.', 'appliesTo:', '  perf: "1.x"', '  reader: "1.x"', '  other: "1.x"', 'changes:'];
  const setTable = (key: number, value: string): string[] => [`  - id: ecog-${key}-${value}`, '    op: set-table', '    ruleset: perf', '    table: performance', `    key: "${key}"`, `    value: ${value}`, '    reference: board', '    reason: test', '    author: test'];
  const keep = (ruleset: string, rule: string, value: number): string[] => [`  - id: ${ruleset}-${rule.replace(/[._]/g, '-')}`, '    op: set-condition', `    ruleset: ${ruleset}`, `    rule: ${rule}`, '    at: ""', `    value: ${value}`, '    reference: board', '    reason: test', '    author: test'];
  const tableFolder = (changes: string[]) => {
    const { dir, profile, file } = folder([['perf', ECOG_TABLE], ['reader', ecogReader('reader', true)], ['other', ecogReader('other', false)]], [...head, ...changes]);
    return { dir, profile, perf: file('perf'), reader: file('reader') };
  };
  const at = (file: { file: string; text: string }, needle: string) => ({ code: 'THRESHOLD_NOT_FOLLOWED', severity: 'warning', file: file.file, ...positionOf(file.text, needle) });

  // A set-table was never a moved threshold: ECOG 2 read as poor beside "mostly in bed from ECOG 3", unsaid.
  // ECOG 3 made good moved poor's start to 4 unsaid as well: the table still changed value at 3 (fair to good).
  it('ECOG 2 made poor, 3 made fair, or 3 made good: every test still dividing ECOG at 3, in the table\'s rule set and those requiring it, is warned', async () => {
    for (const [key, value] of [[2, 'poor'], [3, 'fair'], [3, 'good']] as const) {
      const { dir, profile, perf, reader } = tableFolder(setTable(key, value));
      const { loadProblems, warnings } = await validate(dir, profile.file);
      expect(loadProblems).toEqual([]);
      expect(warnings.map(fields), `${key} ${value}`).toEqual([
        at(perf, '{ fact: ecog, operator: lessThan, value: 3 }'),
        at(perf, '{ fact: ecog, operator: greaterThanInclusive, value: 3 }'),
        at(reader, '{ fact: ecog, operator: lessThanInclusive, value: 2 }'),
        at(reader, '{ fact: ecog, operator: greaterThan, value: 2 }'),
      ]);
      const { line, column } = positionOf(profile.text, value, 'value: ');
      for (const warning of warnings) expect(warning.message).toContain(`${profile.file}:${line}:${column}`);
    }
  });

  it('a row given the value it has, or another value that leaves the places the table divided ECOG, moves nothing', async () => {
    for (const [key, value] of [[4, 'poor'], [0, 'fair']] as const) {
      const { dir, profile } = tableFolder(setTable(key, value));
      expect(await validate(dir, profile.file)).toEqual({ loadProblems: [], warnings: [] });
    }
  });

  it('a test the profile moves with the table, or keeps with a set-condition, is not warned', async () => {
    const { dir, profile } = tableFolder([...setTable(2, 'poor'), ...keep('perf', 'bedbound.up', 3), ...keep('perf', 'bedbound.down', 3), ...keep('reader', 'rehab.refer', 1), ...keep('reader', 'rehab.not_now', 1)]);
    expect(await validate(dir, profile.file)).toEqual({ loadProblems: [], warnings: [] });
  });

  it('a table keyed by values with no order (breast cancer made radiosensitive) divides nothing at a place', async () => {
    const BREAST = new URL('../examples/profiles/breast-radiosensitive.profile.yaml', import.meta.url).pathname;
    const load = await loadRuleSets([BUNDLED_RULES_DIR], { profiles: [BREAST] });
    expect(load.problems.filter((p) => p.code === 'THRESHOLD_NOT_FOLLOWED')).toEqual([]);
  });
});

describe('THRESHOLD_NOT_FOLLOWED in the shipped sins-unstable-12 profile', () => {
  const PROFILE = new URL('../examples/profiles/sins-unstable-12.profile.yaml', import.meta.url).pathname;
  const LESION_PLAN = new URL('../rules/lesion-plan/lesion-plan.yaml', import.meta.url).pathname;
  const condition = positionOf(read(LESION_PLAN), '{ fact: sinsScore, operator: greaterThanInclusive, value: 13 }', 'id: instrumentation_failure_risk_sins');
  const change = positionOf(read(PROFILE), '12', 'min: ');

  // Found by this check: the board moved SINS "unstable" to 12 everywhere but in the instrumentation-
  // failure risk advisory, which still reads "13 or more". Whether it should follow is the board's call.
  it('warns at lesion-plan instrumentation_failure_risk_sins (SINS >= 13), naming the unstable band moved to 12', async () => {
    const load = await loadRuleSets([BUNDLED_RULES_DIR], { profiles: [PROFILE] });
    const warnings = checkThresholds(load.rulesets, load.profiles).map((f) => f.problem);
    expect(warnings.map(fields)).toEqual([{ code: 'THRESHOLD_NOT_FOLLOWED', severity: 'warning', file: LESION_PLAN, ...condition }]);
    expect(warnings[0]?.message).toContain(`${PROFILE}:${change.line}:${change.column}`);
    // The loader runs the review: its one warning is the load's only problem.
    expect(load.problems).toEqual(warnings);
  });

  it('validate --profile prints it and still succeeds (a warning)', () => {
    const { code, stdout } = runCli(['validate', '--profile', PROFILE]);
    expect(code).toBe(0);
    expect(stdout.split('\n').filter((l) => l.includes(' THRESHOLD_NOT_FOLLOWED ')).map((l) => l.split(' ')[0])).toEqual([`${LESION_PLAN}:${condition.line}:${condition.column}`]);
  });
});
