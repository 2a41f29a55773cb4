import type { ProblemCode } from '../problems/problem.js';
import { APPLIES } from '../ruleset/parts.js';
import type { PathSegment } from '../source/source-document.js';
import type { Expectation } from './load-cases.js';

/**
 * What the engine gave for a case's rule set (and lesion), in the terms of an expectation. An output
 * left `undefined` is one the rule set does not produce (no score, no recommendations), which is not
 * the same as `null` (produced, undetermined for this input).
 */
export interface CaseOutputs {
  score?: number | null;
  range?: [number, number] | null;
  category?: string | null;
  possibleCategories?: string[];
  components: Record<string, number | null | undefined>;
  subscores: Record<string, number | null | undefined>;
  classifications: Record<string, string | null | undefined>;
  missing: string[];
  fired: string[];
  /** Every rule the rule set has: a `fired` id outside it is no rule at all (a typo), not one that did not fire. */
  rules?: ReadonlySet<string>;
  /** Rules a profile disabled, which a base case run under it may still list in `fired` (they are not evaluated). */
  notEvaluated?: ReadonlySet<string>;
  warnings: string[];
  recommendations?: string[];
  possibleRecommendations?: string[];
  overrides: string[];
}

export type DifferenceCode = Extract<ProblemCode, 'CASE_MISMATCH' | 'CASE_UNKNOWN_OUTPUT' | 'CASE_MISSING_ITEM' | 'CASE_UNEXPECTED_ITEM' | 'CASE_REPEATED_ITEM' | 'CASE_UNKNOWN_RULE'>;

export interface Difference {
  code: DifferenceCode;
  /** Where under the case's `expect` it is: at the value stated, or at the key when there is no value to point at. */
  path: PathSegment[];
  key: boolean;
  expected?: unknown;
  actual?: unknown;
  message: string;
}

type ScalarOutput = 'score' | 'range' | 'category';
type ListOutput = 'possibleCategories' | 'missing' | 'fired' | 'warnings' | 'recommendations' | 'possibleRecommendations' | 'overrides';
type MapOutput = 'components' | 'subscores' | 'classifications';

const SCALARS: ReadonlySet<string> = new Set<ScalarOutput>(['score', 'range', 'category']);
const MAPS: ReadonlySet<string> = new Set<MapOutput>(['components', 'subscores', 'classifications']);

/**
 * Every way the outputs differ from what the case states, in the order the case states it; what the
 * case does not state is not compared. Lists are sets and exact: an item stated and absent, and an
 * item present and not stated, are each a difference.
 */
export function expectationDifferences(expect: Expectation, actual: CaseOutputs): Difference[] {
  return Object.keys(expect).flatMap((key): Difference[] => {
    if (SCALARS.has(key)) return scalarDifferences(key as ScalarOutput, expect, actual);
    if (MAPS.has(key)) return mapDifferences(key as MapOutput, expect, actual);
    return listDifferences(key as ListOutput, expect, actual);
  });
}

function scalarDifferences(key: ScalarOutput, expect: Expectation, actual: CaseOutputs): Difference[] {
  const expected = expect[key];
  const got = actual[key];
  if (got === undefined) return [unknownOutput([key])];
  return same(expected, got) ? [] : [mismatch([key], expected, got)];
}

function mapDifferences(key: MapOutput, expect: Expectation, actual: CaseOutputs): Difference[] {
  return Object.entries(expect[key] ?? {}).flatMap(([id, expected]): Difference[] => {
    const got = actual[key][id];
    // A misspelt id must not pass as "null": an output the rule set does not have is said to be so.
    if (got === undefined) return [unknownOutput([key, id])];
    return same(expected, got) ? [] : [mismatch([key, id], expected, got)];
  });
}

function listDifferences(key: ListOutput, expect: Expectation, actual: CaseOutputs): Difference[] {
  const expected = expect[key] ?? [];
  const got = actual[key];
  if (got === undefined) return [unknownOutput([key])];
  const stated = new Set(expected);
  const present = new Set(got);
  // A list is a set: an item stated twice passed unnoticed, when most likely another was meant.
  const absent = expected.flatMap((item, i): Difference[] =>
    expected.indexOf(item) < i
      ? [{ code: 'CASE_REPEATED_ITEM', path: [key, i], key: false, expected: item, message: `${key}: ${show(item)} is listed twice; list each item once` }]
      : present.has(item) || (key === 'fired' && actual.notEvaluated?.has(item)) ? [] : [absentItem(key, i, item, got, actual.rules)],
  );
  const unexpected = [...present].filter((item) => !stated.has(item)).sort().map((item): Difference => (
    { code: 'CASE_UNEXPECTED_ITEM', path: [key], key: true, actual: item, message: `${key}: ${show(item)} is present, but the case does not list it` }
  ));
  return [...absent, ...unexpected];
}

/** CASE_UNKNOWN_RULE's words, whether validate finds it without running the case or test finds it running it. */
export const unknownRuleMessage = (id: string, key: RuleList = 'fired'): string => `${key}: ${show(id)} is no ${key === 'fired' ? 'rule' : 'recommendation'} of this rule set`;

/** The lists of a case that name rules: `fired` by rule (`component.alternative`), the recommendation lists by recommendation id. */
export type RuleList = 'fired' | 'recommendations' | 'possibleRecommendations';

/** Whether `id`, as the list `key` names it, is a rule of the rule set whose rule ids are `rules`. */
export function namesRule(key: RuleList, id: string, rules: ReadonlySet<string>): boolean {
  return rules.has(key === 'fired' ? id : `${id}.${APPLIES}`);
}

function absentItem(key: ListOutput, i: number, item: string, got: readonly string[], rules: ReadonlySet<string> | undefined): Difference {
  if (isRuleList(key) && rules && !namesRule(key, item, rules)) return { code: 'CASE_UNKNOWN_RULE', path: [key, i], key: false, expected: item, message: unknownRuleMessage(item, key) };
  return { code: 'CASE_MISSING_ITEM', path: [key, i], key: false, expected: item, message: `${key}: ${show(item)} is expected, but is not among ${show(got)}` };
}

function mismatch(path: PathSegment[], expected: unknown, actual: unknown): Difference {
  return { code: 'CASE_MISMATCH', path, key: false, expected, actual, message: `${path.join('.')}: expected ${show(expected)}, actual ${show(actual)}` };
}

function unknownOutput(path: PathSegment[]): Difference {
  return { code: 'CASE_UNKNOWN_OUTPUT', path, key: true, message: `${path.join('.')}: the rule set produces no such output` };
}

// Values compared are numbers, strings, null and [min, max] ranges: their JSON says whether they are equal.
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const show = (value: unknown): string => JSON.stringify(value);
const isRuleList = (key: string): key is RuleList => key === 'fired' || key === 'recommendations' || key === 'possibleRecommendations';
