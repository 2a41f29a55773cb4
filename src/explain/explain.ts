import type { Evaluation, InputTrace, ShownValue, RuleSetResult, RuleTrace, TotalTrace, TraceEntry } from '../engine/types.js';
import { describeGap, gapsOf, splitByGap, teamDecides, type LookupGap } from '../engine/lookup-gaps.js';
import type { Part } from '../ruleset/parts.js';
import type { LoadedRuleSet } from '../ruleset/types.js';
import { assumedAndConverted, assumedInputLine, convertedInputLine } from '../report/assumed-inputs.js';
import { evaluationNotes, restingMark, type ResultNotes } from './resting-marks.js';
import { ruleSetWideMark, unconfirmedMark } from './unconfirmed-notes.js';
import { ruleFileLinks } from './rule-file-links.js';
import { unreadLines } from './unread-lines.js';
import { warningLines } from './warning-list.js';

/**
 * A plain-language account of an evaluation, built only from its trace and the rule sets' own labels
 * and references — nothing is written per score: "SINS 11 (potentially unstable): location junctional
 * +3 (Fisher 2010), pain mechanical +3 (Fisher 2010), ...". Whatever rests on something marked unconfirmed
 * says so beside it ("[unconfirmed source: ...]"), and the evaluation's warnings close the account.
 * `notes`: the marks, when the caller has worked them out already (the CDS card, for its summary).
 */
export function explainEvaluation(evaluation: Evaluation, rulesets: readonly LoadedRuleSet[], notes = evaluationNotes(evaluation, ruleFileLinks(rulesets))): string[] {
  const gaps = gapsOf(evaluation.warnings);
  const byId = new Map(rulesets.map((r) => [r.document.id, r]));
  const lines: string[] = [];
  const scopes: Array<{ title: string; lesion?: number }> = [
    { title: `Patient ${evaluation.patient.id ?? ''}`.trim() },
    ...evaluation.lesions.map((l, i) => ({ title: `Lesion ${i + 1}${l.level ? ` ${l.level}` : ''}`, lesion: i })),
  ];
  for (const scope of scopes) {
    const entries = evaluation.trace.filter((t) => t.lesion === scope.lesion);
    const rulesetIds = [...new Set(entries.map((t) => t.ruleset))];
    if (!rulesetIds.length) continue;
    lines.push(scope.title);
    lines.push(...inputLines(entries).map((l) => `  ${l}`));
    for (const id of rulesetIds) {
      const ruleset = byId.get(id);
      const result = scope.lesion === undefined ? evaluation.results[id] : evaluation.lesions[scope.lesion]?.results[id];
      if (ruleset) lines.push(...explainRuleSet(ruleset, entries.filter((t) => t.ruleset === id), notes(id, scope.lesion), (missing) => splitByGap(missing, gaps, scope.lesion), result).map((l) => `  ${l}`));
    }
  }
  return [...lines, ...profileLines(evaluation), ...unreadLines(evaluation), ...warningLines(evaluation)];
}

/** The institution profiles behind the explanation: each with the changes that touched this patient, so a changed value is not read as the paper's. */
function profileLines(evaluation: Evaluation): string[] {
  const uses = evaluation.profiles ?? [];
  if (!uses.length) return [];
  return ['Institution profiles applied:', ...uses.map((use) => `  ${use.ruleset}: ${use.profile} (sha256 ${use.sha256.slice(0, 12)}; ${use.changes.length ? `changes used: ${use.changes.map((c) => c.change).join(', ')}` : 'no change touched this patient'})`)];
}

/** `split`: the facts a result rests on, as inputs someone can provide and table gaps the team decides. */
function explainRuleSet(ruleset: LoadedRuleSet, entries: TraceEntry[], unconfirmed: ResultNotes, split: (missing: string[]) => OpenFacts, result?: RuleSetResult): string[] {
  const decide = (missing: string[]): string => toDecideClause(split(missing));
  const resting = (value: ShownValue): string => restingMark(unconfirmed.restsOn(value), ruleset.document.id);
  const lines = unconfirmed.ruleSetWide.map((w) => `${ruleset.document.title}${ruleSetWideMark(w)}`);
  const rules = entries.filter((t): t is RuleTrace => t.kind === 'rule');
  const cite = (id: string): string => shortCitation(ruleset.document.references[id]?.citation ?? '') ?? id;
  const partOf = (id: string): Part | undefined => ruleset.parts.find((p) => p.id === id);
  // A test on a fact not known was settled because every value the fact can take gives the row: say
  // which values, where the trace has them (an upstream range: SINS 3-6), rather than "any value".
  const openFact = (fact: string): string => {
    const input = entries.find((t) => t.kind === 'input' && t.input === fact);
    const possible = input?.kind === 'input' ? input.possible : undefined;
    return possible?.length ? `${fact} one of ${possible.map((v) => JSON.stringify(v)).join(', ')}, each giving this row` : `${fact} not known, every value it can take giving this row`;
  };

  for (const total of entries.filter((t): t is TotalTrace => t.kind === 'total')) {
    const band = entries.find((t) => t.kind === 'band' && t.score === total.score);
    const label = total.score === ruleset.document.id ? (ruleset.document.score?.label ?? total.score) : (ruleset.document.subscores?.find((s) => s.id === total.score)?.label ?? total.score);
    const value = total.value !== null ? String(total.value) : total.range ? `${total.range[0]}–${total.range[1]} (undetermined)` : 'undetermined';
    const category = band && band.kind === 'band' ? `${band.category ? ` (${band.category.replace(/_/g, ' ')})` : band.possibleCategories.length ? ` (${band.possibleCategories.join(' or ')})` : ''}${unconfirmedMark(unconfirmed.ofBand(total.score))}` : '';
    const parts = Object.keys(total.components).map((component) => {
      const alternatives = rules.filter((r) => r.score === total.score && r.component === component);
      const fired = alternatives.find((r) => r.fired === true);
      const part = partOf(component);
      const mark = unconfirmedMark(unconfirmed.ofComponent(total.score, component)) + resting({ score: total.score, component });
      if (fired) {
        const alternative = part?.alternatives.find((a) => a.id === fired.alternative);
        return `${part?.label ?? component}: ${alternative?.label ?? fired.alternative} ${signed(fired.points ?? 0)} (${cite(alternative?.reference ?? part?.reference ?? '')})${mark}`;
      }
      const [low, high] = total.componentRanges[component] ?? [0, 0];
      const missing = [...new Set(rules.filter((r) => r.component === component).flatMap((r) => r.missing ?? []))];
      const { provide, decide: gaps } = split(missing);
      return `${part?.label ?? component}: ${low}–${high}${provide.length ? `, ${provide.join(', ')} missing` : ''}${gaps.map((gap) => `, ${teamDecides(gap)}`).join('')}${mark}`;
    });
    const clamp = total.sum !== null && total.value !== null && total.sum !== total.value ? `; sum ${total.sum} capped at ${total.value} (${cite(ruleset.document.score?.total?.reference ?? '')})` : '';
    lines.push(`${label} ${value}${category}: ${parts.join('; ')}${clamp}`);
  }

  for (const part of ruleset.parts.filter((p) => p.kind === 'classification')) {
    const fired = rules.find((r) => r.classification === part.id && r.fired === true);
    const precedence = entries.find((t) => t.kind === 'precedence' && t.classification === part.id);
    const mark = unconfirmedMark(unconfirmed.ofClassification(part.id)) + resting({ classification: part.id });
    if (precedence && precedence.kind === 'precedence') {
      const source = ruleset.parts.find((p) => p.id === precedence.chosen);
      if (precedence.value !== null) {
        lines.push(`${part.label}: ${precedence.value}${mark} — from ${source?.label ?? precedence.chosen}`);
        continue;
      }
      // Which candidate left it open, and over what, is in the result (the trace names only the candidates).
      const open = result?.classifications?.[part.id];
      const values = open?.possible ?? [];
      lines.push(`${part.label}: undetermined${values.length ? `, could be ${values.join(' or ')}` : ''}${mark}${open?.missing?.length ? `; ${decide([...open.missing])}` : ''}`);
      continue;
    }
    if (fired) {
      const row = part.alternatives.find((a) => a.id === fired.alternative);
      // A test on a missing fact was settled because every value the fact could take gives this row.
      const because = [...new Set(fired.conditions.map((c) => (c.result === null ? openFact(c.fact) : `${c.fact} = ${JSON.stringify(c.factResult)}`)))].join(', ');
      lines.push(`${part.label}: ${row?.value ?? fired.alternative}${mark} — ${row?.label ?? fired.alternative} [${because}] (${cite(row?.reference ?? part.reference)})`);
      continue;
    }
    const open = rules.filter((r) => r.classification === part.id && r.possible);
    const missing = [...new Set(rules.filter((r) => r.classification === part.id).flatMap((r) => r.missing ?? []))];
    const values = [...new Set(open.map((r) => r.value ?? r.alternative))];
    if (values.length === 1) {
      // The value is decided; what is missing only leaves open which row gave it (and so which source it rests on).
      lines.push(`${part.label}: ${values[0]} (every possibility agrees)${mark}${missing.length ? `; ${dependsOnClause(split(missing))}` : ''}`);
      continue;
    }
    lines.push(`${part.label}: undetermined${values.length ? `, could be ${values.join(' or ')}` : ''}${mark}${missing.length ? `; ${decide(missing)}` : ''}`);
  }

  for (const part of ruleset.parts.filter((p) => p.kind === 'recommendation')) {
    const applies = rules.find((r) => r.recommendation === part.id && r.alternative === 'applies');
    const mark = unconfirmedMark(unconfirmed.ofRecommendation(part.id)) + resting({ recommendation: part.id });
    if (applies?.fired === true) lines.push(`Recommended: ${part.label} (${cite(part.reference)})${mark}`);
    else if (applies?.fired === null && applies.possible) lines.push(`Possibly: ${part.label}${mark} — ${decide(applies.missing ?? [])}`);
  }
  return lines;
}

/**
 * Values not given but taken from other fields, or narrowed by them (their notes say how), and values
 * given in another unit with the source of the factor: what the reader should see was assumed or
 * converted, each line once for the scope with the rule sets that read it, as several rule sets read
 * the same implication ("spinalMetastasisCount: not given, taken as 2 (...) — nesms, tomita, ...").
 */
function inputLines(entries: readonly TraceEntry[]): string[] {
  const withSource = (t: InputTrace): string => (t.source === 'converted' ? `${convertedInputLine(t)} (${t.conversion?.reference ?? ''})` : assumedInputLine(t));
  return assumedAndConverted(entries, withSource, (t) => t.ruleset).map(({ line, where }) => `${line} — ${where.join(', ')}`);
}

type OpenFacts = { provide: string[]; decide: LookupGap[] };

/** "to decide, provide a or b; the team decides c: ..." */
function toDecideClause({ provide, decide }: OpenFacts): string {
  return [...(provide.length ? [`to decide, provide ${provide.join(' or ')}`] : []), ...decide.map(teamDecides)].join('; ');
}

/**
 * "the row it rests on depends on a and c, which the team decides (table ... has no row for ...)": for a
 * value every possibility agrees on, nothing is asked for, but a gap is still named as the team's.
 */
function dependsOnClause({ provide, decide }: OpenFacts): string {
  return `the row it rests on depends on ${[...provide, ...decide.map((gap) => `${gap.fact}, which the team decides (${describeGap(gap)})`)].join(' and ')}`;
}

/**
 * "Fisher CG, DiPaola CP, ... Spine 2010;..." → "Fisher 2010". A citation of another form (an
 * institution's protocol or board minutes) by its first clause when that is short, so that the reader
 * sees its source rather than a profile's key for it; otherwise undefined, and the caller shows the key.
 */
function shortCitation(citation: string): string | undefined {
  const author = /^([A-Z][A-Za-z'-]+) [A-Z]{1,3}[ ,]/.exec(citation)?.[1];
  const year = /\b(19|20)\d{2}\b/.exec(citation)?.[0];
  if (author && year) return `${author} ${year}`;
  // Without an author (the review's own statements): its title when short, else where it appeared
  // ("Asian Spine J 2022"), with the table or the review's reference numbers it names, so that the
  // reader can find it ("(review2022table3)" named only the rule file's key).
  const clause = citation.split(/[,;:]|\.\s/)[0]?.trim().replace(/\.$/, '') ?? '';
  const venue = /\.\s+([A-Z][A-Za-z.]*(?:\s+[A-Z][A-Za-z.]*)*\s+(?:19|20)\d{2})\b/.exec(citation)?.[1];
  const base = clause && clause.length <= SHORT_CITATION ? clause : venue;
  if (!base) return undefined;
  // A table the statement is in, not one it stands beside ("the section ... beside Table 4").
  const table = /(?<!beside |near |after |before )\b(?:Table|Figure) \d+\b/.exec(citation)?.[0];
  const refs = [...citation.matchAll(/\[(\d+(?:\s*[,–-]\s*\d+)*)\]/g)].flatMap((m) => (m[1] ?? '').split(',').map((n) => n.trim()));
  if (table && !base.includes(table)) return `${base}, ${table}`;
  return refs.length ? `${base} [${refs.join(', ')}]` : base;
}
const SHORT_CITATION = 80;

function signed(points: number): string {
  return points > 0 ? `+${points}` : String(points);
}
