import type { Problem, ProblemCode } from '../problems/problem.js';
import { toPointer, type PathSegment } from '../source/source-document.js';
import { hintFrom } from '../ruleset/check-context.js';
import type { TestCase } from './load-cases.js';

/** A problem at `path` of the case's file (a path from the file's root, e.g. `['cases', 3, 'expect', 'score']`). */
export function caseProblem(testCase: TestCase, path: PathSegment[], code: ProblemCode, message: string, options: { key?: boolean } = {}): Problem {
  return { code, severity: 'error', message, file: testCase.file, ...testCase.locate(path, options), path: toPointer(path) };
}

/** The case's `ruleset:` names no rule set that is loaded (`loaded`: the ids that are, for the one meant). */
export function unknownRuleSetProblem(testCase: TestCase, loaded: readonly string[]): Problem {
  return caseProblem(testCase, ['ruleset'], 'CASE_UNKNOWN_RULESET', `no rule set "${testCase.ruleset}" is loaded${hintFrom(testCase.ruleset, loaded)}`);
}
