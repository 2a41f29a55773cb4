import { rowPatient } from '../batch/row-patient.js';
import type { RowSource } from '../batch/row-source.js';
import { evaluatePatient } from '../engine/evaluate-patient.js';
import type { Problem } from '../problems/problem.js';
import type { LoadedRuleSet } from '../ruleset/types.js';
import { compareComponents, componentValues, type ComponentChange } from './component-values.js';
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

/** A component's changes: as an output's, with the score it adds to and how often that score kept its value. */
export interface ComponentImpact extends OutputImpact {
  score: string;
  /** Changed evaluations in which the score kept its value. */
  absorbed: number;
}

export interface ChangedPatient {
  /** The patient's id, or null when the line has none. */
  id: string | null;
  line: number;
  changes: OutputChange[];
}

export interface ComponentChangedPatient {
  id: string | null;
  line: number;
  /** Whether a result of the patient changed too (the patient is among `changed`). */
  resultChanged: boolean;
  changes: ComponentChange[];
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
  /** Patients with at least one changed component (of a score or subscore). */
  componentChangedPatients: number;
  /** Of those, the patients none of whose results changed: the component changes were absorbed. */
  absorbedPatients: number;
  components: ComponentImpact[];
  componentChanged: ComponentChangedPatient[];
}

/**
 * Evaluates every patient of a cohort (NDJSON or CSV, read as `batch` reads it) on both sides and counts
 * what changes: per output, how many evaluations and patients, and every transition
 * (`potentially_unstable → unstable: 14`), with the changed patients listed; and the same for the
 * components of every score, so that a change a total absorbs (a ceiling, a subscore's threshold) still
 * shows which patients it acted on. A bad row is reported and skipped, never guessed.
 */
export async function cohortImpact(source: RowSource, a: readonly LoadedRuleSet[], b: readonly LoadedRuleSet[]): Promise<CohortImpact> {
  const impact: CohortImpact = {
    file: source.name,
    patients: 0,
    invalid: [],
    invalidRows: 0,
    changedPatients: 0,
    outputs: [],
    changed: [],
    componentChangedPatients: 0,
    absorbedPatients: 0,
    components: [],
    componentChanged: [],
  };
  const outputs = new Map<string, Tally>();
  const components = new Map<string, Tally & { score: string; absorbed: number }>();
  for await (const row of source.rows) {
    const { line } = row;
    const { patient, problems } = rowPatient(row, source.name, source.layout);
    if (!patient) {
      impact.invalid.push(...problems);
      impact.invalidRows++;
      continue;
    }
    impact.patients++;
    const id = typeof patient.id === 'string' ? patient.id : null;
    const [before, after] = [await evaluatePatient(patient, a), await evaluatePatient(patient, b)];
    const changes = compareOutputs(resultOutputs(before), resultOutputs(after));
    if (changes.length) {
      impact.changedPatients++;
      impact.changed.push({ id, line, changes });
    }
    for (const c of changes) tally(outputs, line, c, () => ({}));
    const componentChanges = compareComponents(componentValues(before), componentValues(after));
    if (componentChanges.length) {
      impact.componentChangedPatients++;
      if (!changes.length) impact.absorbedPatients++;
      impact.componentChanged.push({ id, line, resultChanged: changes.length > 0, changes: componentChanges });
    }
    for (const c of componentChanges) tally(components, line, c, () => ({ score: c.score.output, absorbed: 0 })).absorbed += c.absorbed ? 1 : 0;
  }
  impact.outputs = summary(outputs).map(([output, e]) => ({ output, changed: e.changed, patients: e.patients.size, transitions: e.transitions }));
  impact.components = summary(components).map(([output, e]) => ({ output, score: e.score, changed: e.changed, patients: e.patients.size, absorbed: e.absorbed, transitions: e.transitions }));
  return impact;
}

/** One output's changes so far: evaluations, patients (by line) and transitions. */
interface Tally {
  changed: number;
  patients: Set<number>;
  transitions: Map<string, Transition>;
}

/** Counts one change of an output; `start` gives what else a new output's entry keeps. */
function tally<T extends Tally>(tallies: Map<string, T>, line: number, c: Pick<OutputChange, 'output' | 'from' | 'to'>, start: () => Omit<T, keyof Tally>): T {
  const entry = tallies.get(c.output) ?? ({ changed: 0, patients: new Set<number>(), transitions: new Map<string, Transition>(), ...start() } as T);
  tallies.set(c.output, entry);
  entry.changed++;
  entry.patients.add(line);
  const key = `${c.from}\u0000${c.to}`;
  const transition = entry.transitions.get(key) ?? { from: c.from, to: c.to, count: 0 };
  entry.transitions.set(key, { ...transition, count: transition.count + 1 });
  return entry;
}

/** The outputs in name order, each with its transitions most frequent first. */
function summary<T extends Tally>(tallies: Map<string, T>): Array<[string, Omit<T, 'transitions'> & { transitions: Transition[] }]> {
  return [...tallies.entries()]
    .sort(([x], [y]) => x.localeCompare(y))
    .map(([output, e]) => [output, { ...e, transitions: [...e.transitions.values()].sort((x, y) => y.count - x.count || x.from.localeCompare(y.from) || x.to.localeCompare(y.to)) }]);
}
