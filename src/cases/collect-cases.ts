import { resolve } from 'node:path';
import type { Problem } from '../problems/problem.js';
import { caseFilesBeside, findCaseFiles, loadCaseFile, type InvalidCases, type RunPaths, type Supersession, type TestCase } from './load-cases.js';

export interface CollectedCase extends TestCase {
  /** A base rule set's case (beside the rule set), as opposed to a profile's own. */
  base: boolean;
}

export interface CaseCollection {
  cases: CollectedCase[];
  /** Cases that do not run (their patient breaks the contract), whose expectations are still checked. */
  unrunnable: TestCase[];
  supersedes: Supersession[];
  problems: Problem[];
  /** Per file, cases written but left out for their problems (a patient the contract rejects, a file the schema rejects), or a file that does not read at all. */
  invalid: InvalidCases[];
}

/**
 * Every test case for a run: those beside the rule sets under `roots`, then those beside each
 * profile. A supersession must name an existing case, or it hides nothing and is reported.
 *
 * `misplacedProfiles` are profiles found among the rule files (PROFILE_AS_RULESET): the cases beside
 * them are that profile's, so they are not read as a rule set's, where every supersession would name
 * no case.
 */
export function collectCases(roots: readonly string[], profiles: readonly string[], options: { misplacedProfiles?: readonly string[]; run?: Pick<RunPaths, 'profileCases' | 'profileCasesOnly'> } = {}): CaseCollection {
  const { misplacedProfiles = [], run } = options;
  const profileCases = run?.profileCases;
  const collection: CaseCollection = { cases: [], unrunnable: [], supersedes: [], problems: [], invalid: [] };
  const notBase = new Set(misplacedProfiles.flatMap(caseFilesBeside).map((file) => resolve(file)));
  const baseFiles = findCaseFiles(roots).filter((file) => !notBase.has(resolve(file)));
  // Profile case files named on the command line are read alone; otherwise every one beside each profile.
  const profileFiles = profileCases?.length ? profileCases : profiles.flatMap(caseFilesBeside);
  const files = [...baseFiles.map((file) => ({ file, base: true })), ...profileFiles.map((file) => ({ file, base: false }))];
  for (const { file, base } of files) {
    const loaded = loadCaseFile(file);
    collection.problems.push(...loaded.problems);
    collection.cases.push(...loaded.cases.map((c) => ({ ...c, base })));
    collection.unrunnable.push(...loaded.unrunnable);
    collection.supersedes.push(...loaded.supersedes);
    if (loaded.invalid.count > 0 || loaded.invalid.unread) collection.invalid.push(loaded.invalid);
  }
  for (const s of collection.supersedes) {
    if (!collection.cases.some((c) => c.name === s.case)) {
      collection.problems.push({ code: 'CASE_SUPERSEDED_UNKNOWN', severity: 'error', message: `no case is named "${s.case}"`, file: s.file, line: s.line, column: s.column, path: '/supersedes' });
    }
  }
  // A profile's case file given alone runs its cases only; the base cases were read for the names it supersedes.
  if (run?.profileCasesOnly) collection.cases = collection.cases.filter((c) => !c.base);
  return collection;
}
