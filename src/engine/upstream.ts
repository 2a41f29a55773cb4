import type { FactState } from './fact-state.js';
import type { LookupGap } from './lookup-gaps.js';

/** A rule set's outputs for one patient or lesion, by output name (`score`, `category`, `decision`, ...). */
export type Exports = Map<string, FactState>;

/** Results of the rule sets already evaluated, for those that require them. */
export interface UpstreamResults {
  patient: Map<string, Exports>;
  lesions: Array<Map<string, Exports>>;
  /** Derived facts this patient's tables had no row for, so far: open for every rule set that reads them. */
  gaps: LookupGap[];
}

export function emptyUpstream(lesionCount: number): UpstreamResults {
  const lesions: Array<Map<string, Exports>> = [];
  for (let i = 0; i < lesionCount; i++) lesions.push(new Map());
  return { patient: new Map(), lesions, gaps: [] };
}
