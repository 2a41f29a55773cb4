import type { Problem } from './problem.js';

/** `file:line:column CODE message` — the one human format, used by every command. */
export function formatProblem(p: Problem): string {
  const where = [p.file ?? '<input>', p.line, p.column].filter((x) => x !== undefined).join(':');
  const severity = p.severity === 'warning' ? ' (warning)' : '';
  return `${where} ${p.code}${severity} ${p.message}`;
}

export function formatProblems(problems: readonly Problem[]): string {
  return problems.map(formatProblem).join('\n');
}
