import type { FactState } from './fact-state.js';

/** A rule set's outputs for one patient or lesion, by output name (`score`, `category`, `decision`, ...). */
export type Exports = Map<string, FactState>;

/** Results of the rule sets already evaluated, for those that require them. */
export interface UpstreamResults {
  patient: Map<string, Exports>;
  lesions: Array<Map<string, Exports>>;
}

export function emptyUpstream(lesionCount: number): UpstreamResults {
  const lesions: Array<Map<string, Exports>> = [];
  for (let i = 0; i < lesionCount; i++) lesions.push(new Map());
  return { patient: new Map(), lesions };
}
