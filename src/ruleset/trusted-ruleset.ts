import type { SourceDocument } from '../source/source-document.js';
import { buildFactModel } from './fact-model.js';
import { contentHash } from './hash.js';
import { allParts } from './parts.js';
import { placedScores } from './score-paths.js';
import { withReview } from './profile-types.js';
import type { LoadedRuleSet, RuleSetDocument } from './types.js';

/**
 * What another thread sends of a rule set it loaded and checked: enough to rebuild it, nothing to re-check;
 * with the review of the profiles (the loader's, over every rule set: no worker could redo it alone).
 */
export interface CheckedRuleSet {
  document: RuleSetDocument;
  file: string;
  sha256: string;
  review?: LoadedRuleSet['review'];
}

export function checkedRuleSet(ruleset: LoadedRuleSet): CheckedRuleSet {
  return { document: ruleset.document, file: ruleset.file, sha256: ruleset.sha256, ...(ruleset.review ? { review: ruleset.review } : {}) };
}

/**
 * Rebuilds a rule set that loadRuleSets already checked (in the batch's main thread) for evaluation in a
 * worker: the same fact model, parts and scores, without reading the file, compiling the JSON Schema or
 * re-running the exhaustive coverage checks, which would cost each worker the start-up time and memory of a
 * full load. The content hash is recomputed: undefined unless the document is exactly the one checked.
 */
export function trustedRuleSet({ document, file, sha256, review }: CheckedRuleSet): LoadedRuleSet | undefined {
  if (contentHash(document) !== sha256) return undefined;
  const rebuilt: LoadedRuleSet = { document, file, source: positionless(file, document), facts: buildFactModel(document), parts: allParts(document), scores: placedScores(document).map((p) => p.score), sha256 };
  // Frozen again (withReview): a structured clone arrives unfrozen.
  return withReview(rebuilt, review ?? []);
}

/** Evaluation never reports into the rule file, so a rebuilt rule set carries no positions. */
function positionless(file: string, data: RuleSetDocument): SourceDocument {
  const at = { line: 1, column: 1 };
  return {
    file,
    data,
    problems: [],
    locate: () => at,
    scalarAt: () => undefined,
    problemAt: (_path, code, message, options = {}) => ({ code, severity: options.severity ?? 'error', message, file, ...at }),
  };
}
