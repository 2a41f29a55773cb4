import { fileURLToPath } from 'node:url';
import { patientField, type PatientField } from '../patient/patient-fields.js';
import { hasErrors, type Problem } from '../problems/problem.js';
import { hintFrom } from '../ruleset/check-context.js';
import { problemsOfDocument } from '../source/every-reading.js';
import { documentSchemaProblems } from '../source/schema-problems.js';
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
    /**
     * Values that say the patient has spinal metastatic disease (beside a lesion Observation): without any,
     * no card. Unset (a config written before it), every record gets a card, and serve warns at start.
     */
    spinalDisease?: Array<{ field: string; atLeast: number }>;
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

/**
 * Read and checked at start-up: a mapping to a field the patient contract lacks, or to a value or unit
 * the field does not take, is a problem at its place in the file, not a silent gap or a 422 on each call.
 * Warnings (a key a config written before it lacks) come with the config, for serve to log.
 */
export function loadCdsConfig(file = DEFAULT_CDS_CONFIG): { config?: CdsConfig; source?: SourceDocument; problems: Problem[] } {
  const source = readSourceFile(file);
  if (source.data === undefined) return { problems: source.problems };
  const problems = problemsOfDocument(source, configProblems);
  // The source stays with the config: what the card names is checked against each load of the rule sets (card-references.ts).
  return hasErrors(problems) ? { problems } : { config: source.data as CdsConfig, source, problems };
}

/** The field types a number read from an Observation's value can fill. */
const NUMERIC: ReadonlySet<PatientField['type']> = new Set(['number', 'integer', 'quantity']);

function configProblems(source: SourceDocument): Problem[] {
  const schema = documentSchemaProblems(source, 'cds-config');
  if (schema.length) return schema;
  const config = source.data as CdsConfig;
  const problems: Problem[] = [];
  config.fhir.observations.forEach((o, i) => {
    const field = patientField('patient', o.field);
    if (!field) problems.push(source.problemAt(['fhir', 'observations', i, 'field'], 'UNKNOWN_PATIENT_FIELD', `"${o.field}" is not a field of the patient contract`));
    // An Observation by LOINC is read for its number (fhir-to-patient.ts): a field taking none would be a 422 on every call.
    else if (!NUMERIC.has(field.type)) problems.push(source.problemAt(['fhir', 'observations', i, 'field'], 'INPUT_TYPE_MISMATCH', `${field.name} takes ${field.type === 'boolean' ? 'true or false' : field.type === 'string' ? 'a word of a list' : field.type}, and an Observation by LOINC is read for its number: map it from a Condition (set:) or a patient-field code instead`));
    else problems.push(...unitProblems(source, ['fhir', 'observations', i], o, field));
  });
  // Read as "no sign is listed", an institution's config written before the key would answer a record that
  // counts its involved vertebrae but holds no lesion Observation with no card, where it had one.
  if (!config.card.spinalDisease) problems.push(source.problemAt(['card'], 'CARD_SPINAL_DISEASE_UNSET', 'card.spinalDisease is not set: every record gets a card, whether or not it holds a sign of spinal metastatic disease; list the signs (as config/cds-hooks.yaml does, `spinalDisease: [{ field: spinalMetastasisCount, atLeast: 1 }]`) for a record without one to get no card', { key: true, severity: 'warning' }));
  config.card.spinalDisease?.forEach((sign, i) => {
    const path = ['card', 'spinalDisease', i, 'field'];
    const field = patientField('patient', sign.field);
    if (!field) problems.push(source.problemAt(path, 'UNKNOWN_PATIENT_FIELD', `"${sign.field}" is not a field of the patient contract`));
    // A sign is a number at least a threshold: a field of another type would never be one, and the card never shown.
    else if (field.type !== 'number' && field.type !== 'integer') problems.push(source.problemAt(path, 'INPUT_TYPE_MISMATCH', `${field.name} is no number, and a sign of spinal disease is a number at least atLeast`));
    else {
      // Above the field's range the sign never holds (atLeast 40 of 33 vertebrae), and a record it alone
      // shows gets no card; below it, it holds of every value the contract takes, 0 bone metastases too.
      const { minimum = -Infinity, maximum = Infinity } = field;
      const range = maximum === Infinity ? `at least ${minimum}` : minimum === -Infinity ? `at most ${maximum}` : `${minimum}-${maximum}`;
      if (sign.atLeast > maximum || sign.atLeast < minimum) problems.push(source.problemAt(['card', 'spinalDisease', i, 'atLeast'], 'VALUE_NOT_IN_DOMAIN', `atLeast ${sign.atLeast} is outside ${field.name}'s range in the patient contract (${range}): the sign would ${sign.atLeast > maximum ? 'never hold' : 'hold of every value'}`));
    }
  });
  config.fhir.conditions.forEach((c, i) => {
    for (const [name, value] of Object.entries(c.set)) {
      const path = ['fhir', 'conditions', i, 'set', name];
      const field = patientField('patient', name);
      if (!field) problems.push(source.problemAt(path, 'UNKNOWN_PATIENT_FIELD', `"${name}" is not a field of the patient contract`, { key: true }));
      else if (!settable(field, value)) problems.push(source.problemAt(path, 'VALUE_NOT_IN_DOMAIN', notSettable(field, value)));
    }
  });
  return problems;
}

/**
 * The units an observation's quantities are read in, against the units the contract admits for its
 * field: a unit it does not admit, or a quantity read without its unit (28 g/L as 28 g/dL), would make
 * every CDS call with that observation a 422 blamed on the EHR's prefetch.
 */
function unitProblems(source: SourceDocument, path: Array<string | number>, observation: FhirMapping['observations'][number], field: PatientField): Problem[] {
  const { units } = observation;
  if (!units) {
    const needsUnit = field.type === 'quantity' || field.units.length > 1;
    return needsUnit ? [source.problemAt([...path, 'field'], 'UNIT_MISMATCH', `the patient contract admits ${field.name} in ${field.units.join(', ')}: map the UCUM codes read to them (units:), else the unit is dropped`)] : [];
  }
  if (!field.units.length) return [source.problemAt([...path, 'units'], 'UNIT_MISMATCH', `${field.name} has no unit in the patient contract (a plain number): leave units out`)];
  return Object.entries(units).flatMap(([ucum, unit]) =>
    field.units.includes(unit) ? [] : [source.problemAt([...path, 'units', ucum], 'UNIT_MISMATCH', `"${unit}" is not a unit the patient contract admits for ${field.name}${hintFrom(unit, field.units)}; allowed: ${field.units.join(', ')}`)],
  );
}

/** `"*"` sets a text field to the Condition's own code (an unknown one is the request's problem, at that code). */
const WILDCARD = '*';

function settable(field: PatientField, value: string | boolean): boolean {
  if (field.enum) return field.enum.includes(value) || value === WILDCARD;
  if (field.type === 'boolean') return typeof value === 'boolean';
  return field.type === 'string' && typeof value === 'string';
}

function notSettable(field: PatientField, value: string | boolean): string {
  const written = JSON.stringify(value);
  if (field.enum) {
    const allowed = field.enum.map(String);
    return `${written} is not a value of ${field.name}${hintFrom(String(value), allowed)}; allowed: ${allowed.join(', ')}, or "${WILDCARD}" (the Condition's code)`;
  }
  if (field.type === 'boolean') return `${field.name} is true or false, not ${written}${hintFrom(String(value), ['true', 'false'])}`;
  if (field.type === 'string') return `${field.name} is text, not ${written}`;
  return `${field.name} is ${/^[aeiou]/.test(field.type) ? 'an' : 'a'} ${field.type} in the patient contract, and a condition sets only text or true or false`;
}
