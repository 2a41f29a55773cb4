import type { Part } from '../ruleset/parts.js';
import type { LoadedRuleSet, Scalar } from '../ruleset/types.js';
import type { PartEvaluation } from './part-outcome.js';
import type { FactStates } from './fact-state.js';
import { lesionField } from './lesion-field.js';
import type { PrecedenceTrace } from './types.js';

/**
 * A precedence classification takes the value of the first listed classification that is decided —
 * the clinician's own estimate before a score's. When none is decided, its possible values are those
 * the candidates could still take, and every candidate's missing inputs would decide it.
 */
export function evaluatePrecedence(ruleset: LoadedRuleSet, part: Part, facts: FactStates, lesion?: number): { evaluation: PartEvaluation; trace: PrecedenceTrace } {
  const candidates = (part.firstOf ?? []).map((id) => ({ id, state: facts.get(id) }));
  const chosen = candidates.find((c) => c.state?.present);
  const value = chosen?.state?.present ? String(chosen.state.value) : null;
  const possibleValues = new Set<Scalar>(value !== null ? [value] : []);
  const missing = new Set<string>();
  if (value === null) {
    for (const { state } of candidates) {
      if (!state || state.present) continue;
      for (const v of state.domain ?? []) possibleValues.add(v);
      for (const input of state.because) missing.add(input);
    }
  }
  const possible = part.alternatives.filter((a) => possibleValues.has(a.value));
  const outcome = value !== null ? part.alternatives.find((a) => a.value === value) ?? null : null;
  const evaluation: PartEvaluation = {
    part,
    status: value !== null ? 'determined' : 'undetermined',
    value,
    chosen: outcome,
    possible,
    missing: [...missing],
    possiblePoints: [],
    rules: [],
    warnings: [],
  };
  const trace: PrecedenceTrace = {
    kind: 'precedence',
    ruleset: ruleset.document.id,
    ...lesionField(lesion),
    classification: part.id,
    candidates: candidates.map((c) => ({ classification: c.id, value: c.state?.present ? String(c.state.value) : null })),
    chosen: chosen?.id ?? null,
    value,
    reference: ruleset.document.references[part.reference]?.citation ?? part.reference,
  };
  return { evaluation, trace };
}
