import type { LoadedRuleSet } from '../ruleset/types.js';
import type { RuleFileLinks } from './resting-marks.js';

/**
 * What the marks a result inherits (evaluationNotes) need from the rule files, as plain data the page can
 * have: each rule set's inputs read from another rule set's output, and each `firstOf` classification's
 * candidates in order.
 */
export function ruleFileLinks(rulesets: readonly LoadedRuleSet[]): RuleFileLinks {
  // Once per set of rule sets (a served snapshot's is asked for every card).
  let links = linksOf.get(rulesets);
  if (!links) linksOf.set(rulesets, (links = linksOfRuleSets(rulesets)));
  return links;
}
const linksOf = new WeakMap<readonly LoadedRuleSet[], RuleFileLinks>();

function linksOfRuleSets(rulesets: readonly LoadedRuleSet[]): RuleFileLinks {
  const upstream = Object.fromEntries(rulesets.map((r) => [r.document.id, Object.fromEntries(Object.entries(r.document.inputs).flatMap(([name, spec]) => (spec.upstream ? [[name, { ruleset: spec.upstream.ruleset, output: spec.upstream.output }]] : [])))]));
  const firstOf = Object.fromEntries(rulesets.map((r) => [r.document.id, Object.fromEntries((r.document.classifications ?? []).flatMap((c) => (c.firstOf ? [[c.id, [...c.firstOf]]] : [])))]));
  return { upstream, firstOf };
}
