import type { Part, PartAlternative } from '../ruleset/parts.js';
import type { LoadedRuleSet } from '../ruleset/types.js';
import { traceConditions } from './condition-trace.js';
import type { EvaluatedNode } from './run-rules.js';
import type { ConditionTrace, RuleEffect, RuleTrace } from './types.js';
import { citationOf } from '../ruleset/citation.js';

/** The rule id in traces and test cases: `component.alternative`, `classification.row`, `recommendation.applies`. */
export function ruleName(part: Part, alternative: PartAlternative): string {
  // Asked for many times per patient; an alternative belongs to one part, so its name is built once.
  let name = names.get(alternative);
  if (name === undefined) {
    name = `${part.id}.${alternative.id}`;
    names.set(alternative, name);
  }
  return name;
}
const names = new WeakMap<PartAlternative, string>();

export interface RuleContext {
  ruleset: LoadedRuleSet;
  part: Part;
  lesion: number | undefined;
}

/** The context of a part on a lesion (or the patient), made once and reused for every patient. */
export function ruleContext(ruleset: LoadedRuleSet, part: Part, lesion: number | undefined): RuleContext {
  let byLesion = contexts.get(part);
  if (!byLesion) contexts.set(part, (byLesion = []));
  const slot = (lesion ?? -1) + 1;
  let context = byLesion[slot];
  if (!context || context.ruleset !== ruleset) byLesion[slot] = context = { ruleset, part, lesion };
  return context;
}
const contexts = new WeakMap<Part, RuleContext[]>();

/** The trace entry of one alternative: whether it fired, on which values, what it contributed, and its source. */
export function ruleTrace(
  context: RuleContext,
  alternative: PartAlternative,
  outcome: Pick<RuleTrace, 'fired' | 'conditions'> & Partial<Pick<RuleTrace, 'possible' | 'missing'>>,
): RuleTrace {
  const { head, effect, tail } = staticParts(context, alternative);
  // Built by assignment, in the entry's key order (head, outcome, tail): a spread of the head, whose
  // shape differs by kind of part, went through the engine's slowest object-copy path.
  const entry = { kind: 'rule', ruleset: head.ruleset } as RuleTrace;
  if (head.lesion !== undefined) entry.lesion = head.lesion;
  entry.rule = head.rule;
  entry.part = head.part;
  if (head.score !== undefined) entry.score = head.score;
  if (head.component !== undefined) entry.component = head.component;
  if (head.classification !== undefined) entry.classification = head.classification;
  if (head.recommendation !== undefined) entry.recommendation = head.recommendation;
  entry.alternative = head.alternative;
  if (head.value !== undefined) entry.value = head.value;
  entry.fired = outcome.fired;
  if (outcome.possible !== undefined) entry.possible = outcome.possible;
  if (outcome.missing?.length) entry.missing = outcome.missing;
  entry.conditions = outcome.conditions;
  if (outcome.fired === true) entry.effect = effect;
  if (tail.points !== undefined) entry.points = tail.points;
  entry.reference = tail.reference;
  if (tail.unconfirmed) entry.unconfirmed = tail.unconfirmed;
  if (tail.overridden) entry.overridden = tail.overridden;
  if (tail.added) entry.added = tail.added;
  return entry;
}

/**
 * The entry's fields that do not depend on the patient, every key present (undefined when the entry
 * leaves it out): every alternative's head and tail then have one shape, so reading them in ruleTrace
 * stays a fixed-offset load rather than a lookup across the shapes of many rule sets' parts.
 */
interface Head {
  ruleset: string;
  lesion: number | undefined;
  rule: string;
  part: RuleTrace['part'];
  score: string | undefined;
  component: string | undefined;
  classification: string | undefined;
  recommendation: string | undefined;
  alternative: string;
  value: RuleTrace['value'] | undefined;
}
interface Tail {
  points: number | undefined;
  reference: string;
  unconfirmed: RuleTrace['unconfirmed'] | undefined;
  overridden: RuleTrace['overridden'] | undefined;
  added: RuleTrace['added'] | undefined;
}
interface StaticParts {
  head: Head;
  effect: RuleEffect;
  tail: Tail;
}

/**
 * What an alternative's entry says whatever the patient, built once per alternative and lesion index
 * (the key order of the entry is kept: head, the outcome, tail). Entries share the effect object; the
 * trace is output, never changed after it is built.
 */
function staticParts(context: RuleContext, alternative: PartAlternative): StaticParts {
  let byLesion = staticCache.get(alternative);
  if (!byLesion) staticCache.set(alternative, (byLesion = []));
  const slot = (context.lesion ?? -1) + 1;
  const cached = byLesion[slot];
  if (cached) return cached;
  const { ruleset, part } = context;
  const reference = alternative.reference ?? part.reference;
  const parts: StaticParts = {
    head: {
      ruleset: ruleset.document.id,
      lesion: context.lesion,
      rule: ruleName(part, alternative),
      part: part.kind,
      score: part.kind === 'component' ? part.group : undefined,
      component: part.kind === 'component' ? part.id : undefined,
      classification: part.kind === 'classification' ? part.id : undefined,
      recommendation: part.kind === 'recommendation' ? part.id : undefined,
      alternative: alternative.id,
      value: part.kind === 'classification' ? alternative.value : undefined,
    },
    effect: effectOf(part, alternative),
    tail: {
      points: alternative.points,
      reference: citationOf(ruleset.document, reference),
      unconfirmed: alternative.unconfirmed,
      overridden: alternative.overridden,
      added: alternative.added,
    },
  };
  byLesion[slot] = parts;
  return parts;
}
const staticCache = new WeakMap<PartAlternative, StaticParts[]>();

function effectOf(part: Part, alternative: PartAlternative): RuleEffect {
  if (part.kind === 'component') return { component: part.id, alternative: alternative.id, points: alternative.points ?? 0 };
  if (part.kind === 'classification') return { classification: part.id, alternative: alternative.id, value: alternative.value };
  return { recommendation: part.id, applies: alternative.value === 'applies' };
}

/** Positions in the trace refer to the rule as written: a lone fact test was wrapped in `all` only to run it. */
export function conditionsOf(alternative: PartAlternative, node: EvaluatedNode | undefined, missing?: ReadonlySet<string>): ConditionTrace[] {
  if (!node) return [];
  const isLeaf = !('all' in alternative.when || 'any' in alternative.when || 'not' in alternative.when);
  const root = isLeaf && node.all?.[0] ? node.all[0] : node;
  return traceConditions(root, missing);
}
