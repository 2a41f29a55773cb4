import { patientField, type PatientField, type PatientFieldType } from '../patient/patient-fields.js';
import { isPlainObject, isStringList } from '../source/plain-object.js';
import type { PathSegment } from '../source/source-document.js';
import { hintFrom, type CheckContext } from './check-context.js';
import { checkImplications } from './check-implications.js';
import { contractStep } from './fact-model.js';
import { implicationsOf } from './input-implications.js';
import type { DerivedSpec, InputSpec, RuleSetDocument, TableSpec } from './types.js';

/**
 * Why an input that reads a patient field names none of the contract's (undefined when it does, or reads
 * another rule set's output or only counts lesions). Also asked of a profile's add-input change alone.
 */
export function unknownPatientField(name: string, input: InputSpec, scope: RuleSetDocument['scope']): string | undefined {
  if (input.upstream || input.aggregate === 'count') return undefined;
  const fieldScope = (input.from ?? scope) === 'patient' ? 'patient' : 'lesion';
  const fieldName = input.field ?? name;
  return patientField(fieldScope, fieldName) ? undefined : `"${fieldName}" is not a ${fieldScope} field of schemas/patient.schema.json`;
}

/**
 * Inputs name fields of the patient contract (with the same allowed values and a known unit) or outputs
 * of a required rule set; tables map allowed keys to declared values; derived facts look up real tables.
 */
export function checkInputs(ctx: CheckContext): void {
  for (const [name, input] of Object.entries(ctx.doc.inputs)) ctx.guard(() => checkInput(ctx, name, input));
  for (const [name, table] of Object.entries(ctx.doc.tables ?? {})) ctx.guard(() => checkTable(ctx, name, table));
  for (const [name, derived] of Object.entries(ctx.doc.derived ?? {})) ctx.guard(() => checkDerived(ctx, name, derived));
}

function checkInput(ctx: CheckContext, name: string, input: InputSpec): void {
  const { doc, at } = ctx;
  const from = input.from ?? doc.scope;
  const path = ['inputs', name];
  if (from === 'lesion' && doc.scope === 'patient') at([...path, 'from'], 'UNKNOWN_PATIENT_FIELD', 'a patient-scope rule set reads lesion fields with from: lesions and an aggregate');
  if (from === 'lesions' && doc.scope !== 'patient') at([...path, 'from'], 'UNKNOWN_PATIENT_FIELD', 'only a patient-scope rule set combines values over all lesions');
  if ((from === 'lesions') !== (input.aggregate !== undefined)) at(path, 'SCHEMA_REQUIRED', 'from: lesions and aggregate go together', true);
  if (input.matches && input.aggregate !== 'any' && input.aggregate !== 'all') at([...path, 'matches'], 'SCHEMA_INVALID', 'matches goes with aggregate any or all');
  if (input.countedBy !== undefined) checkCountedBy(ctx, path, from, input.countedBy);
  if (input.possible && (input.upstream || from === 'lesions')) at([...path, 'possible'], 'SCHEMA_INVALID', 'possible narrows an input read from one patient or lesion field');
  if (implicationsOf(input).length && (input.upstream || from === 'lesions')) at([...path, 'default'], 'SCHEMA_INVALID', 'a default implied by another field stands in for an input read from one patient or lesion field');
  if (input.upstream) {
    // An upstream that is no mapping, names its rule set by no string, or a `requires` that is no list of
    // ids (null, `sins`, `[nesms, 7]`), is the schema's problem alone: which rule set was meant, or listed,
    // cannot be told. Only a `requires` left out lists none.
    const ruleset: unknown = isPlainObject(input.upstream) ? input.upstream.ruleset : undefined;
    const requires: unknown = doc.requires === undefined ? [] : doc.requires;
    if (typeof ruleset === 'string' && isStringList(requires) && !requires.includes(ruleset)) {
      at([...path, 'upstream', 'ruleset'], 'UNDECLARED_REQUIREMENT', `rule set "${ruleset}" is read here but not listed in requires`);
    }
    return;
  }
  // One written and rejected (`enum: 7`, `enum:`) is the schema's problem alone.
  if (input.type === 'string' && input.enum === undefined) at(path, 'INPUT_DOMAIN_MISMATCH', `string input "${name}" must list its allowed values (enum)`, true);
  if (input.aggregate === 'count') return;
  const unknown = unknownPatientField(name, input, doc.scope);
  if (unknown) {
    at(input.field ? [...path, 'field'] : path, 'UNKNOWN_PATIENT_FIELD', unknown, !input.field);
    return;
  }
  const fieldScope = from === 'patient' ? 'patient' : 'lesion';
  const fieldName = input.field ?? name;
  const field = patientField(fieldScope, fieldName) as PatientField;
  // A type the schema rejects (strng, or none) is its problem alone: read as no type, it has no mismatch to add.
  if (from !== 'lesions' && DECLARABLE.has(input.type) && !TYPES_READ[field.type].includes(input.type)) {
    at([...path, 'type'], 'INPUT_TYPE_MISMATCH', `the patient contract gives ${fieldName} as ${field.type === 'quantity' ? 'a {value, unit} quantity' : `${field.type === 'integer' ? 'an' : 'a'} ${field.type}`}, read as type: ${TYPES_READ[field.type].join(' or ')}, not ${input.type}`);
  }
  const allowed = field.enum?.map(String);
  for (const [i, value] of (input.matches ?? []).entries()) {
    if (allowed && !allowed.includes(value)) at([...path, 'matches', i], 'VALUE_NOT_IN_DOMAIN', `"${value}" is not a value of ${fieldName}${hintFrom(value, allowed)}`);
  }
  if (isStringList(input.enum) && field.enum && input.aggregate !== 'contiguous') {
    const declared = new Set(input.enum);
    const contract = new Set(field.enum.map(String));
    const extra = [...declared].filter((v) => !contract.has(v));
    const absent = [...contract].filter((v) => !declared.has(v));
    if (extra.length || absent.length) {
      at([...path, 'enum'], 'INPUT_DOMAIN_MISMATCH',
        `allowed values differ from the patient contract${extra.length ? `; not in the contract: ${extra.join(', ')}` : ''}${absent.length ? `; not handled here: ${absent.join(', ')}` : ''}`);
    }
  }
  // The checks of gaps and reachability run over the values an input declares: bounds narrower than the
  // contract's would leave values a patient may have unchecked (Karnofsky 10-40 under `minimum: 50`).
  if (from !== 'lesions' && (field.type === 'integer' || field.type === 'number') && (!input.unit || input.unit === field.unit)) {
    for (const bound of ['minimum', 'maximum'] as const) {
      if (field[bound] === undefined || input[bound] === undefined || input[bound] === field[bound]) continue;
      at([...path, bound], 'INPUT_DOMAIN_MISMATCH', `${bound} ${String(input[bound])} differs from the patient contract's ${bound} of ${fieldName}, ${field[bound]}: the rule set must be checked over every value a patient may have`);
    }
  }
  // Without a unit the raw number would be read whatever unit it was given in (28 g/L as 28 g/dL).
  if (!input.unit && (field.type === 'quantity' || field.units.length > 1)) {
    at(path, 'UNIT_MISMATCH', `the patient contract admits ${fieldName} in ${field.units.join(', ')}: declare the unit this rule set reads (unit:) and conversions from the others`, true);
  }
  for (const unit of field.units) {
    if (input.unit && unit !== input.unit && !input.conversions?.some((c) => c.from === unit)) {
      at([...path, 'unit'], 'UNIT_MISMATCH', `the patient contract admits ${name} in ${unit}, and there is no conversion from ${unit} to ${input.unit}`);
    }
  }
  input.conversions?.forEach((c, i) => ctx.reference(c.reference, [...path, 'conversions', i, 'reference']));
  if (from !== 'lesions') checkImplications(ctx, name, input, fieldScope, field);
}

function checkTable(ctx: CheckContext, name: string, table: TableSpec): void {
  const { at } = ctx;
  ctx.reference(table.reference, ['tables', name, 'reference']);
  for (const [key, row] of Object.entries(table.rows)) {
    const values: Array<[unknown, PathSegment[]]> = typeof row === 'string'
      ? [[row, ['tables', name, 'rows', key]]]
      : Array.isArray(row.possible) ? row.possible.map((v, i) => [v, ['tables', name, 'rows', key, 'possible', i]]) : [[row.value, ['tables', name, 'rows', key, 'value']]];
    for (const [value, where] of values) {
      // A row without a string value is the schema's problem, reported there.
      if (typeof value === 'string' && !table.values.includes(value)) {
        at(where, 'TABLE_VALUE_NOT_IN_DOMAIN', `"${value}" is not one of the table's values${hintFrom(value, table.values)}; allowed: ${table.values.join(', ')}`);
      }
    }
    if (typeof row !== 'string') ctx.reference(row.reference, ['tables', name, 'rows', key, 'reference']);
  }
}

function checkDerived(ctx: CheckContext, name: string, derived: DerivedSpec): void {
  const { doc, at } = ctx;
  const path = ['derived', name];
  if (doc.inputs[name]) at(path, 'DUPLICATE_ID', `"${name}" is both an input and a derived fact`, true);
  const table = doc.tables?.[derived.lookup];
  if (!table) at([...path, 'lookup'], 'UNKNOWN_TABLE', `no table named "${derived.lookup}"${hintFrom(derived.lookup, Object.keys(doc.tables ?? {}))}`);
  const key = doc.inputs[derived.key];
  if (!key) {
    at([...path, 'key'], 'UNKNOWN_FACT', `the key "${derived.key}" is not an input${hintFrom(derived.key, Object.keys(doc.inputs))}`);
  } else if (table) {
    const step = contractStep(doc, derived.key, key);
    for (const row of Object.keys(table.rows)) {
      const misfit = rowKeyMisfit(row, derived.key, key, step);
      if (misfit) at(['tables', derived.lookup, 'rows', row], 'TABLE_KEY_NOT_IN_DOMAIN', misfit, true);
    }
  }
  if (derived.override) {
    const override = doc.inputs[derived.override];
    if (!override) at([...path, 'override'], 'UNKNOWN_FACT', `the override "${derived.override}" is not an input${hintFrom(derived.override, Object.keys(doc.inputs))}`);
    else if (table && isStringList(override.enum) && override.enum.some((v) => !table.values.includes(v))) {
      at([...path, 'override'], 'TABLE_VALUE_NOT_IN_DOMAIN', `values of ${derived.override} must be values of table ${derived.lookup}: ${table.values.join(', ')}`);
    }
  }
}

/**
 * Why no value of the key input is looked up by a table's row key (undefined when one is). A value is
 * looked up by its text (ECOG 2 as "2"): a row "2.0", or "5" of ECOG 0-4, is never used, and a set-table
 * writing it would change nothing.
 */
function rowKeyMisfit(row: string, name: string, input: InputSpec, step: number | undefined): string | undefined {
  if (input.enum !== undefined) return !isStringList(input.enum) || input.enum.includes(row) ? undefined : `"${row}" is not an allowed value of ${name}${hintFrom(row, input.enum)}`;
  if (input.type === 'boolean') return row === 'true' || row === 'false' ? undefined : `"${row}" is not a value of ${name}, true or false${hintFrom(row, ['true', 'false'])}`;
  if (input.type !== 'integer' && input.type !== 'number') return undefined;
  const value = row.trim() === '' ? NaN : Number(row);
  const [minimum, maximum] = [input.minimum ?? -Infinity, input.maximum ?? Infinity];
  const taken = Number.isFinite(value) && (input.type === 'number' || Number.isInteger(value)) && value >= minimum && value <= maximum && (!step || Number.isInteger(value / step));
  if (taken && String(value) === row) return undefined;
  if (taken) return `"${row}" is not how ${name} ${value} is looked up; did you mean "${value}"?`;
  const range = `${Number.isFinite(minimum) ? ` from ${minimum}` : ''}${Number.isFinite(maximum) ? ` to ${maximum}` : ''}`;
  return `"${row}" is not a value of ${name}, ${input.type === 'integer' ? 'an integer' : 'a number'}${range}${step ? ` in steps of ${step}` : ''}`;
}

/** The input types that can read a patient field of each type (an integer may be read as a number). */
const TYPES_READ: Record<PatientFieldType, readonly string[]> = {
  string: ['string'],
  number: ['number'],
  integer: ['integer', 'number'],
  boolean: ['boolean'],
  quantity: ['number'],
  array: [],
};
/** Every type an input may declare. */
const DECLARABLE: ReadonlySet<string> = new Set(Object.values(TYPES_READ).flat());

/** `countedBy` combines values over lesions, and names an integer input read from the patient. */
function checkCountedBy({ doc, at }: CheckContext, path: string[], from: string, countedBy: string): void {
  if (from !== 'lesions') return at([...path, 'countedBy'], 'SCHEMA_INVALID', 'countedBy goes with from: lesions');
  const count = doc.inputs[countedBy];
  if (!count) return at([...path, 'countedBy'], 'UNKNOWN_FACT', `"${countedBy}" is not an input${hintFrom(countedBy, Object.keys(doc.inputs))}`);
  if (count.type !== 'integer' || count.upstream || (count.from ?? doc.scope) !== 'patient') {
    at([...path, 'countedBy'], 'SCHEMA_INVALID', `"${countedBy}" must be an integer input read from the patient`);
  }
}
