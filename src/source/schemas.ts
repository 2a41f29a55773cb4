import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv2020, ValidateFunction } from 'ajv/dist/2020.js';

/** The project's JSON Schemas live in `schemas/` at the package root (beside `src/` and `dist/`). */
const schemaDir = new URL('../../schemas/', import.meta.url);
/**
 * The validators compiled at build time (ajv standalone, scripts/build-generated.mjs), one module per
 * schema, each with the SHA-256 of the schema file it was compiled from. Reached the same way from src/
 * and from dist/.
 */
const precompiledModule = (name: SchemaName): URL => new URL(`../../dist/generated/${name}-validator.cjs`, import.meta.url);

export type SchemaName = 'ruleset' | 'patient' | 'cases' | 'profile' | 'evaluation' | 'cds-config' | 'cds-hooks-discovery' | 'cds-hooks-request' | 'cds-hooks-cards' | 'cds-hooks-feedback';
export const SCHEMA_NAMES: readonly SchemaName[] = ['ruleset', 'patient', 'cases', 'profile', 'evaluation', 'cds-config', 'cds-hooks-discovery', 'cds-hooks-request', 'cds-hooks-cards', 'cds-hooks-feedback'];

let ajv: Ajv2020 | undefined;
const compiled = new Map<SchemaName, ValidateFunction>();

export function schemaText(name: SchemaName): string {
  return readFileSync(new URL(`${name}.schema.json`, schemaDir), 'utf8');
}

export function readSchema(name: SchemaName): Record<string, unknown> {
  return JSON.parse(schemaText(name)) as Record<string, unknown>;
}

export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * Compiled once per process; `verbose` keeps the offending data and sub-schema for readable messages.
 * The build's precompiled validator is used when it was compiled from the schema file as it is now;
 * otherwise (not built yet, or the schema edited since) the schema is compiled here, which costs
 * a large part of a short command's start-up.
 */
export function validator(name: SchemaName): ValidateFunction {
  let validate = compiled.get(name);
  if (!validate) {
    validate = precompiled(name) ?? (ajv ??= createAjv()).compile(readSchema(name));
    compiled.set(name, validate);
  }
  return validate;
}

/** ajv standalone's module: the validator itself, to which the build adds the schema's hash. */
type PrecompiledModule = ValidateFunction & { schemaSha256: string };

function precompiled(name: SchemaName): ValidateFunction | undefined {
  let module: PrecompiledModule;
  try {
    // The generated module is CommonJS so that it can be loaded synchronously, only when it exists.
    module = createRequire(import.meta.url)(precompiledModule(name).pathname) as PrecompiledModule;
  } catch {
    return undefined;
  }
  return module.schemaSha256 === sha256Hex(schemaText(name)) ? module : undefined;
}

/** The one configuration of every validator; `source` keeps the generated code, for ajv standalone. */
export function createAjv(options: { source?: boolean } = {}): Ajv2020 {
  // Loaded only here: with the precompiled validators, a command never loads ajv's compiler.
  const require = createRequire(import.meta.url);
  const { Ajv2020: Ajv } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  // ajv-formats is CommonJS: its module object is the plugin function.
  const addFormats = require('ajv-formats') as (a: Ajv2020) => void;
  // strictRequired is off because `if: {required: [all]}` (discriminating condition forms) is intended.
  // `discriminator` lets a union tagged by a property (a profile change's `op`) validate only the branch
  // its tag names, so that a mistake is reported against that branch alone.
  const instance = new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true, discriminator: true, ...(options.source ? { code: { source: true } } : {}) });
  addFormats(instance);
  // Annotations read by the engine and by error messages, not validation keywords.
  instance.addVocabulary(['x-unit', 'x-hint']);
  return instance;
}
