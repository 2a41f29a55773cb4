import { isCompilable } from '../engine/compiled-rules.js';
import { isKnownOperator } from '../engine/run-rules.js';
import type { PathSegment } from '../source/source-document.js';
import { edgeMoved } from './check-band-wording.js';
import { hintFrom, type CheckContext } from './check-context.js';
import { forEachLeaf } from './conditions.js';
import { achievableTotals, type FactInfo } from './fact-model.js';
import { classificationParts, componentParts, recommendationParts, type Part } from './parts.js';
import { placedScores } from './score-paths.js';
import type { Band, LeafCondition, ScoreSpec } from './types.js';

const NUMERIC_OPERATORS = new Set(['lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive']);
const LIST_OPERATORS = new Set(['in', 'notIn']);
const PLAIN_OPERATORS = ['equal', 'notEqual', 'in', 'notIn', 'lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive'];

/**
 * How authors write the comparisons under other names. The closest spelling of greaterThanOrEqual is
 * greaterThan, a suggestion that would silently move a threshold by one value; these are matched first.
 */
const OPERATOR_SPELLINGS = new Map([
  ...['greaterthanorequal', 'greaterthanorequalto', 'greaterthanequal', 'greaterorequal', 'gte', 'ge', '>='].map((w) => [w, 'greaterThanInclusive'] as const),
  ...['lessthanorequal', 'lessthanorequalto', 'lessthanequal', 'lessorequal', 'lte', 'le', '<='].map((w) => [w, 'lessThanInclusive'] as const),
  ...['equals', 'eq', '==', '===', '='].map((w) => [w, 'equal'] as const),
  ...['notequals', 'ne', 'neq', '!=', '!=='].map((w) => [w, 'notEqual'] as const),
  ...['gt', '>'].map((w) => [w, 'greaterThan'] as const),
  ...['lt', '<'].map((w) => [w, 'lessThan'] as const),
]);

function operatorHint(operator: string): string {
  const known = OPERATOR_SPELLINGS.get(operator.toLowerCase().replace(/[\s_-]/g, ''));
  return known ? `; did you mean "${known}"?` : hintFrom(operator, PLAIN_OPERATORS);
}
/** Keys of a rule set's result; a classification's value stands beside them under its own id. */
const RESULT_KEYS = new Set(['label', 'score', 'range', 'category', 'categoryLabel', 'possibleCategories', 'components', 'subscores', 'missing', 'classifications', 'recommendations']);

/**
 * Components, classifications and recommendations: unique ids, references that resolve, conditions on
 * facts that exist at that point (a score's total after the score, a classification after itself),
 * with known operators and values in the facts' domains; bands that tile the achievable totals.
 */
export function checkParts(ctx: CheckContext, facts: ReadonlyMap<string, FactInfo>): void {
  const { doc, at } = ctx;
  const available = new Set([...Object.keys(doc.inputs), ...Object.keys(doc.derived ?? {})]);
  const known: KnownFacts = { names: available, unreadable: false };
  // A score or classification whose id is no string (the schema's problem) is a fact all the same.
  const declare = (id: unknown): void => {
    if (typeof id === 'string') available.add(id);
    else known.unreadable = true;
  };
  const partIds = new Set<string>();
  const classifications = classificationParts(doc);
  const checkPart = (part: Part): void => ctx.guard(() => {
    if (partIds.has(part.id)) at([...part.path, 'id'], 'DUPLICATE_ID', `"${part.id}" is the id of another component, classification or recommendation`);
    partIds.add(part.id);
    ctx.reference(part.reference, [...part.path, 'reference']);
    if (part.firstOf) {
      const earlier = new Set(classifications.slice(0, classifications.findIndex((p) => p.id === part.id)).map((p) => p.id));
      part.firstOf.forEach((id, i) => {
        if (!earlier.has(id)) at([...part.path, 'firstOf', i], 'UNKNOWN_FACT', `"${id}" is not a classification above this one${hintFrom(id, [...earlier])}`);
      });
      return;
    }
    const rowIds = new Set<string>();
    // A recommendation's second alternative is its generated complement, not written in the file.
    const written = part.kind === 'recommendation' ? part.alternatives.slice(0, 1) : part.alternatives;
    written.forEach((alternative, i) => {
      const path = part.kind === 'recommendation' ? part.path : [...part.path, 'alternatives', i];
      if (rowIds.has(alternative.id)) at([...path, 'id'], 'DUPLICATE_ID', `"${alternative.id}" is used twice in ${part.id}`);
      rowIds.add(alternative.id);
      if (part.kind !== 'recommendation') ctx.reference(alternative.reference, [...path, 'reference']);
      forEachLeaf(alternative.when, (leaf, leafPath) => checkLeaf(ctx, leaf, [...path, 'when', ...leafPath], known, facts));
    });
  });

  const components = componentParts(doc);
  for (const { score, path } of placedScores(doc)) {
    if (available.has(score.id)) at(path[0] === 'subscores' ? [...path, 'id'] : ['id'], 'DUPLICATE_ID', `"${score.id}" is already the name of a fact`);
    ctx.reference(score.total?.reference, [...path, 'total', 'reference']);
    // By place, not by id: two subscores with one id would each check the other's components too.
    components.filter((p) => path.every((segment, i) => p.path[i] === segment)).forEach(checkPart);
    ctx.guard(() => checkBands(ctx, score, path));
    declare(score.id);
  }
  for (const part of classifications) {
    if (available.has(part.id)) at([...part.path, 'id'], 'DUPLICATE_ID', `"${part.id}" is already the name of a fact`);
    if (RESULT_KEYS.has(part.id)) at([...part.path, 'id'], 'DUPLICATE_ID', `"${part.id}" is reserved in results`);
    checkPart(part);
    declare(part.id);
  }
  recommendationParts(doc).forEach(checkPart);
}

/** The facts a test may read at its place, and whether one of them has an id the schema rejected. */
interface KnownFacts {
  names: ReadonlySet<string>;
  unreadable: boolean;
}

function checkLeaf(ctx: CheckContext, leaf: LeafCondition, path: PathSegment[], known: KnownFacts, facts: ReadonlyMap<string, FactInfo>): void {
  const { at } = ctx;
  const available = known.names;
  // A fact or operator that is no string is the schema's problem alone.
  if (typeof leaf.fact !== 'string' || typeof leaf.operator !== 'string') return;
  if (!available.has(leaf.fact)) {
    // It may be the score or classification whose id the schema rejected: which one cannot be told.
    if (known.unreadable) return;
    // Without a close name, the facts a rule here can test: inputs, lookups, scores (by their id) and the parts above it.
    const hint = hintFrom(leaf.fact, [...available]) || `; the facts here are ${[...available].sort().join(', ')}`;
    at([...path, 'fact'], 'UNKNOWN_FACT', `unknown fact "${leaf.fact}"${hint}`);
    return;
  }
  if (!isKnownOperator(leaf.operator)) {
    at([...path, 'operator'], 'UNKNOWN_OPERATOR', `unknown operator "${leaf.operator}"${operatorHint(leaf.operator)}`);
    return;
  }
  if (!isCompilable(leaf)) {
    const what = leaf.path !== undefined ? `a fact path ("${leaf.path}")` : `the operator "${leaf.operator}"`;
    ctx.warn(leaf.path !== undefined ? [...path, 'path'] : [...path, 'operator'], 'EVALUATOR_FALLBACK', `${what} is not implemented by the compiled evaluator: rules using it run on json-rules-engine, with the same results but many times slower`);
  }
  const info = facts.get(leaf.fact);
  if (!info || leaf.path !== undefined) return;
  const values = Array.isArray(leaf.value) ? leaf.value : [leaf.value];
  if (LIST_OPERATORS.has(leaf.operator) && !Array.isArray(leaf.value)) at([...path, 'value'], 'VALUE_NOT_IN_DOMAIN', `${leaf.operator} compares with a list of values`);
  if (!LIST_OPERATORS.has(leaf.operator) && Array.isArray(leaf.value)) at([...path, 'value'], 'VALUE_NOT_IN_DOMAIN', `${leaf.operator} compares with a single value, not a list`);
  const numeric = info.valueType === 'integer' || info.valueType === 'number';
  if (NUMERIC_OPERATORS.has(leaf.operator) && !numeric) {
    at([...path, 'operator'], 'VALUE_NOT_IN_DOMAIN', `${leaf.operator} needs a numeric fact; "${leaf.fact}" is ${info.valueType}`);
    return;
  }
  values.forEach((value, i) => {
    const valuePath = Array.isArray(leaf.value) ? [...path, 'value', i] : [...path, 'value'];
    // A value that is no string, number or boolean (typeof null is "object" too), or none at all (a
    // misspelt `value:` key), is the schema's problem, reported there.
    if (typeof value === 'object' || value === undefined) return;
    // No allowed values: the fact's source is broken (a derived fact's table that does not exist, a
    // classification whose rows the schema rejected), reported there; every value would be "not allowed".
    if (info.valueType === 'enum' && !info.allowed?.length) return;
    if (info.valueType === 'enum' && !info.allowed?.includes(String(value))) {
      at(valuePath, 'VALUE_NOT_IN_DOMAIN', `${JSON.stringify(value)} is not a value of ${leaf.fact}${hintFrom(String(value), info.allowed ?? [], leaf.fact)}; allowed: ${(info.allowed ?? []).join(', ')}`);
    } else if (info.valueType === 'boolean' && typeof value !== 'boolean') {
      at(valuePath, 'VALUE_NOT_IN_DOMAIN', `${leaf.fact} is true or false, not ${JSON.stringify(value)}`);
    } else if (numeric && typeof value !== 'number') {
      at(valuePath, 'VALUE_NOT_IN_DOMAIN', `${leaf.fact} is a number; ${JSON.stringify(value)} is not`);
    }
  });
}

function checkBands(ctx: CheckContext, score: ScoreSpec, path: PathSegment[]): void {
  const { at } = ctx;
  if (score.total?.floor !== undefined && score.total.ceiling !== undefined && score.total.floor > score.total.ceiling) {
    at([...path, 'total'], 'BAND_OUT_OF_RANGE', `floor ${score.total.floor} is above ceiling ${score.total.ceiling}`);
  }
  if (!score.bands) return;
  const order = score.bands.map((band, i) => ({ band, i })).sort((a, b) => a.band.min - b.band.min);
  const categories = new Set<string>();
  order.forEach(({ band, i }, k) => {
    const bPath = [...path, 'bands', i];
    ctx.reference(band.reference, [...bPath, 'reference']);
    if (categories.has(band.category)) at([...bPath, 'category'], 'DUPLICATE_ID', `category "${band.category}" is used twice`);
    categories.add(band.category);
    if (band.min > band.max) at(bPath, 'BAND_OUT_OF_RANGE', `band ${band.category} has min ${band.min} above max ${band.max}`);
    const before = order[k - 1];
    const previous = before?.band;
    // The gap or overlap is as much the previous band's end: a profile that moved that end is where to act.
    // Placed there first when only that end moved: a change restating this band's start did not cause it.
    const start = [...bPath, 'min'];
    const previousEnd = before && [...path, 'bands', before.i, 'max'];
    const [place, also] = previousEnd && previous && edgeMoved(previous, 'max') && !edgeMoved(band, 'min') ? [previousEnd, start] : [start, previousEnd];
    if (previous && band.min > previous.max + 1) at(place, 'BAND_GAP', `no band covers ${span(previous.max + 1, band.min - 1)} (between ${previous.category} and ${band.category})`, false, also);
    if (previous && band.min <= previous.max) at(place, 'BAND_OVERLAP', `band ${band.category} starts at ${band.min}, inside ${previous.category} (${previous.min}–${previous.max})`, false, also);
    ctx.guard(() => checkBandLabel(ctx, band, bPath));
  });
  // A point value or band edge that is no number is the schema's problem, reported there: sums of "3"
  // would be text ("30001"), and every band would seem out of range.
  const numeric = (v: unknown): boolean => typeof v === 'number';
  if (!score.components.every((c) => c.alternatives.every((a) => numeric(a.points))) || !score.bands.every((b) => numeric(b.min) && numeric(b.max))) return;
  const totals = achievableTotals(score);
  const lowest = order[0]?.band.min ?? 0;
  const highest = Math.max(...order.map((o) => o.band.max));
  const uncovered = totals.filter((t) => t < lowest || t > highest);
  if (uncovered.length) at([...path, 'bands'], 'BAND_OUT_OF_RANGE', `achievable totals ${uncovered.join(', ')} fall in no band (bands cover ${lowest}–${highest})`);
  // A band no total reaches is dead: most likely an edge or a point value typed wrong (a warning, as no result is wrong).
  for (const { band, i } of order) {
    if (band.min <= band.max && !totals.some((t) => t >= band.min && t <= band.max)) {
      ctx.warn([...path, 'bands', i], 'BAND_UNREACHABLE', `no achievable total falls in band ${band.category} (${span(band.min, band.max)}); totals run ${span(Math.min(...totals), Math.max(...totals))}`);
    }
  }
}

/**
 * A band label that states a range ("Low risk (Katagiri 0-3)") states the band's own: an edge edited in
 * the rule file and not in its label shows the reader one range and scores another. A warning (the result
 * itself is right). An edge a profile moved is the profile's to reword (PROFILE_STALE_LABEL).
 */
function checkBandLabel(ctx: CheckContext, band: Band, path: PathSegment[]): void {
  if (band.overridden) return;
  const ranges = [...band.label.matchAll(/(?<![\d.])(\d+)\s*[-–]\s*(\d+)(?![\d.])/g)];
  const [stated] = ranges;
  if (ranges.length !== 1 || !stated) return;
  const [from, to] = [Number(stated[1]), Number(stated[2])];
  if (from !== band.min || to !== band.max) {
    ctx.warn([...path, 'label'], 'BAND_LABEL_MISMATCH', `the label "${band.label}" says ${span(from, to)}, but band ${band.category} holds ${span(band.min, band.max)}; make the label say the band's range, or no range`);
  }
}

function span(from: number, to: number): string {
  return from === to ? String(from) : `${from}–${to}`;
}
