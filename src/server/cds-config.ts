import { fileURLToPath } from 'node:url';
import type { Problem } from '../problems/problem.js';
import { problemsOfDocument } from '../source/every-reading.js';
import { documentSchemaProblems } from '../source/schema-problems.js';
import { readSchema } from '../source/schemas.js';
import { readSourceFile, type SourceDocument } from '../source/source-document.js';

/** The CDS Hooks service as configured in config/cds-hooks.yaml (schemas/cds-config.schema.json). */
export interface OutputRef {
  ruleset: string;
  output: string;
  label?: string;
}

export interface CdsConfig {
  service: { id: string; hook: 'patient-view' | 'order-select'; title: string; description: string };
  card: {
    summary: OutputRef[];
    indicators: Array<{ indicator: 'critical' | 'warning'; when: OutputRef & { in: string[] }; because: string }>;
  };
  fhir: FhirMapping;
}

export interface FhirMapping {
  fieldSystem: string;
  lesion: { system: string; code: string };
  observations: Array<{ field: string; loinc: string[]; units?: Record<string, string> }>;
  conditions: Array<{ system: string; code: string; set: Record<string, string | boolean> }>;
}

export const DEFAULT_CDS_CONFIG = fileURLToPath(new URL('../../config/cds-hooks.yaml', import.meta.url));

/** Read and checked at start-up: a mapping to a field the patient contract lacks is a problem, not a silent gap. */
export function loadCdsConfig(file = DEFAULT_CDS_CONFIG): { config?: CdsConfig; source?: SourceDocument; problems: Problem[] } {
  const source = readSourceFile(file);
  if (source.data === undefined) return { problems: source.problems };
  const problems = problemsOfDocument(source, configProblems);
  // The source stays with the config: what the card names is checked against each load of the rule sets (card-references.ts).
  return problems.length ? { problems } : { config: source.data as CdsConfig, source, problems };
}

function configProblems(source: SourceDocument): Problem[] {
  const schema = documentSchemaProblems(source, 'cds-config');
  if (schema.length) return schema;
  const config = source.data as CdsConfig;
  const fields = new Set(Object.keys((readSchema('patient').properties as Record<string, unknown> | undefined) ?? {}));
  const problems: Problem[] = [];
  config.fhir.observations.forEach((o, i) => {
    if (!fields.has(o.field)) problems.push(source.problemAt(['fhir', 'observations', i, 'field'], 'UNKNOWN_PATIENT_FIELD', `"${o.field}" is not a field of the patient contract`));
  });
  config.fhir.conditions.forEach((c, i) => {
    for (const field of Object.keys(c.set)) {
      if (!fields.has(field)) problems.push(source.problemAt(['fhir', 'conditions', i, 'set', field], 'UNKNOWN_PATIENT_FIELD', `"${field}" is not a field of the patient contract`, { key: true }));
    }
  });
  return problems;
}
