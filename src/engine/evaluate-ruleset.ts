import type { LoadedRuleSet } from '../ruleset/types.js';
import { deriveFacts } from './derive.js';
import { evaluateComponents } from './evaluate-components.js';
import { lesionField } from './lesion-field.js';
import { readInputs, type ScopeInstance } from './read-inputs.js';
import { evaluateTotal } from './total.js';
import type { EvaluationWarning, MissingInput, ScoreResult, TraceEntry } from './types.js';

export interface RuleSetEvaluation {
  result: ScoreResult;
  trace: TraceEntry[];
  missing: MissingInput[];
  warnings: EvaluationWarning[];
}

/**
 * One rule set on one patient (or one lesion): inputs → lookups → each subscore, then the score.
 * A subscore's total becomes a fact for the scores after it — missing, with its possible totals as the
 * domain, when it could not be decided.
 */
export async function evaluateRuleSet(ruleset: LoadedRuleSet, instance: ScopeInstance): Promise<RuleSetEvaluation> {
  const { document } = ruleset;
  const lesion = instance.lesionIndex;
  const { facts, trace: inputTrace } = readInputs(ruleset, instance);
  const trace: TraceEntry[] = [...inputTrace, ...deriveFacts(ruleset, facts, lesion)];
  const warnings: EvaluationWarning[] = trace.flatMap((t) =>
    t.kind === 'lookup' && t.unconfirmed ? [{ code: 'UNCONFIRMED_SOURCE' as const, ruleset: document.id, ...lesionField(lesion), message: `table ${t.table} row ${String(t.key)}: ${t.unconfirmed}` }] : [],
  );
  for (const t of trace) {
    if (t.kind === 'lookup' && t.key !== null && t.value === null) {
      warnings.push({ code: 'TABLE_NO_ENTRY', ruleset: document.id, ...lesionField(lesion), message: `table ${t.table} has no row for ${String(t.key)}; ${t.fact} is undetermined` });
    }
  }

  const missingByInput = new Map<string, Set<string>>();
  const subscores: Record<string, Omit<ScoreResult, 'subscores'>> = {};
  let primary: ScoreResult | undefined;
  for (const score of ruleset.scores) {
    const evaluated = await evaluateComponents(ruleset, score, facts, lesion);
    const total = evaluateTotal(ruleset, score, evaluated, lesion);
    const { components } = evaluated;
    trace.push(...components.flatMap((c) => c.rules), ...total.trace);
    warnings.push(...components.flatMap((c) => c.warnings), ...total.warnings);

    const missing = new Set<string>();
    for (const c of components) {
      for (const input of c.result.status === 'determined' ? [] : (c.result.missing ?? [])) {
        missing.add(input);
        const affected = missingByInput.get(input) ?? new Set<string>();
        affected.add(score.id === document.id ? c.id : `${score.id}.${c.id}`);
        missingByInput.set(input, affected);
      }
    }
    const result: ScoreResult = { ...total.result, missing: [...missing] };
    if (total.possible.length === 1 && total.possible[0] !== undefined) facts.set(score.id, { present: true, value: total.possible[0] });
    else facts.set(score.id, { present: false, because: [...missing], domain: total.possible });

    if (score === ruleset.scores[ruleset.scores.length - 1]) primary = result;
    else subscores[score.id] = result;
  }
  if (!primary) throw new Error(`rule set ${document.id} has no score`); // the schema requires one
  if (Object.keys(subscores).length) primary.subscores = subscores;
  primary.missing = [...new Set([...Object.values(subscores).flatMap((s) => s.missing), ...primary.missing])];

  const missing = [...missingByInput].map(([input, affects]) => ({ ruleset: document.id, ...lesionField(lesion), input, affects: [...affects] }));
  return { result: primary, trace, missing, warnings };
}
