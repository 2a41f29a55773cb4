import { readSchema } from '../source/schemas.js';
import type { Scope } from '../ruleset/types.js';

/** A field's JSON type; `quantity` is an object `{value, unit}` (the labs), `albumin` is a number that may also be one. */
export type PatientFieldType = 'string' | 'number' | 'integer' | 'boolean' | 'quantity' | 'array';

/** What the patient contract (schemas/patient.schema.json) says about one field. */
export interface PatientField {
  name: string;
  scope: Scope;
  type: PatientFieldType;
  enum?: readonly unknown[];
  /** The unit of a bare number (`x-unit`). */
  unit?: string;
  /** Every unit the field accepts: the bare number's and those of its `{value, unit}` form. */
  units: string[];
  /** A number the contract allows only in steps (Karnofsky: 10). */
  multipleOf?: number;
  /** The bounds of a plain number field (not of a quantity, whose bounds depend on its unit). */
  minimum?: number;
  maximum?: number;
}

interface SchemaNode {
  type?: string;
  else?: { type?: string };
  enum?: unknown[];
  multipleOf?: number;
  minimum?: number;
  maximum?: number;
  then?: { $ref?: string };
  'x-unit'?: string;
  properties?: Record<string, SchemaNode>;
  items?: { $ref?: string };
  $defs?: Record<string, SchemaNode>;
}

let fields: Map<string, PatientField> | undefined;

/** Field name → contract, keyed `patient:name` and `lesion:name`. Read once from the schema itself. */
export function patientFields(): Map<string, PatientField> {
  if (fields) return fields;
  const schema = readSchema('patient') as SchemaNode;
  fields = new Map();
  const def = (ref: string | undefined): SchemaNode | undefined => (ref ? schema.$defs?.[ref.split('/').pop() ?? ''] : undefined);
  const add = (scope: Scope, properties: Record<string, SchemaNode> = {}): void => {
    for (const [name, node] of Object.entries(properties)) {
      const unit = node['x-unit'];
      // Units of the {value, unit} form: inline, or in the schema the `then` branch refers to (albumin).
      const quantityUnits = (node.properties?.unit?.enum ?? def(node.then?.$ref)?.properties?.unit?.enum ?? []).map(String);
      const units = [...new Set([...(unit ? [unit] : []), ...quantityUnits])];
      // An enum without `type` is a string enum; albumin's bare-number form sits in its `else` branch.
      const type = (node.type === 'object' ? 'quantity' : (node.type ?? node.else?.type ?? 'string')) as PatientFieldType;
      const bounds = type === 'integer' || type === 'number' ? { ...(node.minimum !== undefined ? { minimum: node.minimum } : {}), ...(node.maximum !== undefined ? { maximum: node.maximum } : {}) } : {};
      fields?.set(`${scope}:${name}`, { name, scope, type, units, ...(node.enum ? { enum: node.enum } : {}), ...(unit ? { unit } : {}), ...(node.multipleOf ? { multipleOf: node.multipleOf } : {}), ...bounds });
    }
  };
  add('patient', schema.properties);
  add('lesion', def(schema.properties?.lesions?.items?.$ref)?.properties);
  return fields;
}

export function patientField(scope: Scope, name: string): PatientField | undefined {
  return patientFields().get(`${scope}:${name}`);
}
