import type { RecordedRequest } from '../audit/decision-record.js';
import { describeGap } from '../engine/lookup-gaps.js';
import { clampedNote } from './clamped-note.js';
import { warningLine } from '../explain/folded-warnings.js';
import { profileReviewSummary } from '../explain/profile-review.js';
import { evaluationNotes, restingMark, type ResultNotes } from '../explain/resting-marks.js';
import { ruleSetWideMark, unconfirmedMark } from '../explain/unconfirmed-notes.js';
import { publishedValue } from './published-value.js';
import type { ClassificationResult, ComponentResult, Evaluation, InputTrace, LookupTrace, RuleSetResult, RuleTrace, ShownValue, TraceEntry } from '../engine/types.js';

/** What a report is made from: an evaluation (the JSON output), and the decision record around it if any. */
export interface ReportSource {
  /** `traceLevel` absent: a decision record or an evaluation from before the field, both full. */
  evaluation: Pick<Evaluation, 'results' | 'lesions' | 'missing' | 'warnings' | 'trace' | 'profiles'> & Partial<Pick<Evaluation, 'traceLevel' | 'unread'>> & {
    patient?: { id: string | null };
    rulesets: Array<{ id: string; version: string; sha256: string; title?: string; profile?: { id: string; version: string } }>;
  };
  record?: { decisionId: string; timestamp: string; engine?: { name: string; version: string }; input?: unknown; hash?: string; request?: RecordedRequest };
  /** Problems `audit verify` finds in the log the record was taken from: the report says it cannot vouch for it. */
  unverified?: string[];
}

/**
 * A standalone HTML page (no network, no external assets) an auditor can open and print: the inputs as
 * the rule sets read them, each score with its components, each decision with the row that held, every
 * rule evaluated with its conditions and values (collapsible), references, rule-set versions and hashes.
 */
export function renderReport(source: ReportSource): string {
  const { evaluation, record } = source;
  const title = `Decision report${evaluation.patient?.id ? ` — patient ${evaluation.patient.id}` : ''}`;
  // Below full the trace leaves out rules that did not fire and inputs as given: the report says so
  // rather than calling what it has every rule.
  const full = (evaluation.traceLevel ?? 'full') === 'full';
  // A profile not followed everywhere bears on how every result below is read: said first.
  const review = profileReviewSummary(evaluation.warnings);
  const marksOf = evaluationNotes(evaluation);
  // The results first (a clinician's first question; the first score stood below the rule-set table and
  // a hundred input rows), then what they rest on, as an auditor checks it; every section one link away.
  const sections: Section[] = [
    ...(evaluation.profiles?.length ? [{ heading: 'Institution profile changes used', body: profilesBlock(evaluation.profiles) }] : []),
    { heading: 'Patient results', body: resultsBlock(evaluation.results, (id) => marksOf(id, undefined)) },
    ...evaluation.lesions.map((lesion, i) => ({ heading: `Lesion ${i + 1}${lesion.level ? ` (${lesion.level})` : ''}`, body: resultsBlock(lesion.results, (id) => marksOf(id, i)) })),
    { heading: 'Missing inputs and notes', body: notes(evaluation) },
    { heading: full ? 'Inputs as read by the rule sets' : 'Inputs not given, taken or narrowed from other fields', body: inputsTable(evaluation.trace) },
    { heading: 'Rule sets', body: identity(source) },
    ...(record?.request !== null && typeof record?.request === 'object' ? [{ heading: 'Asked for by CDS Hooks', body: requestBlock(record.request) }] : []),
    ...(evaluation.trace.some((t) => t.kind === 'lookup') ? [{ heading: 'Table lookups', body: lookupsBlock(evaluation.trace) }] : []),
    { heading: full ? 'Every rule evaluated' : 'Rules that fired', body: rulesBlock(evaluation.trace) },
    { heading: 'References', body: references(evaluation.trace) },
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${esc(title)}</h1>
${source.unverified?.length ? `<p class="partial unverified"><strong>The audit log this record comes from does not verify</strong> (<code>spinemets audit verify</code>): ${source.unverified.map(esc).join('; ')}. This report cannot vouch that the record is the one written at the time.</p>` : ''}
${record ? `<p class="meta">Decision <code>${esc(record.decisionId)}</code> at ${esc(record.timestamp)}${record.hash ? `, record hash <code>${esc(record.hash)}</code>` : ''}</p>` : ''}
${review ? `<p class="partial review"><strong>Caution:</strong> ${esc(review)}</p>` : ''}
${full ? '' : `<p class="partial" data-trace-level="${esc(evaluation.traceLevel ?? '')}">This evaluation carries its trace at level <strong>${esc(evaluation.traceLevel ?? '')}</strong>: ${evaluation.traceLevel === 'none' ? 'no trace at all' : 'the rules that fired, the totals, bands and precedence, and the inputs taken from other fields, but not the rules that did not fire nor the inputs as given'}. A decision record, or <code>spinemets evaluate --trace full</code>, keeps every rule and input.</p>`}
<nav><ul>${sections.map((x) => `<li><a href="#${anchor(x.heading)}">${esc(x.heading)}</a></li>`).join('')}</ul></nav>
${sections.map((x) => `<section id="${anchor(x.heading)}"><h2>${esc(x.heading)}</h2>${x.body}</section>`).join('\n')}
<script>
// Printing shows every rule, collapsed or not; the page needs no network.
window.addEventListener('beforeprint', () => document.querySelectorAll('details').forEach((d) => { d.dataset.wasOpen = String(d.open); d.open = true; }));
window.addEventListener('afterprint', () => document.querySelectorAll('details').forEach((d) => { d.open = d.dataset.wasOpen === 'true'; }));
</script>
</body>
</html>
`;
}

function identity({ evaluation, record }: ReportSource): string {
  // A rule set with a profile applied is not the published one: said in its row, not only in the trace.
  const profile = (r: (typeof evaluation.rulesets)[number]): string => (r.profile ? `<strong>with institution profile ${esc(r.profile.id)}@${esc(r.profile.version)}</strong>` : '');
  const rows = evaluation.rulesets.map((r) => `<tr><td>${esc(r.id)}</td><td>${esc(r.version)}</td><td>${esc(r.title ?? '')}</td><td>${profile(r)}</td><td><code>${esc(r.sha256)}</code></td></tr>`);
  const engine = record?.engine ? `<p>Engine ${esc(record.engine.name)} ${esc(record.engine.version)}</p>` : '';
  return `${engine}<table><thead><tr><th>id</th><th>version</th><th>title</th><th>profile</th><th>sha256</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/**
 * The call a CDS decision answered and the card as the clinician saw it (its detail is Markdown, shown as
 * written). Read field by field: an edited record (the report then says it cannot vouch for it) may hold
 * anything, and the report is most needed then.
 */
function requestBlock(request: RecordedRequest): string {
  const field = (value: unknown): string => esc(typeof value === 'string' ? value : (JSON.stringify(value) ?? '(none)'));
  const card: Partial<RecordedRequest['card']> = request.card !== null && typeof request.card === 'object' ? request.card : {};
  const notes = Array.isArray(request.notes) && request.notes.length ? `<h3>What mapping the FHIR prefetch said</h3><ul>${request.notes.map((n) => `<li>${field(n)}</li>`).join('')}</ul>` : '';
  return `<p>Hook <code>${field(request.hook)}</code> to service <code>${field(request.service)}</code>, hook instance <code>${field(request.hookInstance)}</code>, patient <code>${field(request.patientId)}</code>, user <code>${field(request.userId)}</code>.</p>
<div class="card" data-indicator="${field(card.indicator)}"><p><strong>${field(card.indicator)}</strong>: <span data-card-summary>${field(card.summary)}</span></p><pre data-card-detail>${field(card.detail)}</pre><p><small>${field(card.source?.label)}</small></p></div>${notes}`;
}

/** What an aggregate combined, as the trace has it: `any of level in [C1, C2]: T12 no, C2 yes`, `max of sins.category (stable < unstable): stable, unstable`. */
function aggregateText({ function: fn, field, values, given, matches, order }: NonNullable<InputTrace['aggregate']>): string {
  const shown = (v: unknown): string => (v === null ? 'missing' : String(v));
  return given && matches
    ? `${fn} of ${field} in [${matches.join(', ')}]: ${given.map((g, i) => `${shown(g)} ${values[i] === null ? '?' : values[i] ? 'yes' : 'no'}`).join(', ')}`
    : `${fn} of ${field}${order ? ` (${order.join(' < ')})` : ''}: ${values.map(shown).join(', ')}`;
}

function inputsTable(trace: readonly TraceEntry[]): string {
  const rows = trace.flatMap((t) =>
    t.kind === 'input'
      ? [`<tr><td>${esc(t.ruleset)}</td><td>${t.lesion === undefined ? '' : t.lesion + 1}</td><td>${esc(t.input)}</td><td class="value">${value(t.value)}${t.unit ? ` ${esc(t.unit)}` : ''}</td><td>${esc(t.source)}${t.note ? `: ${esc(t.note)}` : ''}${t.conversion ? ` (from ${esc(JSON.stringify(t.given))}, × ${t.conversion.factor})` : ''}${t.upstream ? ` (${esc(t.upstream.ruleset)}.${esc(t.upstream.output)})` : ''}${t.aggregate ? ` (${esc(aggregateText(t.aggregate))})` : ''}</td></tr>`]
      : [],
  );
  return `<table><thead><tr><th>rule set</th><th>lesion</th><th>input</th><th>value</th><th>source</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/**
 * Each rule set's results for the patient or one lesion, every value with its unconfirmed marks as
 * explain gives them: its own note, and the marked values it was computed from (read from the trace;
 * below `full` only what fired is there to follow).
 */
function resultsBlock(results: Record<string, RuleSetResult>, notes: (ruleset: string) => ResultNotes): string {
  return Object.entries(results).map(([id, r]) => `<div class="result" data-ruleset="${esc(id)}"><h3>${esc(r.label)} <small>(${esc(id)})</small>${notes(id).ruleSetWide.map((w) => markText(ruleSetWideMark(w))).join('')}</h3>${scoreBlock(id, r, notes(id))}${classificationsBlock(id, r.classifications, notes(id))}${recommendationsBlock(id, r, notes(id))}</div>`).join('');
}

/** The marks beside one value ("[unconfirmed source: ...] [rests on ... through: ...]") in the page, or nothing. */
function marks(notes: ResultNotes, value: ShownValue, ruleset: string): string {
  return markText(unconfirmedMark(notes.ofValue(value)) + restingMark(notes.restsOn(value), ruleset));
}

function markText(text: string): string {
  return text ? ` <small class="unconfirmed" data-unconfirmed>${esc(text.trim())}</small>` : '';
}

function scoreBlock(ruleset: string, r: RuleSetResult, notes: ResultNotes): string {
  if (!r.components) return '';
  const score = r.score !== null && r.score !== undefined ? String(r.score) : r.range ? `${r.range[0]}–${r.range[1]} (undetermined)` : 'undetermined';
  const clamped = clampedNote(r);
  const category = r.categoryLabel ?? r.category ?? (r.possibleCategories?.length ? `undetermined: ${r.possibleCategories.join(' or ')}` : '');
  const rows = Object.entries(r.components).map(([id, c]: [string, ComponentResult]) => `<tr><td>${esc(c.label)}</td><td class="value">${c.points ?? `${c.range[0]}–${c.range[1]}`}</td><td>${esc(c.alternativeLabel ?? (c.missing?.length ? `missing: ${c.missing.join(', ')}` : c.status))}${marks(notes, { score: ruleset, component: id }, ruleset)}</td><td><code>${esc(id)}</code></td></tr>`);
  return `<p class="score">Score <strong data-score>${esc(score)}</strong>${clamped ? ` <span data-clamped>(${esc(clamped)})</span>` : ''}${category ? ` — <span data-category>${esc(category)}</span>` : ''}${markText(unconfirmedMark(notes.ofBand(ruleset)))}</p><table><thead><tr><th>component</th><th>points</th><th>why</th><th>id</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function classificationsBlock(ruleset: string, classifications: Record<string, ClassificationResult> | undefined, notes: ResultNotes): string {
  if (!classifications) return '';
  const rows = Object.entries(classifications).map(([id, c]) => `<tr data-classification="${esc(id)}"><td>${esc(c.label)}</td><td class="value"><strong>${esc(c.value ?? 'undetermined')}</strong></td><td>${esc(c.alternativeLabel ?? c.reason ?? (c.possibleAlternatives ? `rows ${c.possibleAlternatives.join(', ')}` : ''))}${marks(notes, { classification: id }, ruleset)}</td></tr>`);
  return `<table><thead><tr><th>classification</th><th>value</th><th>row that held</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function recommendationsBlock(ruleset: string, r: RuleSetResult, notes: ResultNotes): string {
  if (!r.recommendations?.length) return '';
  return `<ul class="recommendations">${r.recommendations.map((x) => `<li data-recommendation="${esc(x.id)}">${x.status === 'applies' ? 'Recommended' : 'Possibly'}: ${esc(x.label)} <small>(${esc(x.reference)})</small>${marks(notes, { recommendation: x.id }, ruleset)}</li>`).join('')}</ul>`;
}

function notes(evaluation: ReportSource['evaluation']): string {
  const missing = evaluation.missing.map((m) => `<li>${esc(m.input)}${m.lesion !== undefined ? ` (lesion ${m.lesion + 1})` : ''}: ${esc(m.ruleset)} ${esc(m.affects.join(', '))}${m.lookup ? ` — not an input: ${esc(describeGap(m.lookup))}; for the team to decide` : ''}</li>`);
  const warnings = [...new Set(evaluation.warnings.map((w) => warningLine(w, evaluation.lesions)))].map((w) => `<li>${esc(w)}</li>`);
  // A value entered that no rule set read is said, as the text report and explain say it.
  const unread = evaluation.unread?.length ? `<h3>Given, but read by no rule set in use</h3><ul>${evaluation.unread.map((field) => `<li>${esc(field)}</li>`).join('')}</ul>` : '';
  return `<h3>Missing</h3><ul>${missing.join('') || '<li>none</li>'}</ul><h3>Notes</h3><ul>${warnings.join('') || '<li>none</li>'}</ul>${unread}`;
}

/** Each institution change next to the published value it replaced, so no one reads it as the paper's. */
function profilesBlock(profiles: NonNullable<Evaluation['profiles']>): string {
  const rows = profiles.flatMap((use) =>
    use.changes.map((c) => `<tr><td>${esc(use.ruleset)}</td><td>${esc(use.profile)}<br><code>${esc(use.sha256.slice(0, 16))}</code></td><td><code>${esc(c.change)}</code> (${esc(c.op)})</td><td>${c.base ? esc(publishedValue(c.base)) : 'added'}</td><td>${esc(c.reason)}</td><td>${esc(c.author)}</td></tr>`),
  );
  return `<table><thead><tr><th>rule set</th><th>profile</th><th>change</th><th>published value</th><th>reason</th><th>author</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/**
 * Each table row looked up (ESCC grade → low grade, histology → radiosensitive), with the source that
 * vouches for it and an institution's mark: the rules then test the fact, and the row is where it came from.
 */
function lookupsBlock(trace: readonly TraceEntry[]): string {
  const rows = trace.filter((t): t is LookupTrace => t.kind === 'lookup').map((l) => {
    const mark = l.overridden ?? l.added;
    const institution = mark ? ` — profile ${esc(mark.profile)}, change <code>${esc(mark.change)}</code>${l.overridden?.base ? ` (published: ${value(l.overridden.base)})` : ' (not in the published rule set)'}` : '';
    return `<tr><td>${esc(l.ruleset)}${l.lesion === undefined ? '' : ` [lesion ${l.lesion + 1}]`}</td><td><code>${esc(l.table)}</code></td><td>${value(l.key)}</td><td>${esc(l.fact)} = ${value(l.value)}</td><td>${esc(l.reference)}${l.note ? ` — ${esc(l.note)}` : ''}${l.unconfirmed ? ` — UNCONFIRMED: ${esc(l.unconfirmed)}` : ''}${institution}</td></tr>`;
  });
  return `<table><thead><tr><th>rule set</th><th>table</th><th>key</th><th>fact</th><th>source</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function rulesBlock(trace: readonly TraceEntry[]): string {
  return trace
    .filter((t): t is RuleTrace => t.kind === 'rule')
    .map((r) => {
      const state = r.fired === true ? 'fired' : r.fired === false ? 'not fired' : r.possible ? 'undetermined (possible)' : 'undetermined (excluded)';
      // The points a rule that did not fire would add: an auditor rebuilds a component's range from them.
      const effect = r.effect ? ` → ${esc(JSON.stringify(r.effect))}` : r.points !== undefined ? ` (would add ${r.points} point${r.points === 1 ? '' : 's'})` : '';
      const conditions = r.conditions.map((c) => `<tr><td><code>${esc(c.at || '(root)')}</code></td><td>${esc(c.fact)}</td><td>${esc(c.operator)}</td><td>${value(c.value)}</td><td>${value(c.factResult)}</td><td>${c.result === null ? 'undecided' : String(c.result)}</td></tr>`);
      return `<details class="rule ${r.fired === true ? 'fired' : ''}" data-rule="${esc(r.rule)}"><summary>${esc(r.ruleset)}${r.lesion === undefined ? '' : ` [lesion ${r.lesion + 1}]`} <code>${esc(r.rule)}</code>: ${state}${effect}</summary>
<table><thead><tr><th>at</th><th>fact</th><th>operator</th><th>value</th><th>fact value</th><th>result</th></tr></thead><tbody>${conditions.join('')}</tbody></table>
<p class="ref">${esc(r.reference)}${r.missing?.length ? ` — missing: ${esc(r.missing.join(', '))}` : ''}${r.unconfirmed ? ` — UNCONFIRMED: ${esc(r.unconfirmed)}` : ''}${profileNote(r)}</p></details>`;
    })
    .join('\n');
}

function profileNote(r: RuleTrace): string {
  const mark = r.overridden ?? r.added;
  if (!mark) return '';
  return ` — <strong>${r.overridden ? 'changed' : 'added'} by ${esc(mark.profile)}</strong> (${esc(mark.change)}${mark.base ? `; published: ${value(mark.base)}` : ''})`;
}

function references(trace: readonly TraceEntry[]): string {
  const cited = new Set<string>();
  for (const t of trace) if ('reference' in t && typeof t.reference === 'string' && t.reference) cited.add(t.reference);
  return `<ol>${[...cited].sort().map((c) => `<li>${esc(c)}</li>`).join('')}</ol>`;
}

interface Section {
  heading: string;
  body: string;
}

/** A section's id, from its heading (unique: the headings are): "Lesion 1 (T12)" → lesion-1-t12. */
function anchor(heading: string): string {
  return heading.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

function value(v: unknown): string {
  return v === null || v === undefined ? '<em>missing</em>' : esc(typeof v === 'string' ? v : JSON.stringify(v));
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; padding: 0 1rem; color: #1b1b1b; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; border-bottom: 1px solid #ccc; margin-top: 2rem; } h3 { font-size: 1rem; margin-bottom: .3rem; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0 1rem; } th, td { border: 1px solid #ddd; padding: .2rem .4rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.value { white-space: nowrap; } code { font-size: .85em; word-break: break-all; }
.score { font-size: 1.05rem; } details.rule { border: 1px solid #e3e3e3; margin: .2rem 0; padding: .2rem .5rem; }
details.rule.fired > summary { font-weight: 600; } .ref { color: #555; font-size: .9em; } .meta { color: #555; } .partial { border-left: 4px solid #b45309; padding: .4em .8em; background: #fff7ed; }
nav ul { display: flex; flex-wrap: wrap; gap: .2rem 1rem; list-style: none; padding: 0; } nav a { color: #1d4ed8; }
@media print { nav { display: none; } body { margin: 0; max-width: none; } details.rule { break-inside: avoid; } }
`;
