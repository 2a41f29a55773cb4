import { expect } from 'vitest';
import { withRequirements } from '../../src/ruleset/dependencies.js';
import { BUNDLED_RULES_DIR, loadRuleSets } from '../../src/ruleset/load-rulesets.js';
import type { LoadedRuleSet } from '../../src/ruleset/types.js';

/**
 * The bundled rule sets, which must load without a single problem: all of them, or the ones named and
 * what they require (a test of SINS need not pay for the integrated plan).
 */
export async function bundledRuleSets(ids?: readonly string[]): Promise<LoadedRuleSet[]> {
  const load = await loadRuleSets([BUNDLED_RULES_DIR]);
  expect(load.problems).toEqual([]);
  if (!ids) return load.rulesets;
  const targets = load.rulesets.filter((r) => ids.includes(r.document.id));
  expect(targets.map((r) => r.document.id).sort()).toEqual([...ids].sort());
  return withRequirements(targets, load.rulesets);
}
