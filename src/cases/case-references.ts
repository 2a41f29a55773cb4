import type { Problem } from '../problems/problem.js';
import { ruleName } from '../engine/rule-trace.js';
import { hintFrom } from '../ruleset/check-context.js';
import { outputNames, outputValues } from '../ruleset/outputs.js';
import { classificationParts, disabledRules } from '../ruleset/parts.js';
import type { LoadedProfile } from '../ruleset/profile-types.js';
import type { LoadedRuleSet } from '../ruleset/types.js';
import type { PathSegment } from '../source/source-document.js';
import { caseProblem, unknownRuleSetProblem } from './case-problem.js';
import { namesRule, unknownRuleMessage, type RuleList } from './expectation-differences.js';
import type { TestCase } from './load-cases.js';

/**
 * A case file whose `ruleset:` names no loaded rule set, once per file, at its `ruleset:`.
 * `complete`: every rule file loaded; otherwise a rule set that is not loaded may be a broken one, and
 * its broken file is the problem to report.
 */
export function unknownRuleSetProblems(cases: readonly TestCase[], rulesets: readonly LoadedRuleSet[], options: { complete: boolean }): Problem[] {
  if (!options.complete) return [];
  const loaded = new Set(rulesets.map((r) => r.document.id));
  const reported = new Set<string>();
  return cases.flatMap((testCase) => {
    if (loaded.has(testCase.ruleset) || reported.has(testCase.file)) return [];
    reported.add(testCase.file);
    return [unknownRuleSetProblem(testCase, [...loaded])];
  });
}

/**
 * Each `fired` id of a case that is no rule of its rule set, and each recommendation a case lists that
 * the rule set does not have, found without running the case: it could never fire.
 */
export function unknownRuleProblems(cases: readonly TestCase[], rulesets: readonly LoadedRuleSet[]): Problem[] {
  const lists: readonly RuleList[] = ['fired', 'recommendations', 'possibleRecommendations'];
  return cases.flatMap((testCase) => {
    const ruleset = rulesets.find((r) => r.document.id === testCase.ruleset);
    if (!ruleset) return [];
    const rules = ruleIds(ruleset);
    return lists.flatMap((key) => (testCase.expect[key] ?? []).flatMap((id, i) =>
      namesRule(key, id, rules) ? [] : [caseProblem(testCase, ['cases', testCase.index, 'expect', key, i], 'CASE_UNKNOWN_RULE', unknownRuleMessage(id, key))]));
  });
}

/**
 * What a case states that its rule set cannot produce, found without running it (so `validate` says it
 * as `test` would): an output the rule set has not (`components: {locaton: 2}`, CASE_UNKNOWN_OUTPUT at
 * the key) and a value no output can take (`category: gud`, a component's points it never gives, a
 * total outside the achievable ones: CASE_UNKNOWN_VALUE), each with the nearest name it may have meant;
 * and, under profiles, an `overrides` id no loaded profile's change to the rule set has.
 */
export function unknownOutputProblems(cases: readonly TestCase[], rulesets: readonly LoadedRuleSet[], profiles: readonly LoadedProfile[] = []): Problem[] {
  return cases.flatMap((testCase) => {
    const ruleset = rulesets.find((r) => r.document.id === testCase.ruleset);
    if (!ruleset) return [];
    const doc = ruleset.document;
    const names = outputNames(doc);
    const { expect } = testCase;
    const at = (...path: PathSegment[]): PathSegment[] => ['cases', testCase.index, 'expect', ...path];
    const problems: Problem[] = [];
    const unknownOutput = (path: PathSegment[], name: string, candidates: readonly string[]): void => {
      problems.push(caseProblem(testCase, at(...path), 'CASE_UNKNOWN_OUTPUT', `${path.join('.')}: the rule set produces no such output${hintFrom(name, candidates)}`, { key: true }));
    };
    /** A value stated for `output`, checked against the values it can take (null, undetermined, always can). */
    const checkValue = (path: PathSegment[], output: string, value: unknown): void => {
      const values = outputValues(doc, output)?.values;
      if (!values || value === null || values.includes(value as string | number)) return;
      const shown = [...values].sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : 0)).map((v) => String(v));
      const hint = typeof value === 'string' ? hintFrom(value, shown) : '';
      problems.push(caseProblem(testCase, at(...path), 'CASE_UNKNOWN_VALUE', `${path.join('.')}: ${JSON.stringify(value)} is not a value this output can take (${shown.join(', ')})${hint}`));
    };
    for (const key of ['score', 'range', 'category'] as const) {
      if (!(key in expect)) continue;
      if (!names.has(key)) unknownOutput([key], key, []);
      else if (key !== 'range') checkValue([key], key, expect[key]);
    }
    (expect.possibleCategories ?? []).forEach((category, i) => names.has('category') && checkValue(['possibleCategories', i], 'category', category));
    const mapped = (key: 'components' | 'subscores' | 'classifications', output: (id: string) => string, declared: readonly string[]): void => {
      for (const [id, value] of Object.entries(expect[key] ?? {})) {
        if (!names.has(output(id))) unknownOutput([key, id], id, declared);
        else if (key !== 'subscores') checkValue([key, id], output(id), value);
      }
    };
    mapped('components', (id) => `components.${id}`, (doc.score?.components ?? []).map((c) => c.id));
    mapped('subscores', (id) => `subscores.${id}`, (doc.subscores ?? []).map((s) => s.id));
    mapped('classifications', (id) => id, classificationParts(doc).map((c) => c.id));
    const changes = profiles.flatMap((p) => p.document.changes.filter((c) => c?.ruleset === doc.id).map((c) => c.id));
    if (changes.length) {
      (expect.overrides ?? []).forEach((id, i) => {
        if (!changes.includes(id)) problems.push(caseProblem(testCase, at('overrides', i), 'CASE_UNKNOWN_VALUE', `overrides: ${JSON.stringify(id)} is no change of a loaded profile to ${doc.id}${hintFrom(id, changes)}`));
      });
    }
    return problems;
  });
}

/** Every rule id of a rule set as traces and `fired` name them (`component.alternative`). */
export function ruleIds(ruleset: LoadedRuleSet): ReadonlySet<string> {
  let ids = idsByRuleSet.get(ruleset);
  if (!ids) {
    ids = new Set([...ruleset.parts.flatMap((part) => part.alternatives.map((alternative) => ruleName(part, alternative))), ...disabledRuleIds(ruleset)]);
    idsByRuleSet.set(ruleset, ids);
  }
  return ids;
}
const idsByRuleSet = new WeakMap<LoadedRuleSet, ReadonlySet<string>>();

/**
 * The rules a profile disabled: still rules of the rule set, not evaluated, so naming one is no
 * CASE_UNKNOWN_RULE. A base case run under the profile may list one in `fired` (it is not evaluated);
 * what the profile changes in the outputs still fails the case until the profile supersedes it.
 * Worked out once per rule set, as every case asks.
 */
export function disabledRuleIds(ruleset: LoadedRuleSet): ReadonlySet<string> {
  let ids = disabledByRuleSet.get(ruleset);
  if (!ids) disabledByRuleSet.set(ruleset, (ids = new Set(disabledRules(ruleset.document).flatMap((rule) => rule.names))));
  return ids;
}
const disabledByRuleSet = new WeakMap<LoadedRuleSet, ReadonlySet<string>>();
