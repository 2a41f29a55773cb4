import type { CaseResult, CaseRun } from '../cases/run-cases.js';
import { formatProblems } from '../problems/format.js';
import { sortProblems } from '../problems/problem.js';

/** One line per case (PASS, FAIL followed by its problems, or SKIP with the profile's reason). */
export function formatCaseResult(result: CaseResult): string {
  const c = result.case;
  if ('superseded' in result) return `SKIP ${c.ruleset}: ${c.name} (superseded by the profile: ${result.superseded.reason})\n`;
  const head = `${result.passed ? 'PASS' : 'FAIL'} ${c.ruleset}: ${c.name} (${c.file}:${c.line})\n`;
  if (result.passed) return head;
  return head + formatProblems(sortProblems(result.problems)) + '\n';
}

export function formatTally(run: CaseRun): string {
  return `${run.passed} passed, ${run.failed} failed${run.superseded ? `, ${run.superseded} superseded by the profile` : ''}${run.notRun ? `, ${run.notRun} not run (their rule set is not loaded)` : ''}${run.invalid ? `, ${run.invalid} invalid (not run; see the problems above)` : ''}${run.unreadFiles ? `, ${run.unreadFiles} case file${run.unreadFiles === 1 ? '' : 's'} not read (see the problems above)` : ''}`;
}
