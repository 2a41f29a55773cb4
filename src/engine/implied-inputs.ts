import { implicationsOf } from '../ruleset/input-implications.js';
import type { Implied, InputSpec, Narrowing, Scalar } from '../ruleset/types.js';
import type { Record_ } from './read-inputs.js';

/**
 * What the other fields of its record say about an absent input, by its `default` implications and
 * `possible` narrowings: a value, fewer possible values, or a contradiction (a record the patient
 * contract should have rejected), which leaves the input missing with every value possible rather
 * than taking whichever was read first. `takenFrom` names the fields that said it, `note` how.
 * Undefined when no implication or narrowing holds.
 */
export type AbsentValue = ({ value: Scalar } | { values: Scalar[] } | { contradiction: true }) & { takenFrom: string[]; note: string } | undefined;

export function absentValue(input: Pick<InputSpec, 'default' | 'possible'>, record: Record_ | undefined): AbsentValue {
  const declared = implicationsOf(input);
  // Most absent inputs declare neither: nothing to read or allocate for them.
  if (declared.length === 0 && !input.possible) return undefined;
  const implications = declared.filter((i) => holds(i, record));
  const narrowings = input.possible?.filter((n) => holds(n, record)) ?? [];
  if (implications.length === 0 && narrowings.length === 0) return undefined;
  const reasons = [
    ...implications.map((i) => `${because(i)}, so ${String(i.value)}`),
    ...narrowings.map((n) => `${because(n)}, so one of ${n.values.join(', ')}`),
  ].join('; ');
  const takenFrom = [...new Set([...implications, ...narrowings].map((c) => c.whenField))];
  const implied = implications[0]?.value;
  const values = narrowings[0]?.values.filter((v) => narrowings.every((n) => n.values.includes(v)));
  const agree = implications.every((i) => i.value === implied) && (values === undefined || (values.length > 0 && (implied === undefined || values.includes(implied))));
  if (!agree) return { contradiction: true, takenFrom, note: `${reasons}: these disagree, so every value stays possible` };
  if (implied !== undefined) return { value: implied, takenFrom, note: reasons };
  return { values: values ?? [], takenFrom, note: reasons };
}

function holds(condition: Implied | Narrowing, record: Record_ | undefined): boolean {
  return record?.[condition.whenField] === condition.equals;
}

function because({ whenField, equals }: Implied | Narrowing): string {
  return `${whenField} is ${String(equals)}`;
}
