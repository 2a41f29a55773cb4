import type { Evaluation, TraceEntry } from './types.js';

/**
 * How much of the trace an output carries, like an explain level: `full` every rule and condition
 * (audit records always keep it), `rules` the rules that fired with their effects plus totals, bands
 * and precedence (enough to recompute every score and decision), `none` no trace.
 */
export type TraceLevel = 'none' | 'rules' | 'full';
export const TRACE_LEVELS: readonly TraceLevel[] = ['none', 'rules', 'full'];

export function withTraceLevel(evaluation: Evaluation, level: TraceLevel): Evaluation {
  if (level === 'full') return evaluation;
  return { ...evaluation, trace: level === 'none' ? [] : evaluation.trace.filter(keepAtRulesLevel) };
}

function keepAtRulesLevel(entry: TraceEntry): boolean {
  if (entry.kind === 'rule') return entry.fired === true;
  return entry.kind === 'total' || entry.kind === 'band' || entry.kind === 'precedence';
}
