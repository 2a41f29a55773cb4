import type { PathSegment } from '../source/source-document.js';
import { factsOf } from './conditions.js';
import { placedScores } from './score-paths.js';
import type { Condition, ProfileMark, ProfileMarks, RuleSetDocument } from './types.js';

/**
 * Score components, classifications and recommendations are all "parts": a list of alternatives of
 * which exactly one holds. One mechanism evaluates, explores (missing data) and checks them all.
 */
export type PartKind = 'component' | 'classification' | 'recommendation';

export interface PartAlternative extends ProfileMarks {
  id: string;
  label: string;
  when: Condition;
  /** What the part is worth when this alternative holds: the points of a component, the value of a row. */
  points?: number;
  value: string;
  text?: string;
  reference?: string;
  note?: string;
  unconfirmed?: string;
  strength?: string;
}

export interface Part {
  kind: PartKind;
  id: string;
  label: string;
  reference: string;
  /** The score a component belongs to; the part's own id otherwise. */
  group: string;
  alternatives: PartAlternative[];
  /** Where the part sits in the rule file. */
  path: PathSegment[];
  /** Every fact its conditions test, computed once at load. */
  facts: string[];
  /** A precedence classification: the first of these classifications that is decided gives the value. */
  firstOf?: string[];
  /** A recommendation: those of required rule sets it says more narrowly (`ruleset.id`). */
  restates?: string[];
}

export const APPLIES = 'applies';
export const NOT_APPLICABLE = 'not_applicable';

export function componentParts(doc: RuleSetDocument): Part[] {
  return placedScores(doc).flatMap(({ score, path }) =>
    score.components.map((c, i): Part => withFacts({
      kind: 'component',
      id: c.id,
      label: c.label,
      reference: c.reference,
      group: score.id,
      path: [...path, 'components', i],
      // The rules of a component a profile added carry the component's mark.
      alternatives: c.alternatives.filter(enabled).map((a) => partAlternative(a, a.id, a.id, a.added ?? c.added)),
    })),
  );
}

export function classificationParts(doc: RuleSetDocument): Part[] {
  const parts: Part[] = [];
  (doc.classifications ?? []).forEach((c, i) => {
    const base = { kind: 'classification' as const, id: c.id, label: c.label, reference: c.reference, group: c.id, path: ['classifications', i] };
    if (!c.firstOf) {
      parts.push(withFacts({ ...base, alternatives: (c.alternatives ?? []).filter(enabled).map((a) => partAlternative(a, a.id, a.value ?? a.id, a.added)) }));
      return;
    }
    // Its values are those of the classifications it takes precedence over; it has no rows of its own.
    // A candidate that is no name (the schema's problem) leaves them untold: none, rather than some.
    const readable = c.firstOf.every((id) => typeof id === 'string');
    const values = readable ? [...new Set(c.firstOf.flatMap((id) => parts.find((p) => p.id === id)?.alternatives.map((a) => a.value) ?? []))] : [];
    const alternatives = values.map((value) => partAlternative({ label: value, when: { any: c.firstOf?.map((id) => ({ fact: id, operator: 'equal', value })) ?? [] } }, value, value, undefined));
    parts.push({ ...base, alternatives, facts: [...c.firstOf], firstOf: c.firstOf });
  });
  return parts;
}

/** A recommendation applies when its condition holds; its complement makes "exactly one" hold by construction. */
export function recommendationParts(doc: RuleSetDocument): Part[] {
  return (doc.recommendations ?? []).flatMap((r, i) => (r.disabled ? [] : [withFacts({
    kind: 'recommendation',
    id: r.id,
    label: r.label,
    reference: r.reference,
    group: r.id,
    path: ['recommendations', i],
    ...(r.restates ? { restates: r.restates } : {}),
    alternatives: [
      partAlternative(r, APPLIES, APPLIES, r.added),
      partAlternative({ label: `not: ${r.label}`, when: { not: r.when }, reference: r.reference, overridden: r.overridden }, NOT_APPLICABLE, NOT_APPLICABLE, r.added),
    ],
  })]));
}

/** A rule a profile disabled is not evaluated at all (the profile's mark in the document records it). */
const enabled = (alternative: ProfileMarks): boolean => !alternative.disabled;

/** The rules a profile disabled, named as the trace names rules (a recommendation: both of its own), with the profile's mark. */
export function disabledRules(doc: RuleSetDocument): Array<{ names: string[]; mark: ProfileMark }> {
  const found: Array<{ names: string[]; mark: ProfileMark }> = [];
  for (const { score } of placedScores(doc)) for (const c of score.components) for (const a of c.alternatives) if (a.disabled) found.push({ names: [`${c.id}.${a.id}`], mark: a.disabled });
  for (const c of doc.classifications ?? []) for (const a of c.alternatives ?? []) if (a.disabled) found.push({ names: [`${c.id}.${a.id}`], mark: a.disabled });
  for (const r of doc.recommendations ?? []) if (r.disabled) found.push({ names: [`${r.id}.${APPLIES}`, `${r.id}.${NOT_APPLICABLE}`], mark: r.disabled });
  return found;
}

/** What a rule file's alternative, row or recommendation gives its part's alternative. */
type AlternativeSource = Pick<PartAlternative, 'label' | 'when' | 'points' | 'text' | 'reference' | 'note' | 'unconfirmed' | 'strength' | 'overridden'>;

/**
 * A part's alternative with every key of PartAlternative in one order, undefined where the rule file
 * has none: the engine reads alternatives for every part of every patient, and objects of one shape
 * keep those reads fixed-offset loads (spreads of the rule file's objects had a shape for every
 * combination of keys). Only PartAlternative's keys are kept; nothing reads any other.
 */
function partAlternative(a: AlternativeSource, id: string, value: string, added: ProfileMarks['added']): PartAlternative {
  return { id, label: a.label, when: a.when, points: a.points, value, text: a.text, reference: a.reference, note: a.note, unconfirmed: a.unconfirmed, strength: a.strength, overridden: a.overridden, added };
}

export function allParts(doc: RuleSetDocument): Part[] {
  return [...componentParts(doc), ...classificationParts(doc), ...recommendationParts(doc)];
}

function withFacts(part: Omit<Part, 'facts'>): Part {
  return { ...part, facts: [...new Set(part.alternatives.flatMap((a) => [...factsOf(a.when)]))] };
}
