import type { ConditionTrace, Evaluation, EvaluationWarning, InputTrace, PrecedenceTrace, RuleTrace, ShownValue, TraceEntry, UnconfirmedSourceWarning } from '../engine/types.js';
import { unconfirmedNotes, type UnconfirmedNotes } from './unconfirmed-notes.js';

/** What the marks need from the rule files (src/explain/rule-file-links.ts): plain data, so the page can have it. */
export interface RuleFileLinks {
  /** Per rule set, its inputs that take another rule set's output (their `upstream`). */
  upstream: Readonly<Record<string, Readonly<Record<string, { ruleset: string; output: string }>>>>;
  /** Per rule set, each `firstOf` classification's candidates, in order. */
  firstOf: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
}

interface Source {
  ruleset: string;
  lesion: number | undefined;
  /** A classification's id, `score`, `category` or `components.<id>` (of `score`: the rule set's own, or a subscore). */
  output: string;
  score?: string;
}

/** A value a rule tested, with that rule's status (it held, or only may). */
type Sourced = Source & { status: RestingMark['status'] };

/** A value a result was computed from that rests on an unconfirmed source itself (or may). */
export interface RestingMark {
  ruleset: string;
  output: string;
  status: UnconfirmedSourceWarning['status'];
}

/** A rule set's own marks and, for each value it shows, the marked values it was computed from. */
export type ResultNotes = UnconfirmedNotes & {
  /** A shown value's own marks (a component's, a score's with its band and components, a classification's, a recommendation's). */
  ofValue(value: ShownValue): UnconfirmedSourceWarning[];
  restsOn(value: ShownValue): RestingMark[];
};

/**
 * A rule set's marks in one evaluation (per lesion): each value's own (unconfirmedNotes) and `restsOn`,
 * the values it was computed from that carry a mark themselves — a classification or subscore of its
 * rule set, or another rule set's output read as an input (per lesion, or over the lesions for an
 * aggregate). A SINS 11 lesion whose NOMS decision is cEBRT rests on NOMS's `mechanical` (whose "7-12
 * without collapse is stable" is the rule set's reading, and unstable would give stabilization first);
 * the lesion plan's management on that decision: each names the value it rests on, whose own mark says
 * why. Read from the trace: the rules that held (or, as `possible`, may hold) and the facts their
 * conditions tested. Where the trace has the part's other rows (`full`), a value another reading of the
 * fact could not change is not marked (Table 3 gives separation surgery then SRS to a fit patient's
 * high-grade radioresistant lesion whether the spine is stable or not); below `full` every tested fact
 * counts, and an input read from another rule set is found in the rule files (`upstream`), while the
 * rules that only may hold are not in the trace; at `none` there are no rules to follow.
 */
export function evaluationNotes(evaluation: Pick<Evaluation, 'trace' | 'warnings' | 'results' | 'lesions'>, links: RuleFileLinks = { upstream: {}, firstOf: {} }): (ruleset: string, lesion: number | undefined) => ResultNotes {
  const { upstream } = links;
  const scopes = new Map<string, { entries: TraceEntry[]; rules: RuleTrace[]; warnings: EvaluationWarning[]; own: UnconfirmedNotes }>();
  const scope = (ruleset: string, lesion: number | undefined) => {
    const key = `${ruleset} ${lesion ?? ''}`;
    let found = scopes.get(key);
    if (!found) {
      const ours = <T extends { ruleset: string; lesion?: number }>(items: readonly T[]): T[] => items.filter((t) => t.ruleset === ruleset && t.lesion === lesion);
      const entries = [...ours(evaluation.trace), ...precedenceFromResults(evaluation, links, ruleset, lesion)];
      const warnings = ours(evaluation.warnings);
      scopes.set(key, (found = { entries, rules: entries.filter((t): t is RuleTrace => t.kind === 'rule'), warnings, own: unconfirmedNotes(entries, warnings) }));
    }
    return found;
  };
  // Every answer below is the same each time it is asked (a page shows a value in several places): worked out once.
  const lesions = new Map<string, Set<number>>();
  for (const t of evaluation.trace) if (t.lesion !== undefined) lesions.set(t.ruleset, (lesions.get(t.ruleset) ?? new Set<number>()).add(t.lesion));
  const lesionsOf = (ruleset: string): number[] => [...(lesions.get(ruleset) ?? [])];

  /** Where a fact a rule tested took its value: a classification or subscore of the rule set, or upstream outputs. */
  const sourcesOf = (ruleset: string, lesion: number | undefined, fact: string): Source[] => {
    const { entries } = scope(ruleset, lesion);
    if (entries.some((t) => (t.kind === 'rule' || t.kind === 'precedence') && t.classification === fact)) return [{ ruleset, lesion, output: fact }];
    if (fact !== ruleset && entries.some((t) => t.kind === 'total' && t.score === fact)) return [{ ruleset, lesion, output: 'score', score: fact }];
    const input = entries.find((t): t is InputTrace => t.kind === 'input' && t.input === fact);
    if (input?.upstream) return [{ ruleset: input.upstream.ruleset, lesion: input.upstream.lesion, output: input.upstream.output }];
    // An aggregate's trace names the output it takes over the lesions (`noms.neurologic`), as the rule file does.
    const field = input?.aggregate?.field.split('.');
    const declared = upstream[ruleset]?.[fact] ?? (field?.length === 2 && field[0] && field[1] && lesionsOf(field[0]).length ? { ruleset: field[0], output: field[1] } : undefined);
    if (!declared) return [];
    const over = lesionsOf(declared.ruleset);
    if (lesion !== undefined && over.includes(lesion)) return [{ ...declared, lesion }];
    if (lesion !== undefined || over.length === 0) return [{ ...declared, lesion: undefined }];
    const aggregate = input?.aggregate;
    if (!aggregate || (aggregate.function !== 'max' && aggregate.function !== 'min') || input.value === null) return over.map((i) => ({ ...declared, lesion: i }));
    // The worst (or best) over the lesions: where nothing can pass it (the end of its order), it rests on the
    // lesions that gave it, and on none when one of them gave it without a mark; else any lesion could move it.
    const giving = over.filter((i) => aggregate.values[i] === input.value);
    const order = aggregate.order ?? [];
    if (order[aggregate.function === 'max' ? order.length - 1 : 0] !== input.value) return over.map((i) => ({ ...declared, lesion: i }));
    return giving.some((i) => !marked({ ...declared, lesion: i }, new Set())) ? [] : giving.map((i) => ({ ...declared, lesion: i }));
  };

  /** The same part as `rule` (a classification, a component, a recommendation), and what a row of it gives. */
  const samePart = (a: RuleTrace, b: RuleTrace): boolean => a.part === b.part && a.classification === b.classification && a.score === b.score && a.component === b.component && a.recommendation === b.recommendation;
  const gives = (rule: RuleTrace): unknown => rule.value ?? rule.points ?? rule.alternative;
  /**
   * Whether another value of `fact` could change what `rule` gave: a row of its part that failed only on
   * that fact gives something else. Without the part's other rows (below `full`), assumed so.
   */
  const sensitive = (ruleset: string, lesion: number | undefined, rule: RuleTrace, fact: string): boolean => {
    const others = scope(ruleset, lesion).rules.filter((t) => t !== rule && samePart(t, rule));
    if (others.length === 0) return true;
    return others.some((other) => other.conditions.some((c) => c.fact === fact) && couldHold(other.conditions, fact) && gives(other) !== gives(rule));
  };

  /** The values the rules of one part (`select`: a classification, a score or one component, a recommendation) tested, each with the status of the rule (held, or only possible). */
  const sourcesBefore = new Map<string, Sourced[]>();
  const sources = (ruleset: string, lesion: number | undefined, select: ShownValue): Sourced[] => {
    const key = `${ruleset} ${lesion ?? ''} ${JSON.stringify(select)}`;
    let found = sourcesBefore.get(key);
    if (!found) {
      const held = (r: RuleTrace): boolean => ('classification' in select ? r.classification === select.classification : 'recommendation' in select ? r.recommendation === select.recommendation : r.score === select.score && (select.component === undefined || r.component === select.component));
      const holding = scope(ruleset, lesion).rules.filter((rule) => held(rule) && (rule.fired === true || (rule.fired === null && rule.possible)));
      // Missing data may leave open which row holds while every row that may gives the same value (NOMS's
      // cEBRT by row 1 or 5, the ESCC grade unknown): a fact each of them tested, and on which each turns,
      // decides that value as surely as a row that held.
      const agreed = holding.length > 0 && holding.every((rule) => rule.fired === null) && new Set(holding.map(gives)).size === 1;
      const tests = (rule: RuleTrace, fact: string): boolean => rule.conditions.some((c) => c.fact === fact && c.result !== false);
      const decides = (fact: string): boolean => agreed && holding.every((rule) => tests(rule, fact) && sensitive(ruleset, lesion, rule, fact));
      found = holding.flatMap((rule) => {
        const facts = [...new Set(rule.conditions.filter((c) => c.result !== false).map((c) => c.fact))];
        if (rule.fired === true) return facts.filter((fact) => sensitive(ruleset, lesion, rule, fact)).flatMap((fact) => sourcesOf(ruleset, lesion, fact).map((source) => ({ ...source, status: 'applies' as const })));
        return facts.flatMap((fact) => sourcesOf(ruleset, lesion, fact).map((source) => ({ ...source, status: decides(fact) ? ('applies' as const) : ('possible' as const) })));
      });
      sourcesBefore.set(key, found);
    }
    return found;
  };

  /** Whether a value rests on an unconfirmed source, by its own mark or one it inherits; `seen` ends a cycle. */
  const markedBefore = new Map<string, RestingMark['status'] | undefined>();
  const marked = (source: Source, seen: ReadonlySet<string>): RestingMark['status'] | undefined => {
    const key = `${source.ruleset} ${source.lesion ?? ''} ${source.score ?? ''} ${source.output}`;
    if (markedBefore.has(key)) return markedBefore.get(key);
    if (seen.has(key)) return undefined;
    const status = markedAnew(source, new Set(seen).add(key));
    markedBefore.set(key, status);
    return status;
  };
  const markedAnew = (source: Source, next: ReadonlySet<string>): RestingMark['status'] | undefined => {
    const { own, warnings } = scope(source.ruleset, source.lesion);
    const component = /^components\.(.+)$/.exec(source.output)?.[1];
    let direct: UnconfirmedSourceWarning[];
    let from: Sourced[];
    if (source.output === 'score' || source.output === 'category' || component) {
      const score = source.score ?? source.ruleset;
      // A total read as a number rests on its components; read as a category, on its band too; a component on itself.
      const bears = (v: ShownValue): boolean => 'score' in v && v.score === score && (component ? v.component === component : source.output === 'category' || v.component !== undefined);
      direct = warnings.filter((w): w is UnconfirmedSourceWarning => w.code === 'UNCONFIRMED_SOURCE' && w.beside.some(bears));
      from = sources(source.ruleset, source.lesion, component ? { score, component } : { score });
    } else {
      direct = own.ofClassification(source.output);
      from = classificationSources(source.ruleset, source.lesion, source.output);
    }
    const statuses = [
      ...direct.map((w) => w.status),
      ...from.map((s) => {
        const status = marked(s, next);
        return status && (s.status === 'possible' ? 'possible' : status);
      }),
    ];
    return statuses.includes('applies') ? 'applies' : statuses.includes('possible') ? 'possible' : undefined;
  };

  /**
   * What a classification was computed from: its rows' facts; for a `firstOf`, what the classification it
   * took its value from was (every candidate's while none is), whose own marks it already shows as its own.
   */
  const classificationSources = (ruleset: string, lesion: number | undefined, id: string): Sourced[] => {
    const precedence = scope(ruleset, lesion).entries.find((t) => t.kind === 'precedence' && t.classification === id);
    if (precedence?.kind !== 'precedence') return sources(ruleset, lesion, { classification: id });
    const from = precedence.chosen ? [precedence.chosen] : precedence.candidates.map((c) => c.classification);
    return from.flatMap((candidate) => classificationSources(ruleset, lesion, candidate).map((s) => (precedence.chosen ? s : { ...s, status: 'possible' as const })));
  };

  return (ruleset, lesion) => {
    const restsOn = (value: ShownValue): RestingMark[] => {
      const from = 'classification' in value
        ? classificationSources(ruleset, lesion, value.classification)
        : sources(ruleset, lesion, value);
      const marks = new Map<string, RestingMark>();
      for (const source of from) {
        const status = marked(source, new Set());
        if (!status) continue;
        const output = source.score && source.score !== source.ruleset ? source.score : source.output;
        const mark = { ruleset: source.ruleset, output, status: source.status === 'possible' ? ('possible' as const) : status };
        const key = `${mark.ruleset} ${mark.output}`;
        if (marks.get(key)?.status !== 'applies') marks.set(key, mark);
      }
      return [...marks.values()];
    };
    const { own } = scope(ruleset, lesion);
    const ofValue = (value: ShownValue): UnconfirmedSourceWarning[] =>
      'classification' in value ? own.ofClassification(value.classification) : 'recommendation' in value ? own.ofRecommendation(value.recommendation) : value.component !== undefined ? own.ofComponent(value.score, value.component) : own.ofScore(value.score);
    return { ...own, ofValue, restsOn };
  };
}

/**
 * The precedence entries a trace below `rules` leaves out, rebuilt from the results: which candidate a
 * `firstOf` classification took its value from is the first one decided, when it is decided itself
 * (src/engine/precedence.ts), so its own marks are that candidate's at every trace level.
 */
function precedenceFromResults(evaluation: Pick<Evaluation, 'trace' | 'results' | 'lesions'>, links: RuleFileLinks, ruleset: string, lesion: number | undefined): PrecedenceTrace[] {
  const result = lesion === undefined ? evaluation.results[ruleset] : evaluation.lesions[lesion]?.results[ruleset];
  const valueOf = (id: string): string | null => result?.classifications?.[id]?.value ?? null;
  const kept = (id: string): boolean => evaluation.trace.some((t) => t.kind === 'precedence' && t.ruleset === ruleset && t.lesion === lesion && t.classification === id);
  return Object.entries(links.firstOf[ruleset] ?? {}).flatMap(([classification, candidates]) => {
    if (!result?.classifications?.[classification] || kept(classification)) return [];
    const value = valueOf(classification);
    const chosen = value === null ? null : candidates.find((c) => valueOf(c) !== null) ?? null;
    return [{ kind: 'precedence' as const, ruleset, ...(lesion === undefined ? {} : { lesion }), classification, candidates: candidates.map((c) => ({ classification: c, value: valueOf(c) })), chosen, value, reference: '' }];
  });
}

/**
 * Whether a rule's conditions could all hold with the tests on `fact` free to (another value of it) and
 * an undecided test able to: its tree (`at`: `all/1/any/0`) rebuilt from the trace, so that a row whose
 * `any` has a false branch beside a true one still counts. A `not` is taken as able to hold.
 */
function couldHold(conditions: readonly ConditionTrace[], fact: string): boolean {
  const holds = (tests: ReadonlyArray<{ rest: string[]; test: ConditionTrace }>): boolean => {
    const leaf = tests.find((t) => t.rest.length === 0);
    if (leaf) return leaf.test.fact === fact || leaf.test.result !== false;
    const op = tests[0]?.rest[0];
    if (op === 'not' || op === undefined) return true;
    const branches = new Map<string, Array<{ rest: string[]; test: ConditionTrace }>>();
    for (const t of tests) branches.set(t.rest[1] ?? '', [...(branches.get(t.rest[1] ?? '') ?? []), { rest: t.rest.slice(2), test: t.test }]);
    const results = [...branches.values()].map(holds);
    return op === 'any' ? results.some(Boolean) : results.every(Boolean);
  };
  return holds(conditions.map((test) => ({ rest: test.at ? test.at.split('/') : [], test })));
}

/** The values a result rests on, by status, each named as a reader finds it: another rule set's with that rule set's id. */
export function restingNames(marks: readonly RestingMark[], ruleset: string): { applies: string[]; possible: string[] } {
  const name = (m: RestingMark): string => (m.ruleset === ruleset ? m.output : `${m.ruleset} ${m.output}`);
  return { applies: marks.filter((m) => m.status === 'applies').map(name), possible: marks.filter((m) => m.status === 'possible').map(name) };
}

/** " [rests on an unconfirmed source through: mechanical; noms decision]", or "may rest", or nothing. */
export function restingMark(marks: readonly RestingMark[], ruleset: string): string {
  const { applies, possible } = restingNames(marks, ruleset);
  return `${applies.length ? ` [rests on an unconfirmed source through: ${applies.join('; ')}]` : ''}${possible.length ? ` [may rest on an unconfirmed source through: ${possible.join('; ')}]` : ''}`;
}
