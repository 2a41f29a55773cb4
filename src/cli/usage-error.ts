import { formatProblem } from '../problems/format.js';
import { COMMAND_LINE, type ProblemCode } from '../problems/problem.js';
import { EXIT, Exit } from './exit-codes.js';

/**
 * What a usage error is: an option or argument that is not valid (commander's own rejections
 * included), options that do not go together, an output that cannot be written, or a file an option
 * names (serve's token) that is unusable.
 */
export type UsageCode = Extract<ProblemCode, 'OPTION_INVALID' | 'OPTION_CONFLICT' | 'OUTPUT_UNWRITABLE' | 'FILE_UNREADABLE' | 'TOKEN_TOO_SHORT' | 'PORT_UNAVAILABLE'>;

/**
 * A mistake on the command line: one problem line, `<command line> CODE message` (or at the file an
 * option names), exit 64, before any work is done.
 */
export function usageError(code: UsageCode, message: string, at?: { file: string; line: number; column: number }): never {
  process.stderr.write(usageLine(code, message, at));
  throw new Exit(EXIT.usage);
}

/** The line a usage error prints; commander's own rejections are written with it too (program.ts). */
export function usageLine(code: UsageCode, message: string, at?: { file: string; line: number; column: number }): string {
  return `${formatProblem({ code, severity: 'error', message, file: COMMAND_LINE, ...at })}\n`;
}

/** A whole-number option in [min, max], or a usage error; undefined when the option was not given (an option with a default always is). */
export function wholeNumber(text: string, name: string, min: number, max: number): number;
export function wholeNumber(text: string | undefined, name: string, min: number, max: number): number | undefined;
export function wholeNumber(text: string | undefined, name: string, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  if (/^\d+$/.test(text.trim()) && Number(text) >= min && Number(text) <= max) return Number(text);
  return usageError('OPTION_INVALID', `${name} must be a whole number from ${min} to ${max}, got "${text}"`);
}
