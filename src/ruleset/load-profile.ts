import type { Problem } from '../problems/problem.js';
import { hasErrors } from '../problems/problem.js';
import { problemsOfDocument } from '../source/every-reading.js';
import { documentSchemaProblems } from '../source/schema-problems.js';
import { readSourceFile, type SourceDocument } from '../source/source-document.js';
import { OUTPUT_READERS, OUTPUT_WORDS } from '../audit/output-kind.js';
import { documentKind } from '../source/document-kind.js';
import { contentHash } from './hash.js';
import type { LoadedProfile, ProfileDocument } from './profile-types.js';

export interface ProfileLoad {
  /** The profile, when the file has no error of its own. */
  profile?: LoadedProfile;
  /** The file as read, whenever it reads as data: its well-formed parts are checked against the rule sets even when another part is not. */
  source?: SourceDocument;
  problems: Problem[];
}

/** Reads and schema-checks a profile file; whether its changes fit the rule sets is checked when applied. */
export function loadProfileFile(file: string): ProfileLoad {
  const source = readSourceFile(file);
  if (source.data === undefined) return { problems: source.problems };
  const problems = problemsOfDocument(source, profileProblems);
  if (hasErrors(problems)) return { source, problems };
  const document = source.data as ProfileDocument;
  return { profile: { document, file, source, sha256: contentHash(document) }, source, problems };
}

/** The schema's problems and repeated change ids, each checked whether or not the other holds. */
function profileProblems(source: SourceDocument): Problem[] {
  const other = notAProfile(source);
  if (other) return [other];
  return [...documentSchemaProblems(source, 'profile'), ...repeatedChangeIds(source)];
}

/**
 * Another kind of file given with --profile (a patient, a rule set, a case file, an output): one problem
 * saying what it is and where it goes, not the profile schema's complaint about each of its keys.
 */
function notAProfile(source: SourceDocument): Problem | undefined {
  const kind = documentKind(source.data);
  const what = kind === 'evaluation' || kind === 'record' ? `${OUTPUT_WORDS[kind]}: ${OUTPUT_READERS}`
    : kind === 'ruleset' ? 'a rule set; give it as a rule file or folder (`spinemets validate FILE`), not with --profile'
    : kind === 'cases' ? 'a file of test cases; it runs with `spinemets test` beside the rule set or profile it tests'
    : kind === 'patient' ? 'a patient; `spinemets evaluate FILE` evaluates it'
    : undefined;
  return what ? source.problemAt([], 'NOT_A_PROFILE', `this is ${what}. An institution profile starts with \`profile:\` (README, "Institution profiles")`) : undefined;
}

/** Results name changes by id. Read defensively: the schema may have rejected the document. */
function repeatedChangeIds(source: SourceDocument): Problem[] {
  const changes = (source.data as { changes?: unknown } | null)?.changes;
  if (!Array.isArray(changes)) return [];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  changes.forEach((change: unknown, i) => {
    const id = (change as { id?: unknown } | null)?.id;
    if (typeof id !== 'string') return;
    if (seen.has(id)) problems.push(source.problemAt(['changes', i, 'id'], 'DUPLICATE_ID', `change id "${id}" is used twice; results name changes by id`));
    seen.add(id);
  });
  return problems;
}
