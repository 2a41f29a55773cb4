import { COMMAND_LINE, type Problem } from '../problems/problem.js';

/** Distinct exit codes so scripts can tell whose fault a failure is. Documented in the README. */
export const EXIT = {
  ok: 0,
  /** A rule set (or profile, or test case file) has problems, or a rule-set test case failed. */
  rules: 1,
  /** The patient input is invalid or unreadable. */
  input: 2,
  /** The audit log is broken (verify, replay), or a decision could not be recorded in it (--record). */
  audit: 3,
  /** A decision replayed on its pinned rule sets came out different from its record. */
  replayDiffers: 4,
  /** The command line itself is wrong. */
  usage: 64,
  /** A bug: reported in one line; set SPINEMETS_DEBUG=1 for the stack. */
  internal: 70,
  /** An output could not be written while the command ran (a full disk, an I/O error). */
  io: 74,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Thrown by commands to end with a code after they have printed what they had to say. */
export class Exit extends Error {
  constructor(readonly code: ExitCode) {
    super(`exit ${code}`);
  }
}

/** The exit code of problems that stop a command: a mistake on the command line is a usage error, anything else the rule files'. */
export function problemsExit(problems: readonly Problem[]): ExitCode {
  return problems.some((p) => p.severity === 'error' && p.file === COMMAND_LINE) ? EXIT.usage : EXIT.rules;
}
