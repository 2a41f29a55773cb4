import type { Part, PartAlternative } from '../ruleset/parts.js';
import type { Band, LoadedRuleSet, Scalar } from '../ruleset/types.js';
import { ruleName, type RuleContext } from './rule-trace.js';
import type { ShownValue, UnconfirmedSourceWarning } from './types.js';

type Status = UnconfirmedSourceWarning['status'];

/**
 * An alternative marked unconfirmed: `applies` when it is the one that held, `possible` when missing
 * data leaves it one of several that may have.
 */
export function unconfirmedRule(context: RuleContext, alternative: PartAlternative, note: string, status: Status): UnconfirmedSourceWarning {
  const { part } = context;
  // Built only the first time (shared() keeps it): nothing here runs per patient once it exists.
  return shared(context.ruleset, alternative, context.lesion, status, '', () => {
    const what = part.kind === 'recommendation' ? `recommendation ${part.id}` : `${part.id} = ${alternative.id}`;
    return build(context.ruleset, context.lesion, status, 'rule', ruleName(part, alternative), what, note, besidePart(part));
  });
}

/** A band marked unconfirmed: `applies` when the score fell in it alone, `possible` when its range spans it and others. */
export function unconfirmedBand(ruleset: LoadedRuleSet, lesion: number | undefined, score: string, band: Band, note: string, status: Status): UnconfirmedSourceWarning {
  return shared(ruleset, band, lesion, status, score, () => build(ruleset, lesion, status, 'band', `${score}.${band.category}`, `${score} category ${band.category}`, note, [{ score }]));
}

/**
 * A table row marked unconfirmed that derived `fact`: `applies` when its key was known, `possible`
 * when the key is missing and could take this row's value. It bears on every part that tests the fact.
 */
export function unconfirmedRow(ruleset: LoadedRuleSet, lesion: number | undefined, table: string, key: Scalar, fact: string, row: object, note: string, status: Status): UnconfirmedSourceWarning {
  return shared(ruleset, row, lesion, status, fact, () => build(ruleset, lesion, status, 'row', `${table}.${String(key)}`, `table ${table} row ${String(key)}`, note, testing(ruleset, fact)));
}

/**
 * Every field of the warning comes from the rule set, so it is built once per rule set, element
 * (alternative, band, table row; a profile's patched rule set may share a row with the base, not its
 * parts), place, status and `also` (the score or derived fact it is read as), and shared by every
 * patient: nothing changes a warning after it is made (frozen, so that a change would fail loudly).
 */
function shared(ruleset: LoadedRuleSet, element: object, lesion: number | undefined, status: Status, also: string, make: () => UnconfirmedSourceWarning): UnconfirmedSourceWarning {
  let byElement = sharedWarnings.get(ruleset);
  if (!byElement) sharedWarnings.set(ruleset, (byElement = new WeakMap()));
  let byPlace = byElement.get(element);
  if (!byPlace) byElement.set(element, (byPlace = new Map()));
  const key = `${lesion ?? ''} ${status} ${also}`;
  let warning = byPlace.get(key);
  if (!warning) byPlace.set(key, (warning = Object.freeze(make())));
  return warning;
}
const sharedWarnings = new WeakMap<LoadedRuleSet, WeakMap<object, Map<string, UnconfirmedSourceWarning>>>();

/** By assignment in the warning's key order; `what` leads the message, as it did before the fields existed. */
function build(ruleset: LoadedRuleSet, lesion: number | undefined, status: Status, element: UnconfirmedSourceWarning['element'], id: string, what: string, note: string, beside: readonly ShownValue[]): UnconfirmedSourceWarning {
  const warning = { code: 'UNCONFIRMED_SOURCE', ruleset: ruleset.document.id } as UnconfirmedSourceWarning;
  if (lesion !== undefined) warning.lesion = lesion;
  warning.status = status;
  warning.element = element;
  warning.id = id;
  warning.note = note;
  warning.beside = beside;
  warning.message = `${what}${status === 'possible' ? ' (possible: missing data leaves it open)' : ''}: ${note}`;
  return warning;
}

/** The value a part's alternatives give, as the result shows it; made once per part (frozen: shared by every warning). */
function besidePart(part: Part): readonly ShownValue[] {
  let beside = besideByPart.get(part);
  if (!beside) {
    const value: ShownValue = part.kind === 'component' ? { score: part.group, component: part.id } : part.kind === 'classification' ? { classification: part.id } : { recommendation: part.id };
    besideByPart.set(part, (beside = Object.freeze([Object.freeze(value)])));
  }
  return beside;
}
const besideByPart = new WeakMap<Part, readonly ShownValue[]>();

/** The values of every part whose conditions test `fact`, worked out once per rule set and fact. */
function testing(ruleset: LoadedRuleSet, fact: string): readonly ShownValue[] {
  let byFact = testingByRuleSet.get(ruleset);
  if (!byFact) testingByRuleSet.set(ruleset, (byFact = new Map()));
  let beside = byFact.get(fact);
  if (!beside) byFact.set(fact, (beside = Object.freeze(ruleset.parts.filter((p) => p.facts.includes(fact)).flatMap(besidePart))));
  return beside;
}
const testingByRuleSet = new WeakMap<LoadedRuleSet, Map<string, readonly ShownValue[]>>();
