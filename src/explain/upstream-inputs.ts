import type { LoadedRuleSet } from '../ruleset/types.js';
import type { UpstreamInputs } from './resting-marks.js';

/** Each rule set's inputs read from another rule set's output, for the marks a result inherits (evaluationNotes). */
export function upstreamInputs(rulesets: readonly LoadedRuleSet[]): UpstreamInputs {
  return Object.fromEntries(rulesets.map((r) => [r.document.id, Object.fromEntries(Object.entries(r.document.inputs).flatMap(([name, spec]) => (spec.upstream ? [[name, { ruleset: spec.upstream.ruleset, output: spec.upstream.output }]] : [])))]));
}
