import type { Evaluation, RuleSetResult } from '../engine/types.js';
import { describeGap, gapsOf, splitByGap } from '../engine/lookup-gaps.js';
import { profileReviewSummary } from '../explain/profile-review.js';
import { explainEvaluation } from '../explain/explain.js';
import { evaluationNotes, type RestingMark, type ResultNotes } from '../explain/resting-marks.js';
import { ruleFileLinks } from '../explain/rule-file-links.js';
import type { LoadedRuleSet } from '../ruleset/types.js';
import { engineIdentity } from '../audit/engine-identity.js';
import { reasonText } from './card-references.js';
import { fieldLabels } from './form-model.js';
import type { CdsConfig, OutputRef } from './cds-config.js';

export interface Card {
  uuid: string;
  summary: string;
  detail: string;
  indicator: 'info' | 'warning' | 'critical';
  source: { label: string };
}

/** CDS Hooks: "one-sentence, <140-character summary". */
export const SUMMARY_MAX = 139;

interface Scope {
  title: string;
  /** The lesion's index; absent for a patient without lesions. */
  lesion?: number;
  results: Record<string, RuleSetResult | undefined>;
  /** Whether a shown output rests on an unconfirmed source (or may): the summary marks it, the detail says why. */
  mark(ref: OutputRef): RestingMark['status'] | undefined;
}

/** What a card without lesions says of the record's lesions: why none was read, or that those found were not used. */
export interface LesionGaps {
  /** The prefetch keys of the Observation search not read in full. */
  unread?: readonly string[];
  /** The status of each lesion Observation found and not used (entered-in-error). */
  unusedStatuses?: readonly string[];
}

/**
 * The one card of a decision (its uuid is the decision id, for feedback and the audit log). What it
 * names and when it is critical come from config/cds-hooks.yaml; the values from the evaluation; the
 * detail from the explanation built from the trace. Missing inputs make it say what to provide.
 */
export function buildCard(evaluation: Evaluation, decisionId: string, rulesets: readonly LoadedRuleSet[], config: CdsConfig['card'], notes: readonly string[], { unread = [], unusedStatuses = [] }: LesionGaps = {}): Card {
  const marks = evaluationNotes(evaluation, ruleFileLinks(rulesets));
  const markOf = (lesion: number | undefined) => (ref: OutputRef) => summaryMark(marks(ref.ruleset, lesion !== undefined && evaluation.lesions[lesion]?.results[ref.ruleset] ? lesion : undefined), ref);
  const scopes: Scope[] = evaluation.lesions.map((l, i) => ({ title: l.level ?? `lesion ${i + 1}`, lesion: i, results: { ...evaluation.results, ...l.results }, mark: markOf(i) }));
  if (!scopes.length) scopes.push({ title: 'patient', results: evaluation.results, mark: markOf(undefined) });

  // A rule set not served is left out (said at start and reload): "undetermined" would claim it was evaluated.
  const served = (ref: OutputRef): boolean => rulesets.some((r) => r.document.id === ref.ruleset);
  const summaryRefs = config.summary.filter(served);
  const rule = config.indicators.find((r) => scopes.some((s) => matches(s, r.when) === 'yes'));
  const flagged = rule ? scopes.filter((s) => matches(s, rule.when) === 'yes') : [];
  // A rule that missing data leaves possible (SINS 8-14: potentially unstable or unstable) is no reason
  // for an info card: it raises the card to a warning that says so, even where the rule is critical.
  // Each rule more severe than the one that holds (all of them, when none does) that may hold, with its lesions.
  const ranked = rule ? config.indicators.indexOf(rule) : config.indicators.length;
  const maybes = config.indicators
    .filter((r, i) => i < ranked && r !== rule)
    .map((r) => ({ rule: r, flagged: scopes.filter((s) => matches(s, r.when) === 'maybe') }))
    .filter((m) => m.flagged.length > 0);
  const review = profileReviewSummary(evaluation.warnings);
  // A profile not followed everywhere is never an info card: its results may disagree with each other.
  const indicator = rule?.indicator ?? (maybes.length || review ? 'warning' : 'info');
  // A name a table gap left open is not an input: the card says the team decides it rather than asking for it.
  const gaps = gapsOf(evaluation.warnings);
  // What to provide is named as the form labels its field ("Vertebral body collapse"), as the clinician page names it.
  const labels = fieldLabels(rulesets);
  const labelOf = (name: string): string => labels.get(name) ?? name;
  const open = (s: Scope): string[] => [...new Set(summaryRefs.flatMap((o) => (valueOf(s, o) === null || valueOf(s, o) === undefined ? missingOf(s, o) : [])))];
  const lines = scopes.map((s) => {
    const { provide: inputs, decide } = splitByGap(open(s), gaps, s.lesion);
    const provide = inputs.map(labelOf);
    const shown = summaryRefs.map((o) => show(s, o));
    // Where each value with a mark stands in the text: a cut summary keeps such a value whole or leaves it out.
    const marked: Array<{ start: number; end: number }> = [];
    let start = s.title.length + 2;
    for (const { text, mark } of shown) {
      if (mark) marked.push({ start, end: start + text.length });
      start += text.length + 2;
    }
    // The same with short marks and one legend, for a summary the long marks would push its last value out of.
    const statuses = new Set(shown.flatMap((v) => (v.mark ? [v.mark] : [])));
    const legend = statuses.size ? `; *${statuses.has('applies') ? (statuses.has('possible') ? 'unconfirmed, or possibly' : 'unconfirmed') : 'possibly unconfirmed'}` : '';
    const compact = `${s.title}: ${shown.map((v) => `${v.bare}${v.mark ? '*' : ''}`).join(', ')}${legend}`;
    return { scope: s, text: `${s.title}: ${shown.map((v) => v.text).join(', ')}`, compact, provide, decide, marked };
  });
  const first = lines.find((l) => flagged.includes(l.scope)) ?? lines.find((l) => l.provide.length) ?? lines[0];
  const noLesion = evaluation.lesions.length === 0;
  // What a lesion needs: the lesion's own inputs of the lesion-scope rule sets the card names.
  const lesionInputs = [...new Set(summaryRefs.flatMap((o) => {
    const ruleset = rulesets.find((r) => r.document.id === o.ruleset);
    return ruleset?.document.scope === 'lesion' ? Object.entries(ruleset.document.inputs).filter(([, spec]) => !spec.from && !spec.upstream).map(([name]) => labelOf(name)) : [];
  }))];

  // The other lesions are named even when the first one's text is cut.
  const more = lines.length > 1 ? `; +${lines.length - 1} more lesion${lines.length > 2 ? 's' : ''}` : '';
  // An undetermined value no input would decide says who does, before the inputs (a long list is cut): it read "NOMS undetermined" and nothing more (helper-57).
  const teamDecides = first?.decide.length ? `; team decides ${[...new Set(first.decide.map((gap) => gap.fact))].join(', ')}` : '';
  const tail = `${teamDecides}${first?.provide.length ? `; provide ${first.provide.join(', ')}` : ''}`;
  // Of a record read in part, "no lesion in the record" would claim what the unread part does not hold; of
  // one whose lesion Observations were not used (entered in error), that none was found, though one was.
  const notReadInFull = `prefetch ${unread.join(', ')} not read in full`;
  const unusedLesions = unusedStatuses.length ? `${unusedStatuses.length} spinal lesion${unusedStatuses.length > 1 ? 's' : ''} recorded, not used (status ${[...new Set(unusedStatuses)].join(', ')})` : undefined;
  const noLesionRead = unusedLesions ? `${unusedLesions}${unread.length ? `; ${notReadInFull}` : ''}` : unread.length ? `No spinal lesion read (${notReadInFull})` : 'No spinal lesion in the record';
  let head = noLesion ? `${noLesionRead}: provide each lesion (${lesionInputs.join(', ')})` : `${first?.text ?? ''}${tail}`;
  const room = SUMMARY_MAX - more.length;
  // Short marks where the long ones do not fit: every value in view, the plan last (a cut dropped it).
  const compact = !noLesion && first && first.compact !== first.text && first.compact.length < room ? first.compact : undefined;
  if (head.length > room && compact) head = `${compact}${tail}`.length <= room ? `${compact}${tail}` : `${compact}${cutAtItem(tail, room - compact.length - 1)}…`;
  else if (head.length > room) {
    let cut = cutAtItem(head, room - 1);
    // A value shown without the mark it carries would read as settled (helper-63): it goes with its mark.
    const split = noLesion ? undefined : first?.marked.find((m) => m.start < cut.length && m.end > cut.length);
    if (split) cut = cut.slice(0, split.start).replace(/[\s,;:]+$/, '');
    head = `${cut}…`;
  }
  const summary = head + more;

  const detail = [
    ...(rule ? [`**${rule.indicator === 'critical' ? 'Critical' : 'Warning'}**: ${reasonText(rule, rulesets)} (${flagged.map((s) => s.title).join(', ')}).`, ''] : []),
    // Right after what the card is raised for (a critical finding stays first): it bears on how the rest is read.
    ...(review ? [`**Warning**: ${review}`, ''] : []),
    ...maybes.flatMap((m) => [`**Warning**: possibly ${reasonText(m.rule, rulesets)}: not yet decided, for missing data or a table row the team decides (${m.flagged.map((s) => s.title).join(', ')}).`, '']),
    ...lines.map((l) => `- ${l.text}${l.provide.length ? ` — to decide, provide ${l.provide.join(', ')}` : ''}${l.decide.length ? ` — for the team to decide: ${l.decide.map((gap) => `${gap.fact} (${describeGap(gap)})`).join(', ')}` : ''}`),
    ...(noLesion ? [`- To score the spine, provide each lesion: ${lesionInputs.join(', ')}.`] : []),
    '',
    '### Explanation',
    '',
    // The marks the summary placed, worked out once for the detail too.
    ...explainEvaluation(evaluation, rulesets, marks).map(markdownLine),
    ...(notes.length ? ['', '### Not used from the record', '', ...notes.map((n) => `- ${n}`)] : []),
    '',
    `Rule sets: ${evaluation.rulesets.map((r) => `${rulesetName(r)} (sha256:${r.sha256.slice(0, 12)})`).join(', ')}. Decision ${decisionId}.`,
  ].join('\n');

  const engine = engineIdentity();
  return {
    uuid: decisionId,
    summary,
    detail,
    indicator,
    // Short, as CDS Hooks asks: the rule-set versions and hashes stand at the end of the detail.
    source: { label: `${engine.name} ${engine.version}${evaluation.rulesets.some((r) => r.profile) ? ' + institution profile' : ''}` },
  };
}

/** "sins 1.1.0", or with the institution profile that changed it: "sins 1.1.0 + profile sins-unstable-12@1.2.0". */
function rulesetName(r: Evaluation['rulesets'][number]): string {
  return `${r.id} ${r.version}${r.profile ? ` + profile ${r.profile.id}@${r.profile.version}` : ''}`;
}

function valueOf(scope: Scope, ref: OutputRef): unknown {
  return scope.results[ref.ruleset]?.[ref.output];
}

/** What an output may still be when missing data leaves it open: a category's or a classification's possible values. */
function possibleOf(scope: Scope, ref: OutputRef): readonly unknown[] {
  const result = scope.results[ref.ruleset];
  if (ref.output === 'category') return result?.possibleCategories ?? [];
  return result?.classifications?.[ref.output]?.possible ?? [];
}

/** The inputs that would decide one output: a classification's own, else the rule set's. */
function missingOf(scope: Scope, ref: OutputRef): readonly string[] {
  const result = scope.results[ref.ruleset];
  return result?.classifications?.[ref.output]?.missing ?? result?.missing ?? [];
}

/** `yes` when the output is one of `in`; `maybe` when it is open and one of its possible values is. */
function matches(scope: Scope, when: OutputRef & { in: string[] }): 'yes' | 'maybe' | 'no' {
  const value = valueOf(scope, when);
  if (typeof value === 'string') return when.in.includes(value) ? 'yes' : 'no';
  return possibleOf(scope, when).some((v) => typeof v === 'string' && when.in.includes(v)) ? 'maybe' : 'no';
}

/**
 * "SINS 14", "unstable", "NOMS separation surgery then srs (unconfirmed)"; an open score shows its range.
 * A value that rests on an unconfirmed source is not shown as settled where a clinician reads first.
 */
function show(scope: Scope, ref: OutputRef): { text: string; bare: string; mark: RestingMark['status'] | undefined } {
  const value = valueOf(scope, ref);
  const range = scope.results[ref.ruleset]?.range;
  const text = value === null || value === undefined ? (ref.output === 'score' && range ? `${range[0]}–${range[1]}` : 'undetermined') : String(value).replace(/_/g, ' ');
  // An open value is not shown as settled anyway: the room goes to what would decide it.
  const mark = value === null || value === undefined ? undefined : scope.mark(ref);
  const bare = `${ref.label ? `${ref.label} ` : ''}${text}`;
  return { text: `${bare}${mark === 'applies' ? ' (unconfirmed)' : mark === 'possible' ? ' (possibly unconfirmed)' : ''}`, bare, mark };
}

/**
 * A shown output's marks, its own and those it inherits, as explain places them: a score's from its
 * components (its band's stand beside the category), a category's from its band, a classification's
 * from its rows and the values they tested.
 */
function summaryMark(notes: ResultNotes, ref: OutputRef): RestingMark['status'] | undefined {
  const band = new Set(notes.ofBand(ref.ruleset));
  const own = ref.output === 'category' ? [...band] : ref.output === 'score' ? notes.ofScore(ref.ruleset).filter((w) => !band.has(w)) : notes.ofValue({ classification: ref.output });
  const resting = ref.output === 'category' ? [] : notes.restsOn(ref.output === 'score' ? { score: ref.ruleset } : { classification: ref.output });
  const statuses = [...own, ...resting].map((m) => m.status);
  return statuses.includes('applies') ? 'applies' : statuses.includes('possible') ? 'possible' : undefined;
}

/** At most `room` characters of `text`, ending at a whole word ("posterol…" named no field), and not on a separator. */
export function cutAtWord(text: string, room: number): string {
  if (text.length <= room) return text;
  // A word that ends where the room does (the next character a separator) fits whole.
  if (/[\s,;:]/.test(text.charAt(room))) return text.slice(0, room).replace(/[\s,;:]+$/, '');
  const cut = text.slice(0, room + 1);
  const end = cut.lastIndexOf(' ');
  // A word longer than half the room is cut where the room ends: better part of a word than half a summary.
  return (end > room / 2 ? cut.slice(0, end) : cut.slice(0, room)).replace(/[\s,;:]+$/, '');
}

/**
 * At most `room` characters of a list, ending after a whole item (`a, b; c`): a label of several words
 * cut after its first ("Vertebral…") names no field. An item longer than half the room is cut at a word.
 */
function cutAtItem(text: string, room: number): string {
  if (text.length <= room) return text;
  const head = text.slice(0, room + 2);
  const end = Math.max(head.lastIndexOf(', '), head.lastIndexOf('; '));
  return end > room / 2 ? text.slice(0, end) : cutAtWord(text, room);
}

/** The explanation's two-space nesting as markdown list items; its words are kept as they are. */
function markdownLine(line: string): string {
  const depth = line.length - line.trimStart().length;
  return depth === 0 ? `\n**${line}**\n` : `${' '.repeat(depth - 2)}- ${line.trim()}`;
}
