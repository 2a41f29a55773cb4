import type { Part, PartAlternative } from '../ruleset/parts.js';
import { lesionField } from './lesion-field.js';
import type { RuleContext } from './rule-trace.js';
import type { EngineWarning, EvaluationWarning, RuleTrace, UnconfirmedSourceWarning } from './types.js';
import { unconfirmedRule } from './unconfirmed-warning.js';

export type PartStatus = 'determined' | 'undetermined' | 'conflict';

export interface PartEvaluation {
  part: Part;
  status: PartStatus;
  /** The outcome when determined: the alternative's id for a component, its value otherwise. */
  value: string | null;
  /** The one alternative that held, when a single one did in every case considered. */
  chosen: PartAlternative | null;
  /** Alternatives that hold for some value of the missing inputs (or that held together, in a conflict). */
  possible: PartAlternative[];
  /** Inputs whose absence left the part open (or that were absent but did not matter). */
  missing: string[];
  /** Points the part may contribute (components). */
  possiblePoints: number[];
  rules: RuleTrace[];
  warnings: readonly EvaluationWarning[];
}

export interface PartsEvaluation {
  parts: PartEvaluation[];
  /**
   * Point sets whose sums are the possible totals: one per decided component, and one per group of open
   * components that share an unknown (the sums that occur together), so a total range is exact.
   */
  pointSets: number[][];
}

/**
 * Decided: one outcome. `chosen` is null when different rows with the same value held in different cases.
 * `possiblePoints` may be given when already known (a remembered exploration has them).
 */
export function determined(context: RuleContext, chosen: PartAlternative | null, possible: PartAlternative[], rules: RuleTrace[], missing: string[], possiblePoints = pointsOf(possible)): PartEvaluation {
  const outcome = chosen ?? possible[0];
  // Another row that gives the same value may be the one that held: the unconfirmed one then only may have.
  const warnings = unconfirmedAlternatives(context, possible, (a) => (a === chosen ? 'applies' : 'possible'));
  return { part: context.part, status: 'determined', value: outcome ? outcome.value : null, chosen, possible, missing, possiblePoints, rules, warnings };
}

/** The warnings of the alternatives marked unconfirmed among `possible`, each with its status. */
export function unconfirmedAlternatives(context: RuleContext, possible: readonly PartAlternative[], status: (a: PartAlternative) => UnconfirmedSourceWarning['status']): readonly EvaluationWarning[] {
  // Nearly always no possible alternative is unconfirmed: then no warnings are built at all.
  let warnings: EvaluationWarning[] | undefined;
  for (const a of possible) if (a.unconfirmed !== undefined) (warnings ??= []).push(unconfirmedRule(context, a, a.unconfirmed, status(a)));
  return warnings ?? NO_WARNINGS;
}
/** Shared by every evaluation without warnings; frozen, so that a change to it would fail loudly. */
export const NO_WARNINGS: readonly EvaluationWarning[] = Object.freeze([]);

/** None or several alternatives held: never guess. The part stays open over all of its alternatives. */
export function conflict(context: RuleContext, fired: PartAlternative[], rules: RuleTrace[]): PartEvaluation {
  const { part } = context;
  return {
    part,
    status: 'conflict',
    value: null,
    chosen: null,
    possible: fired,
    missing: [],
    possiblePoints: pointsOf(part.alternatives),
    rules,
    warnings: [
      fired.length === 0
        ? partWarning(context, 'COMPONENT_NO_MATCH', `${part.id}: no alternative matched the input; it is left open`)
        : partWarning(context, 'COMPONENT_MULTIPLE_MATCH', `${part.id}: several alternatives matched (${fired.map((a) => a.id).join(', ')}); it is left open`),
    ],
  };
}

export function partWarning(context: RuleContext, code: EngineWarning['code'], message: string): EngineWarning {
  return { code, ruleset: context.ruleset.document.id, ...lesionField(context.lesion), message };
}

export function pointsOf(alternatives: readonly PartAlternative[]): number[] {
  if (alternatives.length === 1) return [alternatives[0]?.points ?? 0];
  return [...new Set(alternatives.map((a) => a.points ?? 0))].sort((a, b) => a - b);
}

/**
 * The distinct values of some alternatives, in order: an undecided classification's possible values.
 * Remembered per list, as a remembered exploration's lists are shared by every patient that finds it;
 * the array is read-only, shared in turn by the results and facts built from it.
 */
export function valuesOf(possible: readonly PartAlternative[]): readonly string[] {
  let values = valuesByList.get(possible);
  if (!values) {
    const distinct: string[] = [];
    for (const a of possible) if (!distinct.includes(a.value)) distinct.push(a.value);
    // Frozen: shared by the results and facts of every patient that finds the list remembered.
    values = Object.freeze(distinct);
    valuesByList.set(possible, values);
  }
  return values;
}
const valuesByList = new WeakMap<readonly PartAlternative[], readonly string[]>();
