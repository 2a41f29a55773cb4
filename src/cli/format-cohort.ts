import type { CohortImpact } from '../diff/cohort-impact.js';
import type { ComponentChange } from '../diff/component-values.js';

/**
 * The cohort part of `diff`'s text: what changed in results, then in components, where a change a total
 * absorbed (components changed, result unchanged) is listed apart from one that reached the result.
 */
export function formatCohort(cohort: CohortImpact, show: number): string[] {
  const lines = ['', `Cohort ${cohort.file}: ${counted(cohort.patients, 'patient')}, ${cohort.changedPatients} changed${cohort.invalidRows ? `, ${counted(cohort.invalidRows, 'invalid line')} skipped` : ''}`];
  for (const o of cohort.outputs) {
    lines.push(`  ${o.output}: ${o.changed} changed in ${counted(o.patients, 'patient')}`);
    for (const t of o.transitions) lines.push(`      ${t.from} -> ${t.to}: ${t.count}`);
  }
  lines.push(...listed('Changed patients', cohort.changed, show, (p) => p.changes.map((c) => `${named(c)} ${c.from} -> ${c.to}`)));

  const changed = cohort.componentChangedPatients;
  lines.push('', changed ? `Components: ${counted(changed, 'patient')} with a changed component; result changed in ${changed - cohort.absorbedPatients}, unchanged in ${cohort.absorbedPatients} (absorbed)` : 'Components: none changed');
  for (const o of cohort.components) {
    lines.push(`  ${o.output} (adds to ${o.score}): ${o.changed} changed in ${counted(o.patients, 'patient')}, ${o.absorbed} absorbed`);
    for (const t of o.transitions) lines.push(`      ${t.from} -> ${t.to}: ${t.count}`);
  }
  const componentLines = (p: { changes: ComponentChange[] }): string[] => p.changes.map((c) => `${named(c)} ${c.from} -> ${c.to}, ${c.score.output} ${c.absorbed ? `stays ${c.score.from}` : `${c.score.from} -> ${c.score.to}`}`);
  lines.push(...listed('Components changed, result changed', cohort.componentChanged.filter((p) => p.resultChanged), show, componentLines));
  lines.push(...listed('Components changed, result unchanged (absorbed)', cohort.componentChanged.filter((p) => !p.resultChanged), show, componentLines));
  return lines;
}

/** A heading and the first `show` patients, one line each; nothing when there are none. */
function listed<P extends { id: string | null; line: number }>(heading: string, patients: readonly P[], show: number, changes: (p: P) => string[]): string[] {
  if (!patients.length) return [];
  const lines = ['', `${heading}${patients.length > show ? ` (first ${show} of ${patients.length}; --format json lists all)` : ''}:`];
  for (const p of patients.slice(0, show)) lines.push(`  ${p.id ?? '(no id)'} (line ${p.line}): ${changes(p).join('; ')}`);
  return lines;
}

const named = (c: { output: string; lesion?: number }): string => `${c.output}${c.lesion !== undefined ? `[lesion ${c.lesion + 1}]` : ''}`;

const counted = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;
