import { EXIT, Exit } from './exit-codes.js';

/** A mistake on the command line: said in one line, exit 64, before any work is done. */
export function usageError(message: string): never {
  process.stderr.write(`${message}\n`);
  throw new Exit(EXIT.usage);
}

/** A whole-number option in [min, max], or a usage error; undefined when the option was not given (an option with a default always is). */
export function wholeNumber(text: string, name: string, min: number, max: number): number;
export function wholeNumber(text: string | undefined, name: string, min: number, max: number): number | undefined;
export function wholeNumber(text: string | undefined, name: string, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  if (/^\d+$/.test(text.trim()) && Number(text) >= min && Number(text) <= max) return Number(text);
  return usageError(`${name} must be a whole number from ${min} to ${max}, got "${text}"`);
}
