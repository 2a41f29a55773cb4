import type { Problem } from '../problems/problem.js';
import { hasErrors } from '../problems/problem.js';
import { schemaProblems } from '../source/schema-problems.js';
import { validator } from '../source/schemas.js';
import { readSourceFile, type SourceDocument } from '../source/source-document.js';
import { checkCoverage } from './check-coverage.js';
import { checkSemantics } from './check-semantics.js';
import { buildFactModel } from './fact-model.js';
import { contentHash } from './hash.js';
import { placedScores } from './score-paths.js';
import type { LoadedRuleSet, RuleSetDocument } from './types.js';

export interface RuleSetLoad {
  ruleset?: LoadedRuleSet;
  /** Every problem found; warnings may accompany a loaded rule set, errors never do. */
  problems: Problem[];
}

export async function loadRuleSetFile(file: string): Promise<RuleSetLoad> {
  return loadRuleSetSource(readSourceFile(file));
}

/** Parse → JSON Schema → names and domains → exhaustive coverage; each stage runs only on a sound input. */
export async function loadRuleSetSource(source: SourceDocument): Promise<RuleSetLoad> {
  if (hasErrors(source.problems)) return { problems: source.problems };
  const validate = validator('ruleset');
  if (!validate(source.data)) return { problems: schemaProblems(validate.errors ?? [], source) };

  const document = source.data as RuleSetDocument;
  const facts = buildFactModel(document);
  const semantic = checkSemantics(document, facts, source);
  if (hasErrors(semantic)) return { problems: semantic };

  const draft = { document, file: source.file, facts, scores: placedScores(document).map((p) => p.score) };
  const coverage = await checkCoverage(draft, source);
  const problems = [...semantic, ...coverage];
  if (hasErrors(problems)) return { problems };
  return { ruleset: { ...draft, sha256: contentHash(document) }, problems };
}
