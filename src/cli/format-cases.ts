import type { CaseResult, CaseRun } from '../cases/run-cases.js';

/** One line per case (PASS, FAIL with a diff of what differs, or SKIP with the profile's reason). */
export function formatCaseResult(result: CaseResult): string {
  const c = result.case;
  if ('superseded' in result) return `SKIP ${c.ruleset}: ${c.name} (superseded by the profile: ${result.superseded.reason})\n`;
  const head = `${result.passed ? 'PASS' : 'FAIL'} ${c.ruleset}: ${c.name} (${c.file}:${c.line})\n`;
  if (result.passed) return head;
  if (result.error) return head + `  ${result.error}\n`;
  const lines: string[] = [];
  for (const key of Object.keys(result.expected)) {
    const expected = JSON.stringify((result.expected as Record<string, unknown>)[key]);
    const actual = JSON.stringify(result.actual[key]);
    if (expected !== actual) lines.push(`  ${key}:`, `    - expected ${expected}`, `    + actual   ${actual}`);
  }
  return head + lines.join('\n') + '\n';
}

export function formatTally(run: CaseRun): string {
  return `${run.passed} passed, ${run.failed} failed${run.superseded ? `, ${run.superseded} superseded by the profile` : ''}`;
}
