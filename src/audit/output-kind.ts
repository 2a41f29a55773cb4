/**
 * What a JSON value this tool wrote is: an evaluation (`evaluate --format json`, a batch line, a service
 * response, any of which may name its decisionId) or a decision record (a decisionId beside its outputs,
 * or, edited, without them). `report` reads either; a patient loader refuses both.
 */
export function outputKind(value: unknown): 'evaluation' | 'record' | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  if ('trace' in value && 'results' in value) return 'evaluation';
  return 'decisionId' in value ? 'record' : undefined;
}
