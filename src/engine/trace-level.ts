import type { Evaluation, InputTrace, TraceEntry } from './types.js';

/**
 * How much of the trace an output carries, like an explain level: `full` every rule and condition
 * (audit records always keep it, and only it recomputes every result: what was decided or left open
 * over missing inputs rests on rules that did not fire), `rules` the rules that fired with their effects
 * plus totals, bands and precedence and the inputs that were not given but taken, or narrowed, from
 * other fields (so that what was assumed is never silent), `none` no trace.
 */
export type TraceLevel = 'none' | 'rules' | 'full';
export const TRACE_LEVELS: readonly TraceLevel[] = ['none', 'rules', 'full'];

export function withTraceLevel(evaluation: Evaluation, level: TraceLevel): Evaluation {
  if (level === 'full') return evaluation;
  return { ...evaluation, traceLevel: level, trace: evaluation.trace.filter((entry) => keepsEntry(level, entry)) };
}

/** Whether a trace entry belongs at this level. */
export function keepsEntry(level: TraceLevel, entry: TraceEntry): boolean {
  if (entry.kind === 'rule') return keepsRule(level, entry.fired);
  if (entry.kind === 'input') return keepsInput(level, entry);
  return level === 'full' || (level === 'rules' && (entry.kind === 'total' || entry.kind === 'band' || entry.kind === 'precedence'));
}

/** Whether an input entry belongs at this level (below full: only one taken from other fields); decided before it is built. */
export function keepsInput(level: TraceLevel, entry: Pick<InputTrace, 'takenFrom'>): boolean {
  return level === 'full' || (level === 'rules' && entry.takenFrom !== undefined);
}

/** Whether a level keeps any rule entry at all: below it, which rules fired is not even looked at for the trace. */
export function keepsRules(level: TraceLevel): boolean {
  return level !== 'none';
}

/** Whether a rule entry that fired (or not, or null: undecided) belongs at this level; decided before it is built. */
export function keepsRule(level: TraceLevel, fired: boolean | null): boolean {
  return level === 'full' || (level === 'rules' && fired === true);
}
