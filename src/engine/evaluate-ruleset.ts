import { APPLIES, type Part } from '../ruleset/parts.js';
import type { LoadedRuleSet } from '../ruleset/types.js';
import { deriveFacts } from './derive.js';
import { evaluateParts, type EngineOptions } from './evaluate-parts.js';
import { valuesOf, type PartEvaluation } from './part-outcome.js';
import type { FactState } from './fact-state.js';
import { lesionField } from './lesion-field.js';
import { gapFor, toDecide, type LookupGap } from './lookup-gaps.js';
import { evaluatePrecedence } from './precedence.js';
import { readInputs, type ScopeInstance } from './read-inputs.js';
import { evaluateTotal } from './total.js';
import { keepsEntry } from './trace-level.js';
import type { ClassificationResult, ComponentResult, EvaluationWarning, MissingInput, RecommendationResult, RuleSetResult, ScoreResult, TraceEntry } from './types.js';
import type { Exports } from './upstream.js';
import type { Steps } from './steps.js';
import { citationOf } from '../ruleset/citation.js';

export interface RuleSetEvaluation {
  result: RuleSetResult;
  /** The outputs other rule sets may read, as facts (missing ones with their possible values). */
  exports: Exports;
  trace: TraceEntry[];
  missing: MissingInput[];
  warnings: EvaluationWarning[];
}

/**
 * One rule set on one patient (or one lesion): inputs → lookups → each subscore, the score →
 * classifications in order → recommendations. Each total and classification becomes a fact for what
 * follows — missing, with its possible values as the domain, when it could not be decided.
 */
export function* evaluateRuleSet(ruleset: LoadedRuleSet, instance: ScopeInstance, options: EngineOptions = {}): Steps<RuleSetEvaluation> {
  const { document } = ruleset;
  const lesion = instance.lesionIndex;
  const level = options.trace ?? 'full';
  const { facts, trace: inputTrace } = readInputs(ruleset, instance, level);
  const { gaps } = instance.upstream;
  const derived = deriveFacts(ruleset, facts, lesion, level === 'full', gaps);
  const trace: TraceEntry[] = [...inputTrace, ...derived.trace];
  const warnings: EvaluationWarning[] = document.unconfirmed
    ? [{ code: 'UNCONFIRMED_FRAMEWORK', ruleset: document.id, ...lesionField(lesion), message: document.unconfirmed }, ...derived.warnings]
    : derived.warnings;

  const parts = partsByKind(ruleset);
  const exports: Exports = new Map();
  // Arrays, not sets: an input affects one to a few parts, and this runs for every open part of every patient.
  const missingByInput = new Map<string, string[]>();
  // `qualified`: a subscore's components, named score.component in the missing-input notes.
  const collect = (evaluations: PartEvaluation[], qualified: boolean): string[] => {
    const missing: string[] = [];
    for (const e of evaluations) {
      for (const rule of e.rules) trace.push(rule);
      for (const warning of e.warnings) warnings.push(warning);
      if (e.status !== 'undetermined') continue;
      for (const input of e.missing) {
        if (!missing.includes(input)) missing.push(input);
        const affected = qualified ? qualifiedId(e.part) : e.part.id;
        const parts = missingByInput.get(input);
        if (!parts) missingByInput.set(input, [affected]);
        else if (!parts.includes(affected)) parts.push(affected);
      }
    }
    return missing;
  };

  const subscores: Record<string, Omit<ScoreResult, 'subscores'>> = {};
  let primary: ScoreResult | undefined;
  for (const score of ruleset.scores) {
    const evaluated = yield* evaluateParts(ruleset, parts.components.get(score.id) ?? [], facts, lesion, options);
    const isPrimary = score.id === document.id;
    const missing = collect(evaluated.parts, !isPrimary);
    const total = evaluateTotal(ruleset, score, evaluated, lesion, level !== 'none');
    trace.push(...total.trace);
    warnings.push(...total.warnings);
    // The total's result object is this evaluation's own: completed in place rather than copied.
    const result: ScoreResult = Object.assign(total.result, { missing });
    const state: FactState = total.possible.length === 1 && total.possible[0] !== undefined ? { present: true, value: total.possible[0] } : { present: false, because: missing, domain: total.possible };
    facts.set(score.id, state);
    if (isPrimary) {
      primary = result;
      exportScore(exports, result, state);
    } else {
      subscores[score.id] = result;
      exports.set(`subscores.${score.id}.score`, state);
    }
  }

  const classifications: Record<string, ClassificationResult> = {};
  for (const part of parts.classifications) {
    let evaluation: PartEvaluation | undefined;
    if (part.firstOf) {
      const precedence = evaluatePrecedence(ruleset, part, facts, lesion);
      trace.push(precedence.trace);
      evaluation = precedence.evaluation;
    } else {
      [evaluation] = (yield* evaluateParts(ruleset, [part], facts, lesion, options)).parts;
    }
    if (!evaluation) continue;
    collect([evaluation], false);
    classifications[part.id] = classificationResult(evaluation, gaps, lesion);
    const state: FactState = evaluation.value !== null ? { present: true, value: evaluation.value } : { present: false, because: evaluation.missing, domain: valuesOf(evaluation.possible) };
    facts.set(part.id, state);
    exports.set(part.id, state);
  }

  const recommendations = (yield* evaluateParts(ruleset, parts.recommendations, facts, lesion, options)).parts;
  collect(recommendations, false);

  // By assignment, in the order the keys have always had: label, the score's keys (missing among them), subscores.
  const label = document.score?.label ?? document.title;
  // (`missing` comes from the score, after its components, as it always has.)
  const result: RuleSetResult = primary ? Object.assign({ label } as RuleSetResult, primary) : { label, missing: [] };
  if (primary && Object.keys(subscores).length) result.subscores = subscores;
  for (const id in classifications) result[id] = (classifications[id] as ClassificationResult).value;
  if (document.classifications) result.classifications = classifications;
  if (document.recommendations) {
    result.recommendations = [];
    for (const r of recommendations) {
      const recommendation = recommendationResult(ruleset, r);
      if (recommendation) result.recommendations.push(recommendation);
    }
    const restated = restatedBy(ruleset);
    if (restated.length) result.restates = restated;
  }
  const missingInputs = new Set<string>();
  for (const id in subscores) for (const input of (subscores[id] as ScoreResult).missing) missingInputs.add(input);
  for (const input of primary?.missing ?? []) missingInputs.add(input);
  for (const input of missingByInput.keys()) missingInputs.add(input);
  result.missing = [...missingInputs];

  const missing: MissingInput[] = [];
  for (const [input, affects] of missingByInput) {
    const note = { ruleset: document.id } as MissingInput;
    if (lesion !== undefined) note.lesion = lesion;
    note.input = input;
    note.affects = affects;
    const gap = gapFor(gaps, input, lesion);
    if (gap) note.lookup = { ruleset: gap.ruleset, table: gap.table, key: gap.key, value: gap.value, ...(gap.possible ? { possible: gap.possible } : {}) };
    missing.push(note);
  }
  return { result, exports, trace: level === 'full' ? trace : trace.filter((entry) => keepsEntry(level, entry)), missing, warnings };
}

/**
 * The recommendations of other rule sets that this one's restate, whether or not these apply to the
 * patient: the summary gives this rule set's word on that advice. Worked out once per rule set.
 */
function restatedBy(ruleset: LoadedRuleSet): readonly string[] {
  let restated = restatedByRuleSet.get(ruleset);
  if (!restated) restatedByRuleSet.set(ruleset, (restated = [...new Set((ruleset.document.recommendations ?? []).flatMap((r) => (r.disabled ? [] : (r.restates ?? []))))]));
  return restated;
}
const restatedByRuleSet = new WeakMap<LoadedRuleSet, readonly string[]>();

/** A subscore's component as the missing-input notes name it, `score.component`; built once per part. */
function qualifiedId(part: Part): string {
  let id = qualifiedIds.get(part);
  if (id === undefined) qualifiedIds.set(part, (id = `${part.group}.${part.id}`));
  return id;
}
const qualifiedIds = new WeakMap<Part, string>();

/** A rule set's parts by kind (components by score), selected once per rule set rather than once per patient. */
interface PartsByKind {
  components: Map<string, Part[]>;
  classifications: Part[];
  recommendations: Part[];
}

function partsByKind(ruleset: LoadedRuleSet): PartsByKind {
  let byKind = partsByRuleSet.get(ruleset);
  if (!byKind) {
    const components = new Map(ruleset.scores.map((score) => [score.id, ruleset.parts.filter((p) => p.kind === 'component' && p.group === score.id)]));
    byKind = { components, classifications: ruleset.parts.filter((p) => p.kind === 'classification'), recommendations: ruleset.parts.filter((p) => p.kind === 'recommendation') };
    partsByRuleSet.set(ruleset, byKind);
  }
  return byKind;
}
const partsByRuleSet = new WeakMap<LoadedRuleSet, PartsByKind>();

function exportScore(exports: Exports, result: ScoreResult, state: FactState): void {
  exports.set('score', state);
  exports.set('category', result.category !== null ? { present: true, value: result.category } : { present: false, because: result.missing, domain: result.possibleCategories ?? [] });
  for (const id in result.components) {
    const c = result.components[id] as ComponentResult;
    exports.set(componentOutput(id), c.points !== null ? { present: true, value: c.points } : { present: false, because: c.missing ?? [], domain: range(c.range) });
  }
}

/** `components.<id>`, the output name of a component; made once per id, not per patient. */
function componentOutput(id: string): string {
  let name = componentOutputs.get(id);
  if (name === undefined) componentOutputs.set(id, (name = `components.${id}`));
  return name;
}
const componentOutputs = new Map<string, string>();

function range([low, high]: [number, number]): number[] {
  return Array.from({ length: high - low + 1 }, (_, i) => low + i);
}

/** `gaps`: the lookups this patient's tables had no row for, which the reason names as the team's to decide. */
function classificationResult(e: PartEvaluation, gaps: readonly LookupGap[], lesion: number | undefined): ClassificationResult {
  const { part, chosen } = e;
  // Literals and assignments in a fixed key order, not spreads: this runs for every classification.
  const result: ClassificationResult = { label: part.label, status: e.status, value: e.value, alternative: chosen?.id ?? null };
  if (e.value !== null) {
    if (chosen) result.alternativeLabel = chosen.label;
    else result.possibleAlternatives = e.possible.map((a) => a.id);
    // Rows that agree on the value may give different reasons ("3 months or less", "performance status"):
    // a reason is given only when it is the one every row that may hold gives.
    const text = chosen ? chosen.text : e.possible.every((a) => a.text === e.possible[0]?.text) ? e.possible[0]?.text : undefined;
    if (text) result.text = text;
    if (e.missing.length) result.missing = e.missing;
    return result;
  }
  const values = valuesOf(e.possible);
  result.possible = values;
  result.possibleAlternatives = e.possible.map((a) => a.id);
  if (e.missing.length) result.missing = e.missing;
  result.reason = e.status === 'undetermined'
    ? `depends on ${e.missing.join(', ')}: could be ${values.join(' or ')}; ${toDecide(e.missing, gaps, lesion)}`
    : e.possible.length === 0 ? 'no row of the table matched' : `several rows matched (${e.possible.map((a) => a.id).join(', ')})`;
  return result;
}

function recommendationResult(ruleset: LoadedRuleSet, e: PartEvaluation): RecommendationResult | undefined {
  const applies = e.part.alternatives.find((a) => a.value === APPLIES);
  if (!applies) return undefined;
  const status = e.value === APPLIES ? 'applies' : e.value === null && e.possible.includes(applies) ? 'possible' : undefined;
  if (!status) return undefined;
  const reference = applies.reference ?? e.part.reference;
  const citation = citationOf(ruleset.document, reference);
  const result: RecommendationResult = applies.strength
    ? { id: e.part.id, label: e.part.label, reference: citation, strength: applies.strength, status }
    : { id: e.part.id, label: e.part.label, reference: citation, status };
  if (e.part.restates) result.restates = e.part.restates;
  if (status === 'possible') result.missing = e.missing;
  return result;
}
