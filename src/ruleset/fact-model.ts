import { patientField } from '../patient/patient-fields.js';
import { isStringList } from '../source/plain-object.js';
import { forEachLeaf } from './conditions.js';
import { allParts, classificationParts } from './parts.js';
import { placedScores } from './score-paths.js';
import { isNumericKey } from './threshold-cuts.js';
import type { InputSpec, RuleSetDocument, Scalar, ScoreSpec } from './types.js';

/**
 * What a rule set knows about each fact its conditions may test: where the value comes from and which
 * values are worth trying. The same model drives the static coverage check (is every alternative
 * reachable?) and the runtime treatment of missing data (which alternatives remain possible?).
 */
export type FactKind = 'input' | 'derived' | 'subscore' | 'classification';

export interface FactInfo {
  name: string;
  kind: FactKind;
  /** 'enum' facts compare to a closed list; 'number' facts to thresholds. */
  valueType: 'enum' | 'boolean' | 'integer' | 'number';
  /** Values that represent every distinct behaviour of this rule set's conditions on the fact. */
  representatives: Scalar[];
  /** For enum facts, every allowed value. */
  allowed?: readonly string[];
}

export function buildFactModel(doc: RuleSetDocument): Map<string, FactInfo> {
  const thresholds = collectThresholds(doc);
  const facts = new Map<string, FactInfo>();
  for (const [name, input] of Object.entries(doc.inputs)) {
    if (input.type === 'boolean') facts.set(name, { name, kind: 'input', valueType: 'boolean', representatives: [true, false] });
    else if (input.type === 'string') {
      // An enum the schema rejected (`enum: 7`) allows nothing for sure: no condition is held to a guess of it.
      const allowed = isStringList(input.enum) ? input.enum : [];
      facts.set(name, { name, kind: 'input', valueType: 'enum', representatives: [...allowed], allowed });
    } else {
      // A field the patient contract allows only in steps is represented by values it allows (Karnofsky 70 and 80, not 79).
      const values = numericRepresentatives([...(thresholds.get(name) ?? []), ...tableKeys(doc, name)], input.type === 'integer', input.minimum, input.maximum, contractStep(doc, name, input));
      facts.set(name, { name, kind: 'input', valueType: input.type, representatives: values });
    }
  }
  for (const [name, derived] of Object.entries(doc.derived ?? {})) {
    const allowed = doc.tables?.[derived.lookup]?.values ?? [];
    facts.set(name, { name, kind: 'derived', valueType: 'enum', representatives: [...allowed], allowed });
  }
  // Every score's total is a fact for what comes after it: subscores for later scores, the score for classifications.
  for (const { score } of placedScores(doc)) {
    facts.set(score.id, { name: score.id, kind: 'subscore', valueType: 'integer', representatives: achievableTotals(score) });
  }
  for (const part of classificationParts(doc)) {
    const allowed = [...new Set(part.alternatives.map((a) => a.value))];
    facts.set(part.id, { name: part.id, kind: 'classification', valueType: 'enum', representatives: allowed, allowed });
  }
  return facts;
}

/** The step a number input's field comes in, where the patient contract allows it only in steps (Karnofsky: 10). */
export function contractStep(doc: RuleSetDocument, name: string, input: InputSpec): number | undefined {
  return input.upstream || input.from === 'lesions' ? undefined : patientField(input.from ?? doc.scope, input.field ?? name)?.multipleOf;
}

/** A number a condition compares a fact with, and the operator it uses. */
export interface Threshold {
  value: number;
  operator: string;
}

/**
 * Between two thresholds every numeric comparison gives the same answer, so a few values stand for the
 * whole range: for `<` / `>=` a value just below the threshold and the threshold itself, for `<=` / `>`
 * the threshold and a value just above it, for equality tests all three. Values are kept within the
 * declared bounds (a value pushed past a bound is replaced by the bound).
 */
export function numericRepresentatives(thresholds: readonly Threshold[], integer: boolean, minimum?: number, maximum?: number, step?: number): number[] {
  const values = new Set<number>();
  const clamp = (v: number): number => Math.min(maximum ?? Infinity, Math.max(minimum ?? -Infinity, v));
  for (const { value: t, operator } of thresholds) {
    const step = integer ? 1 : Math.max(1e-6, Math.abs(t) * 1e-9);
    const below = operator === 'lessThan' || operator === 'greaterThanInclusive';
    const above = operator === 'lessThanInclusive' || operator === 'greaterThan';
    // 15 significant digits drop the binary noise (10.299999, not 10.299999000000001) a message or
    // trace would show, far below the step, so the value stays on its side of the threshold.
    if (!above) values.add(clamp(tidy(t - step)));
    values.add(clamp(t));
    if (!below) values.add(clamp(tidy(t + step)));
  }
  if (values.size === 0) values.add(minimum ?? 0);
  // In steps: each value's nearest allowed neighbours, which lie on the same sides of the thresholds.
  const stepped = step ? [...values].flatMap((v) => [Math.floor(v / step) * step, Math.ceil(v / step) * step]).map(clamp) : [...values];
  return [...new Set(stepped)].filter((v) => !integer || Number.isInteger(v)).sort((a, b) => a - b);
}

const tidy = (value: number): number => Number(value.toPrecision(15));

/** Every total a score can reach, after its floor and ceiling. */
export function achievableTotals(score: ScoreSpec): number[] {
  return possibleTotals(score.components.map((c) => c.alternatives.map((a) => a.points)), score.total);
}

export function possibleTotals(pointSets: number[][], total?: { floor?: number; ceiling?: number }): number[] {
  const clamp = (v: number): number => Math.min(total?.ceiling ?? Infinity, Math.max(total?.floor ?? -Infinity, v));
  // Every component decided (the usual case): one sum.
  if (pointSets.every((points) => points.length === 1)) return [clamp(pointSets.reduce((sum, points) => sum + (points[0] as number), 0))];
  let sums = new Set<number>([0]);
  for (const points of pointSets) {
    const next = new Set<number>();
    for (const s of sums) for (const p of points) next.add(s + p);
    sums = next;
  }
  return [...new Set([...sums].map(clamp))].sort((a, b) => a - b);
}

/**
 * The keys of the tables an input is looked up in, when they are numbers: a table divides the input's
 * values at its rows (ECOG 2 fair, 3 poor) as a test does at its value, so each row and a value either
 * side are tried too, or a value only the table tells apart would never be (every status possible but
 * the one at ECOG 0 and 1). Read defensively: the name checks build the model of a document the schema
 * rejected too.
 */
function tableKeys(doc: RuleSetDocument, input: string): Threshold[] {
  return Object.values(doc.derived ?? {})
    .filter((derived) => derived?.key === input)
    .flatMap((derived) => Object.keys(doc.tables?.[derived.lookup]?.rows ?? {}))
    .filter(isNumericKey)
    .map((key) => ({ value: Number(key), operator: 'equal' }));
}

function collectThresholds(doc: RuleSetDocument): Map<string, Threshold[]> {
  const thresholds = new Map<string, Threshold[]>();
  for (const part of allParts(doc))
    for (const alternative of part.alternatives)
      forEachLeaf(alternative.when, (leaf) => {
        const values = Array.isArray(leaf.value) ? leaf.value : [leaf.value];
        for (const v of values) {
          if (typeof v === 'number') thresholds.set(leaf.fact, [...(thresholds.get(leaf.fact) ?? []), { value: v, operator: leaf.operator }]);
        }
      });
  return thresholds;
}
