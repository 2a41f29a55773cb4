import { rowPatient } from '../batch/row-patient.js';
import type { RowSource } from '../batch/row-source.js';
import { evaluatePatient } from '../engine/evaluate-patient.js';
import type { Problem } from '../problems/problem.js';
import type { LoadedRuleSet } from '../ruleset/types.js';
import { compareOutputs, resultOutputs, type OutputChange } from './result-outputs.js';

export interface Transition {
  from: string;
  to: string;
  count: number;
}

export interface OutputImpact {
  output: string;
  /** Evaluations (a patient, or a lesion for lesion-scope rule sets) whose value changed. */
  changed: number;
  /** Patients with at least one changed value of this output. */
  patients: number;
  transitions: Transition[];
}

export interface ChangedPatient {
  /** The patient's id, or null when the line has none. */
  id: string | null;
  line: number;
  changes: OutputChange[];
}

export interface CohortImpact {
  file: string;
  patients: number;
  invalid: Problem[];
  /** Rows skipped as invalid (a row may have several problems). */
  invalidRows: number;
  changedPatients: number;
  outputs: OutputImpact[];
  changed: ChangedPatient[];
}

/**
 * Evaluates every patient of a cohort (NDJSON or CSV, read as `batch` reads it) on both sides and counts
 * what changes: per output, how many evaluations and patients, and every transition
 * (`potentially_unstable → unstable: 14`), with the changed patients listed. A bad row is reported and
 * skipped, never guessed.
 */
export async function cohortImpact(source: RowSource, a: readonly LoadedRuleSet[], b: readonly LoadedRuleSet[]): Promise<CohortImpact> {
  const impact: CohortImpact = { file: source.name, patients: 0, invalid: [], invalidRows: 0, changedPatients: 0, outputs: [], changed: [] };
  const outputs = new Map<string, { changed: number; patients: Set<number>; transitions: Map<string, Transition> }>();
  for await (const row of source.rows) {
    const { line } = row;
    const { patient, problems } = rowPatient(row, source.name, source.layout);
    if (!patient) {
      impact.invalid.push(...problems);
      impact.invalidRows++;
      continue;
    }
    impact.patients++;
    const before = resultOutputs(await evaluatePatient(patient, a));
    const after = resultOutputs(await evaluatePatient(patient, b));
    const changes = compareOutputs(before, after);
    if (!changes.length) continue;
    impact.changedPatients++;
    impact.changed.push({ id: typeof patient.id === 'string' ? patient.id : null, line, changes });
    for (const c of changes) {
      const entry = outputs.get(c.output) ?? { changed: 0, patients: new Set<number>(), transitions: new Map<string, Transition>() };
      outputs.set(c.output, entry);
      entry.changed++;
      entry.patients.add(line);
      const key = `${c.from}\u0000${c.to}`;
      const transition = entry.transitions.get(key) ?? { from: c.from, to: c.to, count: 0 };
      entry.transitions.set(key, { ...transition, count: transition.count + 1 });
    }
  }
  impact.outputs = [...outputs.entries()]
    .sort(([x], [y]) => x.localeCompare(y))
    .map(([output, e]) => ({ output, changed: e.changed, patients: e.patients.size, transitions: [...e.transitions.values()].sort((x, y) => y.count - x.count || x.from.localeCompare(y.from) || x.to.localeCompare(y.to)) }));
  return impact;
}
