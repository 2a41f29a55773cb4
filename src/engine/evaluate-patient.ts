import type { LoadedRuleSet } from '../ruleset/types.js';
import { evaluateRuleSet } from './evaluate-ruleset.js';
import type { Record_ } from './read-inputs.js';
import type { Evaluation, LesionEvaluation } from './types.js';

/**
 * Evaluates a validated patient against every rule set: patient-scope rule sets once, lesion-scope
 * rule sets once per listed lesion. The output depends only on the patient and the rule sets' content.
 */
export async function evaluatePatient(patient: Record_, rulesets: readonly LoadedRuleSet[]): Promise<Evaluation> {
  const ordered = [...rulesets].sort((a, b) => a.document.id.localeCompare(b.document.id));
  const lesions = Array.isArray(patient.lesions) ? (patient.lesions as Record_[]) : [];
  const evaluation: Evaluation = {
    patient: { id: typeof patient.id === 'string' ? patient.id : null },
    results: {},
    lesions: lesions.map((lesion): LesionEvaluation => ({
      level: typeof lesion.level === 'string' ? lesion.level : null,
      ...(typeof lesion.id === 'string' ? { id: lesion.id } : {}),
      results: {},
    })),
    rulesets: ordered.map((r) => ({ id: r.document.id, version: r.document.version, sha256: r.sha256, title: r.document.title })),
    trace: [],
    missing: [],
    warnings: [],
  };

  for (const ruleset of ordered.filter((r) => r.document.scope === 'patient')) {
    const outcome = await evaluateRuleSet(ruleset, { patient });
    evaluation.results[ruleset.document.id] = outcome.result;
    collect(evaluation, outcome);
  }
  for (const ruleset of ordered.filter((r) => r.document.scope === 'lesion')) {
    for (const [index, lesion] of lesions.entries()) {
      const outcome = await evaluateRuleSet(ruleset, { patient, lesion, lesionIndex: index });
      const target = evaluation.lesions[index];
      if (target) target.results[ruleset.document.id] = outcome.result;
      collect(evaluation, outcome);
    }
  }
  return evaluation;
}

function collect(evaluation: Evaluation, outcome: Pick<Evaluation, 'trace' | 'missing' | 'warnings'>): void {
  evaluation.trace.push(...outcome.trace);
  evaluation.missing.push(...outcome.missing);
  evaluation.warnings.push(...outcome.warnings);
}
