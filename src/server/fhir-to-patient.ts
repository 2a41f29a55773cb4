import type { Patient } from '../patient/load-patient.js';
import type { FhirMapping } from './cds-config.js';

/** The few FHIR R4 shapes read here; everything else in a resource is ignored. */
interface Coding {
  system?: string;
  code?: string;
}
interface CodeableConcept {
  coding?: Coding[];
}
interface Quantity {
  value?: number;
  unit?: string;
  system?: string;
  code?: string;
}
interface ValueX {
  valueQuantity?: Quantity;
  valueCodeableConcept?: CodeableConcept;
  valueBoolean?: boolean;
  valueInteger?: number;
  valueString?: string;
}
interface Resource extends ValueX {
  resourceType: string;
  id?: string;
  birthDate?: string;
  status?: string;
  code?: CodeableConcept;
  bodySite?: CodeableConcept;
  component?: Array<ValueX & { code?: CodeableConcept }>;
  effectiveDateTime?: string;
  issued?: string;
  clinicalStatus?: CodeableConcept;
  verificationStatus?: CodeableConcept;
  entry?: Array<{ resource?: Resource }>;
}

const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
/** Results that stand: preliminary, cancelled and entered-in-error observations are not evidence. */
const USABLE_OBSERVATION = new Set(['final', 'amended', 'corrected']);
const INACTIVE_CONDITION = new Set(['inactive', 'remission', 'resolved']);
const UNVERIFIED_CONDITION = new Set(['refuted', 'entered-in-error']);

export interface FhirMapped {
  /** Fields of the patient contract, not yet validated; what could not be mapped is absent. */
  patient: Patient;
  /** What in the record was not used, and why: shown on the card so the clinician can supply it. */
  notes: string[];
}

/**
 * Prefetched FHIR resources → the patient input contract, by the table in config/cds-hooks.yaml.
 * Only what maps is set; anything unmapped, unusable or contradictory stays missing (never zero).
 */
export function fhirToPatient(prefetch: Record<string, unknown>, mapping: FhirMapping, now: Date): FhirMapped {
  const resources = Object.values(prefetch).flatMap((value) => flatten(value as Resource | null));
  const patient: Patient = {};
  const notes: string[] = [];
  const latest = new Map<string, { value: unknown; at: string }>();
  const setLatest = (field: string, value: unknown, at: string): void => {
    const seen = latest.get(field);
    if (!seen || at > seen.at) latest.set(field, { value, at });
  };
  const lesions: Array<Record<string, unknown>> = [];
  const fromConditions = new Map<string, Set<string | boolean>>();

  for (const resource of resources) {
    if (resource.resourceType === 'Patient') {
      if (resource.id) patient.id = resource.id;
      const age = ageOn(resource.birthDate, now);
      if (age !== undefined) patient.age = age;
    } else if (resource.resourceType === 'Observation') {
      if (!USABLE_OBSERVATION.has(resource.status ?? '')) continue;
      const at = resource.effectiveDateTime ?? resource.issued ?? '';
      const own = codeIn(resource.code, mapping.fieldSystem);
      if (codeIn(resource.code, mapping.lesion.system) === mapping.lesion.code) {
        lesions.push(lesionFrom(resource, mapping, notes));
      } else if (own !== undefined) {
        const value = plainValue(resource, mapping.fieldSystem);
        if (value === undefined) notes.push(`Observation ${resource.id ?? ''} for ${own} has no value this service reads`);
        else setLatest(own, value, at);
      } else {
        const loinc = codeIn(resource.code, LOINC);
        const rule = mapping.observations.find((o) => loinc !== undefined && o.loinc.includes(loinc));
        if (!rule) continue;
        const value = rule.units ? quantity(resource.valueQuantity, rule.units) : number(resource);
        if (value === undefined) notes.push(`${rule.field} (LOINC ${loinc}) not used: ${describeValue(resource)} is not in a unit this service converts`);
        else setLatest(rule.field, value, at);
      }
    } else if (resource.resourceType === 'Condition') {
      if (INACTIVE_CONDITION.has(codeIn(resource.clinicalStatus) ?? '') || UNVERIFIED_CONDITION.has(codeIn(resource.verificationStatus) ?? '')) continue;
      for (const coding of resource.code?.coding ?? []) {
        for (const rule of mapping.conditions) {
          if (coding.system !== rule.system || !coding.code || !(rule.code === '*' || coding.code.startsWith(rule.code))) continue;
          for (const [field, value] of Object.entries(rule.set)) {
            fromConditions.set(field, (fromConditions.get(field) ?? new Set()).add(value === '*' ? coding.code : value));
          }
        }
      }
    }
  }
  for (const [field, { value }] of latest) patient[field] = value;
  for (const [field, values] of fromConditions) {
    // Two primaries in the problem list: which one seeded the spine is for the clinician to say.
    if (values.size === 1) patient[field] = [...values][0];
    else notes.push(`${field} not set: the conditions give ${[...values].join(' and ')}`);
  }
  if (lesions.length) patient.lesions = lesions;
  return { patient, notes };
}

function flatten(value: Resource | null | undefined): Resource[] {
  if (!value || typeof value !== 'object') return [];
  if (value.resourceType === 'Bundle') return (value.entry ?? []).flatMap((e) => flatten(e.resource));
  return [value];
}

function lesionFrom(resource: Resource, mapping: FhirMapping, notes: string[]): Record<string, unknown> {
  const lesion: Record<string, unknown> = {};
  if (resource.id) lesion.id = resource.id;
  const level = codeIn(resource.bodySite, mapping.fieldSystem);
  if (level !== undefined) lesion.level = level;
  for (const component of resource.component ?? []) {
    const field = codeIn(component.code, mapping.fieldSystem);
    const value = plainValue(component, mapping.fieldSystem);
    if (field === undefined) continue;
    if (value === undefined) notes.push(`lesion ${resource.id ?? ''}: ${field} has no value this service reads`);
    else lesion[field] = value;
  }
  return lesion;
}

function codeIn(concept: CodeableConcept | undefined, system?: string): string | undefined {
  return concept?.coding?.find((c) => system === undefined || c.system === system)?.code;
}

/** A value of the contract as the resource states it: a code of the field system, a boolean, a number or a string. */
function plainValue(value: ValueX, fieldSystem: string): unknown {
  if (value.valueCodeableConcept) return codeIn(value.valueCodeableConcept, fieldSystem);
  return value.valueBoolean ?? value.valueInteger ?? value.valueQuantity?.value ?? value.valueString;
}

function number(value: ValueX): number | undefined {
  return value.valueInteger ?? value.valueQuantity?.value;
}

function quantity(q: Quantity | undefined, units: Record<string, string>): { value: number; unit: string } | undefined {
  if (typeof q?.value !== 'number' || (q.system !== undefined && q.system !== UCUM)) return undefined;
  const unit = q.code !== undefined ? units[q.code] : undefined;
  return unit ? { value: q.value, unit } : undefined;
}

function describeValue(value: ValueX): string {
  const q = value.valueQuantity;
  return q ? `${q.value ?? '?'} ${q.code ?? q.unit ?? '(no unit)'}` : 'a value without a quantity';
}

/** Whole years on the day of the request; a birth year alone is not an age. */
function ageOn(birthDate: string | undefined, now: Date): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate ?? '');
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const hadBirthday = now.getUTCMonth() + 1 > month || (now.getUTCMonth() + 1 === month && now.getUTCDate() >= day);
  return now.getUTCFullYear() - year - (hadBirthday ? 0 : 1);
}
