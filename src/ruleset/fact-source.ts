import type { LoadedRuleSet } from './types.js';

/**
 * What a fact of a rule set stands for across rule sets, so that two rule sets' tests of one value can
 * be matched although each names its fact as it likes: `sins.score` whether SINS tests its own total
 * or NOMS reads it as `sinsScore`; `lesion.level` for every rule set reading that lesion field (a unit
 * is part of it, since 3.5 g/dL and 35 g/L are one value). Undefined for a value combined over lesions
 * (a count, a worst value), which is no other rule set's value, and for a fact the rule set lacks.
 */
export function factSource(ruleset: LoadedRuleSet, fact: string): string | undefined {
  const { document } = ruleset;
  const kind = ruleset.facts.get(fact)?.kind;
  if (kind === 'subscore') return scoreSource(document.id, fact);
  if (kind === 'classification' || kind === 'derived') return `${document.id}.${fact}`;
  const input = kind === 'input' ? document.inputs[fact] : undefined;
  if (!input || input.from === 'lesions') return undefined;
  if (input.upstream) return `${input.upstream.ruleset}.${input.upstream.output}`;
  // As the engine reads a field (read-inputs.ts): from the rule set's own scope unless `from` says otherwise.
  const from = input.from ?? document.scope;
  return `${from}.${input.field ?? fact}${input.unit ? ` [${input.unit}]` : ''}`;
}

/**
 * The rule set whose output a fact is, when it is one (a score, subscore, classification or derived
 * fact of its own, or a required rule set's output it reads): that rule set's bands and every rule set
 * reading it show one value, so a threshold moved anywhere among them bears on all of them. Undefined
 * for a patient or lesion field, which rule sets may legitimately divide each at its own place.
 */
export function factOwner(ruleset: LoadedRuleSet, fact: string): string | undefined {
  const kind = ruleset.facts.get(fact)?.kind;
  if (kind === 'subscore' || kind === 'classification' || kind === 'derived') return ruleset.document.id;
  return kind === 'input' ? ruleset.document.inputs[fact]?.upstream?.ruleset : undefined;
}

/** A score's total, named as another rule set reads it (`upstream.output`): `score`, or `subscores.<id>.score`. */
export function scoreSource(rulesetId: string, scoreId: string): string {
  return scoreId === rulesetId ? `${rulesetId}.score` : `${rulesetId}.subscores.${scoreId}.score`;
}
