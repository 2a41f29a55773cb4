import type { Problem } from '../problems/problem.js';
import { hasErrors } from '../problems/problem.js';
import { schemaProblems } from '../source/schema-problems.js';
import { validator } from '../source/schemas.js';
import { readSourceFile } from '../source/source-document.js';
import { contentHash } from './hash.js';
import type { LoadedProfile, ProfileDocument } from './profile-types.js';

/** Reads and schema-checks a profile file; whether its changes fit the rule sets is checked when applied. */
export function loadProfileFile(file: string): { profile?: LoadedProfile; problems: Problem[] } {
  const source = readSourceFile(file);
  if (hasErrors(source.problems)) return { problems: source.problems };
  const validate = validator('profile');
  if (!validate(source.data)) return { problems: schemaProblems(validate.errors ?? [], source) };
  const document = source.data as ProfileDocument;
  const problems: Problem[] = [];
  const seen = new Set<string>();
  document.changes.forEach((change, i) => {
    if (seen.has(change.id)) problems.push(source.problemAt(['changes', i, 'id'], 'DUPLICATE_ID', `change id "${change.id}" is used twice; results name changes by id`));
    seen.add(change.id);
  });
  if (hasErrors(problems)) return { problems };
  return { profile: { document, file, source, sha256: contentHash(document) }, problems };
}
