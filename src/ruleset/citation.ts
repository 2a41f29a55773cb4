import type { RuleSetDocument } from './types.js';

/** The citation a reference key names in a rule set, or the key itself where the rule set has none by it. */
export function citationOf(document: Pick<RuleSetDocument, 'references'>, id: string): string {
  return document.references[id]?.citation ?? id;
}
