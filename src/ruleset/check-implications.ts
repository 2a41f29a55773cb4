import { patientField, type PatientField } from '../patient/patient-fields.js';
import type { PathSegment } from '../source/source-document.js';
import { validator } from '../source/schemas.js';
import { hintFrom, type CheckContext } from './check-context.js';
import { implicationsOf } from './input-implications.js';
import type { InputSpec, Scalar, Scope } from './types.js';

/**
 * An input's implications (`default: {whenField, equals, value}`) and narrowings (`possible`) read
 * another field of the same record and stand in for an absent value. They are sound only when the
 * patient contract (schemas/patient.schema.json) forces them: an implication the contract does not
 * force is a guess, and a narrowing that leaves out a value the contract allows can decide a category
 * the record does not decide. So each is checked against the contract's own validator, value by value:
 * a record with `whenField: equals` and this field at a value left out must be one the contract rejects.
 */
export function checkImplications(ctx: CheckContext, name: string, input: InputSpec, scope: Scope, field: PatientField): void {
  const path = ['inputs', name];
  const implied = implicationsOf(input).map((f, i) => ({ f, at: Array.isArray(input.default) ? [...path, 'default', i] : [...path, 'default'] }));
  const narrowings = (input.possible ?? []).map((f, i) => ({ f, at: [...path, 'possible', i] }));
  const domain = finiteDomain(input, field);
  const allows = (values: Record<string, Scalar>): boolean => validator('patient')(scope === 'patient' ? values : { lesions: [values] });
  for (const { f, at: where } of [...implied, ...narrowings]) {
    // One the schema rejected for a missing key is reported there; read here, it would name `undefined`.
    const complete = typeof f.whenField === 'string' && ('values' in f ? Array.isArray(f.values) : 'value' in f);
    if (!complete) continue;
    const given = 'values' in f ? f.values : [f.value];
    const valueAt = (i: number): PathSegment[] => ('values' in f ? [...where, 'values', i] : [...where, 'value']);
    const when = patientField(scope, f.whenField);
    if (!when) ctx.at([...where, 'whenField'], 'UNKNOWN_PATIENT_FIELD', `"${f.whenField}" is not a ${scope} field of schemas/patient.schema.json`);
    if (!domain) {
      if (when) ctx.at(where, 'IMPLICATION_NOT_IN_CONTRACT', `${name} has no finite list of values (an enum, a boolean, or an integer with minimum and maximum), so the patient contract cannot be checked to force this`);
      continue;
    }
    const outside = given.map((v, i) => ({ v, i })).filter(({ v }) => !domain.includes(v));
    for (const { v, i } of outside) {
      ctx.at(valueAt(i), 'VALUE_NOT_IN_DOMAIN', `${JSON.stringify(v)} is not an allowed value of ${name}${input.enum ? hintFrom(String(v), input.enum) : input.type === 'boolean' ? ' (true or false)' : ` (an integer from ${String(domain[0])} to ${String(domain.at(-1))})`}`);
    }
    // A value outside the input's domain or an unknown field is reported above, an empty list by the schema; the contract is asked once they are fixed.
    if (!when || outside.length || !given.length) continue;
    if (!allows({ [f.whenField]: f.equals })) {
      ctx.at([...where, 'equals'], 'VALUE_NOT_IN_DOMAIN', `${JSON.stringify(f.equals)} is not a value the patient contract allows for ${f.whenField}${when.enum ? hintFrom(String(f.equals), when.enum.map(String)) : ''}`);
      continue;
    }
    const holds = `${f.whenField}: ${JSON.stringify(f.equals)}`;
    const record = (v: Scalar): Record<string, Scalar> => ({ [f.whenField]: f.equals, [field.name]: v });
    if ('value' in f) {
      const others = domain.filter((v) => v !== f.value && allows(record(v)));
      if (!allows(record(f.value))) ctx.at(valueAt(0), 'IMPLICATION_NOT_IN_CONTRACT', `the patient contract does not allow ${field.name}: ${JSON.stringify(f.value)} with ${holds}`);
      else if (others.length) ctx.at(valueAt(0), 'IMPLICATION_NOT_IN_CONTRACT', `the patient contract allows ${holds} with ${field.name}: ${listed(others)}, so an absent ${field.name} cannot be taken as ${JSON.stringify(f.value)}`);
      continue;
    }
    const leftOut = domain.filter((v) => !f.values.includes(v) && allows(record(v)));
    if (leftOut.length) ctx.at([...where, 'values'], 'IMPLICATION_NOT_IN_CONTRACT', `the patient contract allows ${holds} with ${field.name}: ${listed(leftOut)}, which this narrowing leaves out`);
    // Harmless (the value is explored though no record can have it), but not what the rule file says.
    f.values.forEach((v, i) => {
      if (!allows(record(v))) ctx.warn(valueAt(i), 'IMPLICATION_NOT_IN_CONTRACT', `the patient contract does not allow ${field.name}: ${JSON.stringify(v)} with ${holds}; it is explored all the same`);
    });
  }
}

const listed = (values: readonly Scalar[]): string => values.map((v) => JSON.stringify(v)).join(' or ');

/** Every value the input can take, when there are finitely many. */
function finiteDomain(input: InputSpec, field: PatientField): readonly Scalar[] | undefined {
  if (field.enum) return field.enum as Scalar[];
  if (input.type === 'boolean') return [true, false];
  const { minimum: low, maximum: high } = input;
  if (input.type !== 'integer' || low === undefined || high === undefined || high - low > MAX_ENUMERATED) return undefined;
  return Array.from({ length: high - low + 1 }, (_, i) => low + i);
}
/** An integer input's range is enumerated up to this many values (a vertebra count is 33). */
const MAX_ENUMERATED = 100;
