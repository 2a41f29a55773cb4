import type { ComponentResult, Evaluation, RuleSetResult, ScoreResult, ShownValue, UnconfirmedSourceWarning } from '../engine/types.js';
import { describeGap, gapsOf, splitByGap, type LookupGap } from '../engine/lookup-gaps.js';
import { foldedWarnings, warningLine } from '../explain/folded-warnings.js';
import { profileReviewSummary } from '../explain/profile-review.js';
import { isReviewWarning } from '../ruleset/profile-types.js';
import { evaluationNotes, restingMark, type ResultNotes } from '../explain/resting-marks.js';
import { notesByStatus } from '../explain/unconfirmed-notes.js';
import { ruleFileLinks } from '../explain/rule-file-links.js';
import { unreadLines } from '../explain/unread-lines.js';
import { patientField } from '../patient/patient-fields.js';
import { assumedAndConverted } from '../report/assumed-inputs.js';
import { clampedNote } from '../report/clamped-note.js';
import { publishedValue } from '../report/published-value.js';
import type { LoadedRuleSet } from '../ruleset/types.js';

/**
 * The readable report. First a summary a clinician scans in seconds — one line per rule set (the
 * outputs its `summary` names), the recommendations that apply, and what to provide to decide what is
 * still open — then the details: per rule set its components with points and the alternative that gave
 * them, its classifications and its recommendations. Derived only from the evaluation.
 */
export function formatEvaluation(evaluation: Evaluation, rulesets: readonly LoadedRuleSet[] = []): string {
  const lines: string[] = [];
  // Where unconfirmed sources stand, as explain places them: a value's own, and those of the values it was computed from.
  const marks = evaluationNotes(evaluation, ruleFileLinks(rulesets));
  lines.push(`Patient ${evaluation.patient.id ?? '(no id)'}`, '', ...formatSummary(evaluation, rulesets, marks), '', 'Details');
  const titles = new Map(evaluation.rulesets.map((r) => [r.id, r.title]));

  const gaps = gapsOf(evaluation.warnings);
  for (const [id, result] of Object.entries(evaluation.results)) lines.push('', ...formatResult(id, titles.get(id) ?? id, result, '  ', openBy(gaps, undefined), marks(id, undefined)));
  evaluation.lesions.forEach((lesion, i) => {
    lines.push('', `Lesion ${i + 1}${lesion.level ? `: ${lesion.level}` : ''}${lesion.id ? ` (${lesion.id})` : ''}`);
    for (const [id, result] of Object.entries(lesion.results)) lines.push(...formatResult(id, titles.get(id) ?? id, result, '  ', openBy(gaps, i), marks(id, i)));
  });

  // What was not given but taken from other answers, and what was given in another unit: never silent.
  const assumed = assumedAndConverted(evaluation.trace);
  if (assumed.length) lines.push('', 'Taken from other answers or converted:', ...assumed.map(({ line, where }) => `  - ${line} — ${where.join(', ')}`));
  // Without a trace nothing says what was taken or converted: say that it is not shown, not that there is none.
  else if (evaluation.traceLevel === 'none') lines.push('', 'Taken from other answers or converted: not shown at --trace none (run with --trace rules or full to see them).');
  const missing = missingInputLines(evaluation);
  if (missing.length) lines.push('', 'Missing inputs (results stay ranges or undetermined until these are given):', ...missing);
  const gapLines = evaluation.missing.filter((m) => m.lookup).map((m) => `  - ${m.input}${m.lesion !== undefined ? ` (lesion ${m.lesion + 1})` : ''}: ${m.ruleset} ${m.affects.join(', ')}`);
  if (gapLines.length) lines.push('', 'Left open by a table with no row for the value given (no input decides these):', ...gapLines);
  if (evaluation.warnings.length) {
    lines.push('', 'Notes:');
    // The profile's review first: it bears on how every other result here is read.
    const ordered = [...evaluation.warnings.filter(isReviewWarning), ...evaluation.warnings.filter((w) => !isReviewWarning(w))];
    for (const w of new Set(foldedWarnings(ordered).map((w) => warningLine(w, evaluation.lesions)))) lines.push(`  - ${w}`);
  }
  lines.push('', 'Rule sets: ' + evaluation.rulesets.map((r) => `${r.id} ${r.version}${r.profile ? ` + profile ${r.profile.id}@${r.profile.version}` : ''} (sha256 ${r.sha256.slice(0, 12)})`).join(', '));
  lines.push(...formatProfiles(evaluation));
  return lines.join('\n') + '\n';
}

/**
 * One line per missing input (per lesion), with what it leaves open in each rule set: `pain (lesion 1):
 * sins pain; noms mechanical, decision; lesion-plan management and 12 recommendations`. A lesion's
 * SINS finding left fifteen of lesion-plan's advisories named on each of five lines, eighty in all.
 */
function missingInputLines(evaluation: Evaluation): string[] {
  const byInput = new Map<string, string[]>();
  for (const m of evaluation.missing) {
    if (m.lookup) continue;
    // A patient's field a lesion's rule set reads (its survival estimate) is one input, not one per lesion.
    const where = m.lesion !== undefined ? ` (lesion ${m.lesion + 1})` : '';
    const ofLesion = patientField('lesion', m.input) !== undefined;
    const key = ofLesion ? `${m.input}${where}` : m.input;
    const result = m.lesion !== undefined ? evaluation.lesions[m.lesion]?.results[m.ruleset] : evaluation.results[m.ruleset];
    const recommendations = new Set((result?.recommendations ?? []).map((r) => r.id));
    const named = m.affects.filter((a) => !recommendations.has(a));
    const advised = m.affects.length - named.length;
    // A few recommendations are named; more are counted (the results above list each with what it depends on).
    const words = advised > 3 ? [...named, `${advised} recommendations`] : m.affects;
    const listed = words.length > 1 ? `${words.slice(0, -1).join(', ')} and ${words.at(-1)}` : (words[0] ?? '');
    byInput.set(key, [...(byInput.get(key) ?? []), `${m.ruleset}${ofLesion ? '' : where} ${listed}`]);
  }
  return [...byInput].map(([input, where]) => `  - ${input}: ${where.join('; ')}`);
}

/** Every institution change that shaped this result, with its published value, so no one mistakes it for the paper's. */
function formatProfiles(evaluation: Evaluation): string[] {
  const lines: string[] = [];
  for (const use of evaluation.profiles ?? []) {
    lines.push('', `Profile ${use.profile} on ${use.ruleset} (${use.institution ?? use.title}; sha256 ${use.sha256.slice(0, 12)}):`);
    if (!use.changes.length) lines.push('  no change of this profile touched this patient');
    for (const c of use.changes) {
      // A set-table for a key the table had no row for adds a row: it has no published value either.
      const base = c.base ? `; published: ${publishedValue(c.base)}` : c.op.startsWith('add-') || c.op === 'set-table' ? '; not in the published rule set' : '';
      lines.push(`  - ${c.change} (${c.op}${base}): ${c.reason} [${c.author}]${c.reference ? `; cites ${c.reference}` : ''}`);
    }
  }
  return lines;
}

function formatSummary(evaluation: Evaluation, rulesets: readonly LoadedRuleSet[], marks: (ruleset: string, lesion: number | undefined) => ResultNotes): string[] {
  const summaries = new Map(rulesets.map((r) => [r.document.id, r.document.summary ?? ['score', 'category']]));
  const line = (id: string, result: RuleSetResult, lesion: number | undefined): string => {
    const notes = marks(id, lesion);
    return `${id}: ${(summaries.get(id) ?? ['score', 'category']).map((name) => `${summaryValue(name, result)}${name === 'category' ? shortMark(notes.ofBand(id)) : name === 'score' ? '' : valueMarks(notes, { classification: name }, id)}`).join(' · ')}`;
  };
  const lines = ['Summary'];
  for (const [id, result] of Object.entries(evaluation.results)) lines.push(`  ${line(id, result, undefined)}`);
  evaluation.lesions.forEach((lesion, i) => {
    // With only patient-scope rule sets, a lesion has no result of its own to sum up.
    const results = Object.entries(lesion.results);
    if (results.length) lines.push(`  Lesion ${i + 1}${lesion.level ? ` ${lesion.level}` : ''}: ${results.map(([id, r]) => line(id, r, i)).join(' | ')}`);
  });
  const applying = [
    ...applyingRecommendations(evaluation.results, '', (id) => marks(id, undefined)),
    ...evaluation.lesions.flatMap((lesion, i) => applyingRecommendations(lesion.results, `Lesion ${i + 1}${lesion.level ? ` ${lesion.level}` : ''}: `, (id) => marks(id, i))),
  ];
  const review = profileReviewSummary(evaluation.warnings);
  if (review) lines.push('', `Caution: ${review}`);
  if (applying.length) lines.push('', 'Recommendations', ...[...new Set(applying)].map((a) => `  - ${a}`));
  const byInput = new Map<string, Set<string>>();
  const byGap = new Map<string, Set<string>>();
  for (const m of evaluation.missing) {
    const where = m.lesion !== undefined ? `lesion ${m.lesion + 1} ` : '';
    const key = m.lookup ? `${m.input}: ${describeGap(m.lookup)}` : m.input;
    const into = m.lookup ? byGap : byInput;
    into.set(key, (into.get(key) ?? new Set()).add(`${where}${m.ruleset}`));
  }
  // What would decide the most results first: a surgeon scanning forty fields finds the SINS findings near the top (helper-53).
  const byReach = [...byInput].sort(([, a], [, b]) => b.size - a.size);
  if (byInput.size) lines.push('', 'To decide what is still open, provide (what decides the most first):', ...byReach.map(([input, where]) => `  - ${input} (${[...where].join(', ')})`));
  if (byGap.size) lines.push('', "For the team to decide (no input would; an institution's profile can add the row):", ...[...byGap].map(([gap, where]) => `  - ${gap} (${[...where].join(', ')})`));
  const unread = unreadLines(evaluation);
  if (unread.length) lines.push('', ...unread);
  return lines;
}

/**
 * The labels of the recommendations that apply to one patient or lesion, less those another rule set
 * evaluated there restates (the same advice said more narrowly, e.g. behind the plan's surgical gate),
 * whether or not its own applies: the details below still list every one. While the restating one is
 * only possible (its gate waits on a missing input), the restated one that applies is still shown.
 */
function applyingRecommendations(results: Readonly<Record<string, RuleSetResult>>, prefix: string, marks: (ruleset: string) => ResultNotes): string[] {
  const all = Object.values(results).flatMap((r) => r.recommendations ?? []);
  const undecided = new Set(all.filter((x) => x.status === 'possible').flatMap((x) => x.restates ?? []));
  const restated = new Set(Object.values(results).flatMap((r) => r.restates ?? []).filter((name) => !undecided.has(name)));
  const applying = Object.entries(results).flatMap(([id, r]) => (r.recommendations ?? []).filter((x) => x.status === 'applies').map((x) => ({ id, name: `${id}.${x.id}`, x })));
  return applying.filter(({ name }) => !restated.has(name)).map(({ id, x }) => `${prefix}${x.label}${valueMarks(marks(id), { recommendation: x.id }, id)}`);
}

/** The marks of one value shown: its own (short) and the marked values it rests on. */
function valueMarks(notes: ResultNotes, value: ShownValue, ruleset: string): string {
  return shortMark(notes.ofValue(value)) + restingMark(notes.restsOn(value), ruleset);
}

/**
 * Beside a value that rests on an unconfirmed source, a short mark sending the reader to the Notes,
 * where the note is given in full (explain gives it inline): the summary stays a summary, and no value
 * that rests on a reading of this project's own is shown as settled.
 */
function shortMark(marks: readonly UnconfirmedSourceWarning[]): string {
  const { applies, possible } = notesByStatus(marks);
  return applies.length ? ' [unconfirmed source: see Notes]' : possible.length ? ' [may rest on an unconfirmed source: see Notes]' : '';
}

function summaryValue(name: string, result: RuleSetResult): string {
  if (name === 'score') return result.score !== null && result.score !== undefined ? String(result.score) : result.range ? `${result.range[0]}–${result.range[1]}` : 'undetermined';
  if (name === 'category') return result.categoryLabel ?? result.category ?? `category undetermined${result.possibleCategories?.length ? ` (${result.possibleCategories.join(' | ')})` : ''}`;
  const value = result[name];
  return `${name} ${typeof value === 'string' ? value : 'undetermined'}`;
}

/** What leaves a value open, as words after `lead` ("missing"): the inputs to give, and the facts a table leaves to the team. */
type OpenWords = (missing: readonly string[], lead: string) => string;

function openBy(gaps: readonly LookupGap[], lesion: number | undefined): OpenWords {
  return (missing, lead) => {
    const { provide, decide } = splitByGap(missing, gaps, lesion);
    return [...(provide.length ? [`${lead} ${provide.join(', ')}`] : []), ...decide.map((gap) => `${gap.fact} for the team to decide (${gap.possible ? `the table leaves it between ${gap.possible.join(' and ')}` : 'no table row'})`)].join('; ');
  };
}

function formatResult(id: string, title: string, result: RuleSetResult, indent: string, open: OpenWords, marks: ResultNotes): string[] {
  const lines: string[] = [];
  // A rule set marked as a whole says so at its heading, as explain does.
  const framework = marks.ruleSetWide.some((w) => w.code === 'UNCONFIRMED_FRAMEWORK') ? ' [unconfirmed framework: see Notes]' : '';
  if (result.components) {
    const [head = '', ...rest] = formatScore(id, title, result as ScoreResult, indent, open, marks);
    lines.push(head + framework, ...rest);
  } else lines.push(`${indent}${title}:${framework}`);
  const classifications = Object.entries(result.classifications ?? {});
  const width = columnWidth(classifications.map(([, c]) => c.label));
  for (const [classification, c] of classifications) {
    const value = c.value !== null ? `${c.value}${c.text ? ` — ${c.text}` : ''}` : `undetermined (${c.reason ?? ''})`;
    lines.push(`${indent}  ${pad(c.label, width)} ${value}${valueMarks(marks, { classification }, id)}`);
  }
  for (const r of result.recommendations ?? []) {
    lines.push(`${indent}  ${r.status === 'applies' ? 'Recommended' : 'Possibly'}: ${r.label}${r.missing?.length ? ` (depends on ${r.missing.join(', ')})` : ''}${valueMarks(marks, { recommendation: r.id }, id)}`);
  }
  return lines;
}

/** `score`: the score's id (the rule set's for its score, a subscore's own), as the marks name it. */
function formatScore(score: string, title: string, result: Omit<ScoreResult, 'subscores'> & Partial<Pick<ScoreResult, 'subscores'>>, indent: string, open: OpenWords, marks: ResultNotes): string[] {
  const lines = [`${indent}${title}: ${headline(result, open)}${shortMark(marks.ofBand(score))}`];
  const components = Object.entries(result.components);
  const width = columnWidth(components.map(([, c]) => c.label));
  for (const [id, component] of components) lines.push(`${indent}  ${pad(component.label, width)} ${componentLine(component, open)}${valueMarks(marks, { score, component: id }, score)}`);
  for (const [id, sub] of Object.entries(result.subscores ?? {})) lines.push(...formatScore(id, `${sub.label} (subscore)`, sub, indent + '  ', open, marks));
  return lines;
}

function headline(result: Pick<ScoreResult, 'score' | 'range' | 'components' | 'category' | 'categoryLabel' | 'possibleCategories' | 'missing'>, open: OpenWords): string {
  const note = clampedNote(result);
  const clamped = note ? ` (${note})` : '';
  const value = result.score !== null ? `${result.score}${clamped}` : result.range ? `undetermined, ${result.range[0]}–${result.range[1]}` : 'undetermined';
  const category = result.category
    ? ` — ${result.categoryLabel ?? result.category}`
    : result.possibleCategories?.length
      ? ` — category undetermined (${result.possibleCategories.join(' | ')})`
      : '';
  const missing = result.missing.length ? `; ${open(result.missing, 'missing:')}` : '';
  return `${value}${category}${missing}`;
}

function componentLine(c: ComponentResult, open: OpenWords): string {
  if (c.status === 'determined') return `${pad(c.points !== null && c.points > 0 ? `+${c.points}` : String(c.points), 3)}  ${c.alternativeLabel ?? c.alternative ?? ''}`;
  if (c.status === 'conflict') return `?   ${c.range[0]}–${c.range[1]}, rule conflict (see notes)`;
  return `?   ${c.range[0]}–${c.range[1]}, ${open(c.missing ?? [], 'missing')}`;
}

/**
 * The width of a column of labels: the longest, up to MAX_LABEL_COLUMN. A longer label is printed whole
 * and breaks the column (cut, 'breast, kidney, lymphoma or ...' lost 'myeloma').
 */
function columnWidth(labels: readonly string[]): number {
  let width = 10;
  for (const label of labels) if (label.length <= MAX_LABEL_COLUMN && label.length > width) width = label.length;
  return width;
}
const MAX_LABEL_COLUMN = 64;

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}
