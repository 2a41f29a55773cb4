import type { PathSegment } from '../source/source-document.js';
import { APPLIES, type PartKind } from './parts.js';
import { placedScores } from './score-paths.js';
import type { RuleSetDocument } from './types.js';

export interface RuleLocation {
  kind: PartKind;
  /** Where the rule's alternative (or the recommendation) sits in the document. */
  path: PathSegment[];
  /** The element itself, for editing a copy of the document. */
  element: Record<string, unknown>;
  /** The citation an alternative or row without its own takes from its component or classification. */
  inheritedReference?: string;
}

/**
 * Every rule of a rule set under the name the trace gives it (`component.alternative`,
 * `classification.row`, `recommendation.applies`), with where it sits in the document.
 */
export function ruleLocations(doc: RuleSetDocument): Map<string, RuleLocation> {
  const rules = new Map<string, RuleLocation>();
  const add = (name: string, location: RuleLocation): void => void (rules.has(name) || rules.set(name, location));
  for (const { score, path } of placedScores(doc)) {
    score.components.forEach((component, i) =>
      component.alternatives.forEach((alternative, j) =>
        add(`${component.id}.${alternative.id}`, { kind: 'component', path: [...path, 'components', i, 'alternatives', j], element: alternative as unknown as Record<string, unknown>, inheritedReference: component.reference }),
      ),
    );
  }
  (doc.classifications ?? []).forEach((classification, i) =>
    (classification.alternatives ?? []).forEach((row, j) =>
      add(`${classification.id}.${row.id}`, { kind: 'classification', path: ['classifications', i, 'alternatives', j], element: row as unknown as Record<string, unknown>, inheritedReference: classification.reference }),
    ),
  );
  (doc.recommendations ?? []).forEach((recommendation, i) =>
    add(`${recommendation.id}.${APPLIES}`, { kind: 'recommendation', path: ['recommendations', i], element: recommendation as unknown as Record<string, unknown> }),
  );
  return rules;
}

export const findRule = (doc: RuleSetDocument, name: string): RuleLocation | undefined => ruleLocations(doc).get(name);
export const ruleNames = (doc: RuleSetDocument): string[] => [...ruleLocations(doc).keys()];
