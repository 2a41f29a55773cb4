import type { Part } from '../ruleset/parts.js';
import type { LoadedRuleSet, Scalar } from '../ruleset/types.js';
import type { PartEvaluation } from './part-outcome.js';
import type { FactStates } from './fact-state.js';
import { lesionField } from './lesion-field.js';
import type { PrecedenceTrace } from './types.js';
import { citationOf } from '../ruleset/citation.js';

/**
 * A precedence classification takes the value of the first listed classification that is given — the
 * clinician's own estimate before a score's. A candidate none of whose inputs the record gives is not
 * given, and the next one decides (so an absent estimate leaves it to the score, whether the score is
 * decided or open); a candidate given but still open leaves the value open over what it may be. The
 * inputs of the candidates passed over, and of the open one, are what would decide it.
 */
export function evaluatePrecedence(ruleset: LoadedRuleSet, part: Part, facts: FactStates, lesion?: number): { evaluation: PartEvaluation; trace: PrecedenceTrace } {
  const candidates = (part.firstOf ?? []).map((id) => ({ id, state: facts.get(id) }));
  const possibleValues = new Set<Scalar>();
  const missing = new Set<string>();
  let chosen: (typeof candidates)[number] | undefined;
  for (const [i, candidate] of candidates.entries()) {
    const { state } = candidate;
    if (state?.present) {
      chosen = candidate;
      break;
    }
    for (const input of state?.because ?? []) missing.add(input);
    const read = ruleset.parts.find((p) => p.id === candidate.id)?.facts ?? [];
    const given = read.some((fact) => facts.get(fact)?.present);
    if (given || i === candidates.length - 1) {
      for (const v of state?.domain ?? []) possibleValues.add(v);
      break;
    }
  }
  const value = chosen?.state?.present ? String(chosen.state.value) : null;
  if (value !== null) {
    possibleValues.add(value);
    missing.clear();
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
    reference: citationOf(ruleset.document, part.reference),
  };
  return { evaluation, trace };
}
