import type { Evaluation } from '../engine/types.js';
import { sha256Hex } from '../ruleset/hash.js';
import type { LoadedRuleSet } from '../ruleset/types.js';
import type { RecordedRuleSet } from './decision-record.js';

/**
 * How a rule set is stored beside the log: its parsed document as JSON, exactly as it was loaded
 * (named by the sha256 of these bytes). The engine's results depend only on the content hash (inputs
 * are read in sorted key order), but keeping the document as loaded lets an auditor see the rule file's
 * own layout and makes the stored bytes checkable on their own.
 */
export function storedDocumentText(ruleset: LoadedRuleSet): string {
  return JSON.stringify(ruleset.document);
}

const pins = new WeakMap<LoadedRuleSet, RecordedRuleSet>();

/** What a record says about a rule set it used (computed once per loaded rule set). */
export function pinRuleSet(ruleset: LoadedRuleSet): RecordedRuleSet {
  let pin = pins.get(ruleset);
  if (!pin) {
    const { id, version, profile } = ruleset.document;
    pin = { id, version, sha256: ruleset.sha256, documentSha256: sha256Hex(storedDocumentText(ruleset)) };
    if (profile) pin.profile = { id: profile.id, version: profile.version, sha256: profile.sha256 };
    pins.set(ruleset, pin);
  }
  return pin;
}

/** The loaded rule sets an evaluation used, in its evaluation order. */
export function rulesetsUsed(evaluation: Evaluation, rulesets: readonly LoadedRuleSet[]): LoadedRuleSet[] {
  return evaluation.rulesets.map(({ id, sha256 }) => {
    const ruleset = rulesets.find((r) => r.sha256 === sha256 && r.document.id === id);
    if (!ruleset) throw new Error(`the evaluation used rule set ${id} sha256:${sha256}, which is not among those given`);
    return ruleset;
  });
}
