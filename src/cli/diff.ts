import type { InputFormat } from '../batch/formats.js';
import { inputFormatOf, openRowSource } from '../batch/row-source.js';
import { cohortImpact, type CohortImpact } from '../diff/cohort-impact.js';
import { loadDiffSide, type DiffSide } from '../diff/diff-side.js';
import { structuralDiff, type StructuralChange } from '../diff/structural-diff.js';
import { formatProblems } from '../problems/format.js';
import { COMMAND_LINE, hasErrors, sortProblems, type Problem } from '../problems/problem.js';
import { BUNDLED_RULES_DIR } from '../ruleset/load-rulesets.js';
import type { LoadedRuleSet } from '../ruleset/types.js';
import { EXIT, Exit, problemsExit } from './exit-codes.js';
import { formatCohort } from './format-cohort.js';
import { wholeNumber } from './usage-error.js';
import { showChange, showValue } from './show-change.js';

export interface DiffOptions {
  rules?: string[];
  cohort?: string;
  /** The cohort's format; default: csv for a *.csv file, else ndjson, as for `batch`. */
  cohortFormat?: InputFormat;
  format: 'text' | 'json';
  /** How many patients each list of the text output shows (JSON lists all). */
  show: string;
}

/**
 * What changes from A to B: the rule content (thresholds, points, table entries, rules added or
 * removed) and, with a cohort, which patients' scores, categories and decisions change and how, and
 * which patients' score components change, whether or not their results do.
 */
export async function diffCommand(a: string, b: string, options: DiffOptions): Promise<void> {
  // Checked before any rule set is loaded: -5 listed 103 patients, "abc" silently became 20.
  const show = wholeNumber(options.show, '--show', 0, Number.MAX_SAFE_INTEGER);
  const paths = options.rules?.length ? options.rules : [BUNDLED_RULES_DIR];
  const sides = [await loadDiffSide(a, paths, [BUNDLED_RULES_DIR]), await loadDiffSide(b, paths, [BUNDLED_RULES_DIR])];
  const [before, after] = sides as [DiffSide, DiffSide];
  const problems = sides.flatMap((s) => s.problems);
  if (!hasErrors(problems)) problems.push(...unrelatedSides(before, after));
  if (problems.length) process.stderr.write(formatProblems(sortProblems(problems)) + '\n');
  if (hasErrors(problems)) throw new Exit(problemsExit(problems));
  const rows = options.cohort ? await openRowSource(options.cohort, inputFormatOf(options.cohort, options.cohortFormat)) : undefined;
  if (rows && !rows.source) {
    process.stderr.write(formatProblems(rows.problems) + '\n');
    throw new Exit(EXIT.input);
  }
  const pairs = changedRuleSets(before.rulesets, after.rulesets);
  const structural = pairs.flatMap(([x, y]) => (x && y ? structuralDiff(x.document, y.document) : []));
  const membership = pairs.filter(([x, y]) => !x || !y).map(([x, y]) => ({ ruleset: (x ?? y)?.document.id, in: x ? 'A only' : 'B only' }));
  const cohort = options.cohort && rows?.source ? await cohortImpact(rows.source, before.rulesets, after.rulesets) : undefined;

  if (options.format === 'json') {
    process.stdout.write(JSON.stringify({ a: sideSummary(before), b: sideSummary(after), structural, membership, ...(cohort ? { cohort } : {}) }, null, 2) + '\n');
  } else {
    process.stdout.write(formatDiff(before, after, structural, cohort, show));
  }
  if (cohort?.invalid.length) {
    process.stderr.write(formatProblems(sortProblems(cohort.invalid)) + '\n');
    throw new Exit(EXIT.input);
  }
}

/**
 * Both sides must be about one rule set (two versions, or one with and without a profile): `diff nesms
 * sins` would compare the same pipeline with itself and report no difference.
 */
function unrelatedSides(a: DiffSide, b: DiffSide): Problem[] {
  if (a.subjects.some((id) => b.subjects.includes(id))) return [];
  const about = (side: DiffSide): string => (side.subjects.length ? side.subjects.join(', ') : 'no rule set');
  const message = `A (${a.spec}) is about ${about(a)} and B (${b.spec}) about ${about(b)}; diff compares two versions of one rule set, or one rule set with and without a profile`;
  return [{ code: 'DIFF_DIFFERENT_RULESETS', severity: 'error', message, file: COMMAND_LINE }];
}

/** Pairs of the same rule set on both sides whose content differs (or that only one side has). */
function changedRuleSets(a: readonly LoadedRuleSet[], b: readonly LoadedRuleSet[]): Array<[LoadedRuleSet | undefined, LoadedRuleSet | undefined]> {
  const ids = [...new Set([...a, ...b].map((r) => r.document.id))].sort();
  return ids
    .map((id): [LoadedRuleSet | undefined, LoadedRuleSet | undefined] => [a.find((r) => r.document.id === id), b.find((r) => r.document.id === id)])
    .filter(([x, y]) => x?.sha256 !== y?.sha256);
}

function sideSummary(side: DiffSide) {
  return {
    spec: side.spec,
    rulesets: side.rulesets.map((r) => ({ id: r.document.id, version: r.document.version, sha256: r.sha256, ...(r.document.profile ? { profile: `${r.document.profile.id}@${r.document.profile.version}` } : {}) })),
  };
}

function formatDiff(a: DiffSide, b: DiffSide, structural: readonly StructuralChange[], cohort: CohortImpact | undefined, show: number): string {
  const lines = [`A: ${a.spec}`, `B: ${b.spec}`, ''];
  for (const [x, y] of changedRuleSets(a.rulesets, b.rulesets)) {
    lines.push(`${(x ?? y)?.document.id}: ${identity(x)} -> ${identity(y)}`);
  }
  lines.push('', structural.length ? 'Rule content' : 'Rule content: no difference');
  for (const c of structural) {
    const values = c.change === 'changed' ? `: ${showChange(c.before, c.after, WIDTH, 'absent')}` : c.change === 'added' ? `: ${showValue(c.after, WIDTH, 'absent')}` : '';
    lines.push(`  ${c.change === 'changed' ? '~' : c.change === 'added' ? '+' : '-'} ${c.ruleset} ${c.path} (${c.kind}${c.change === 'changed' ? '' : `, ${c.change}`})${values}`);
    if (c.why) lines.push(`      ${c.why.profile} ${c.why.change}: ${c.why.reason} [${c.why.author}]`);
  }
  if (cohort) lines.push(...formatCohort(cohort, show));
  return lines.join('\n') + '\n';
}

/** Characters a changed or added value may take on its line. */
const WIDTH = 120;

const identity = (r: LoadedRuleSet | undefined): string =>
  r ? `${r.document.version}${r.document.profile ? ` + profile ${r.document.profile.id}@${r.document.profile.version}` : ''} (sha256 ${r.sha256.slice(0, 12)})` : 'absent';
