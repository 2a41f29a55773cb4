import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/** The project's JSON Schemas live in `schemas/` at the package root (beside `src/` and `dist/`). */
const schemaDir = new URL('../../schemas/', import.meta.url);

export type SchemaName = 'ruleset' | 'patient' | 'cases' | 'profile' | 'cds-config' | 'cds-hooks-discovery' | 'cds-hooks-request' | 'cds-hooks-cards' | 'cds-hooks-feedback';

let ajv: Ajv2020 | undefined;
const compiled = new Map<SchemaName, ValidateFunction>();

export function readSchema(name: SchemaName): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`${name}.schema.json`, schemaDir), 'utf8')) as Record<string, unknown>;
}

/** Compiled once per process; `verbose` keeps the offending data and sub-schema for readable messages. */
export function validator(name: SchemaName): ValidateFunction {
  let validate = compiled.get(name);
  if (!validate) {
    ajv ??= createAjv();
    validate = ajv.compile(readSchema(name));
    compiled.set(name, validate);
  }
  return validate;
}

function createAjv(): Ajv2020 {
  const instance = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true });
  // ajv-formats is published as CommonJS; under NodeNext its default export arrives as the module object.
  (addFormats as unknown as (a: Ajv2020) => void)(instance);
  // strictRequired is off because `if: {required: [all]}` (discriminating condition forms) is intended.
  // Annotations read by the engine and by error messages, not validation keywords.
  instance.addVocabulary(['x-unit', 'x-hint']);
  return instance;
}
