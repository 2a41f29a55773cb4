/**
 * What a JSON value this tool wrote is: an evaluation (`evaluate --format json`, a batch line, a service
 * response, any of which may name its decisionId) or a decision record (a decisionId beside its outputs,
 * or, edited, without them). `report` reads either; a patient loader refuses both.
 */
/** An output as a message names it where another kind of file was expected, and what reads it. */
export const OUTPUT_WORDS = { record: 'a decision record (evaluate --record)', evaluation: 'an evaluation (evaluate --format json)' } as const;
export const OUTPUT_READERS = '`spinemets report FILE --html OUT` shows it, `spinemets audit replay` re-runs a record';

export function outputKind(value: unknown): 'evaluation' | 'record' | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  if ('trace' in value && 'results' in value) return 'evaluation';
  return 'decisionId' in value ? 'record' : undefined;
}
