import type { Patient } from '../patient/load-patient.js';
import { toPointer, type PathSegment } from '../source/source-document.js';
import type { FhirMapping } from './cds-config.js';
import { patientField } from '../patient/patient-fields.js';
import type { Scope } from '../ruleset/types.js';
import { codeAt, codeIn, describeValue, fieldValue, number, quantity, unitWords, type Read, type Resource, type ValueX } from './fhir-read.js';

const LOINC = 'http://loinc.org';
/** Results that stand: preliminary, cancelled and entered-in-error observations are not evidence. */
const USABLE_OBSERVATION = new Set(['final', 'amended', 'corrected']);
const INACTIVE_CONDITION = new Set(['inactive', 'remission', 'resolved']);
const UNVERIFIED_CONDITION = new Set(['refuted', 'entered-in-error']);
/** A diagnosis still being worked up is not a finding: it would narrow the scores as if it were one. */
const TENTATIVE_CONDITION = new Set(['unconfirmed', 'provisional', 'differential']);

/** Where in the prefetch a patient value was read. Paths are JSON paths below the prefetch object. */
export interface FhirOrigin {
  /** The resource as a FHIR reference, `Observation/alb`; its type alone when it has no id. */
  resource: string;
  /** The value the field was set from; for a computed value, what it was computed from (`birthDate` for `age`). */
  value: PathSegment[];
  /** The code that named the field, where the request names it (a field-system code): an unknown key is its fault. */
  key?: PathSegment[];
}

export interface FhirMapped {
  /** Fields of the patient contract, not yet validated; what could not be mapped is absent. */
  patient: Patient;
  /** What in the record was not used, and why: shown on the card so the clinician can supply it. */
  notes: string[];
  /**
   * Where each value of `patient` came from, by its JSON pointer in the patient (`/lesions/0/level`), so
   * that a value the contract rejects is reported where the client wrote it. A value several resources
   * gave (two conditions saying `visceralMetastases`) names the first.
   */
  origins: Map<string, FhirOrigin>;
  /** The status of each lesion Observation not used for it (entered-in-error, preliminary): they were found all the same. */
  unusedLesionStatuses: string[];
}

export interface Located {
  resource: Resource;
  at: PathSegment[];
}

/** A value bound for the patient, with its origin and, for an object value, those of its keys. */
interface Sourced {
  value: unknown;
  origin: FhirOrigin;
  parts: Array<[string, PathSegment[]]>;
}

/**
 * Prefetched FHIR resources → the patient input contract, by the table in config/cds-hooks.yaml.
 * Only what maps is set; anything unmapped, unusable or contradictory stays missing (never zero).
 */
export function fhirToPatient(prefetch: Record<string, unknown>, mapping: FhirMapping, now: Date): FhirMapped {
  const resources = prefetchResources(prefetch);
  const patient: Patient = {};
  const notes: string[] = [];
  const origins = new Map<string, FhirOrigin>();
  const record = (path: PathSegment[], { origin, parts }: Sourced): void => {
    origins.set(toPointer(path), origin);
    for (const [key, at] of parts) origins.set(toPointer([...path, key]), { resource: origin.resource, value: at });
  };
  const setField = (field: string, sourced: Sourced): void => {
    setOwn(patient, field, sourced.value);
    record([field], sourced);
  };
  // Per field, what each kind of resource gives: the patient's own record, the latest observation, the
  // conditions. Kinds that disagree leave the field missing, with a note, rather than one silently winning.
  const given = new Map<string, Map<string, Sourced[]>>();
  const give = (field: string, kind: string, sourced: Sourced): void => {
    const kinds = given.get(field) ?? new Map<string, Sourced[]>();
    given.set(field, kinds);
    const values = kinds.get(kind) ?? [];
    kinds.set(kind, values);
    if (!values.some((v) => sameValue(v.value, sourced.value))) values.push(sourced);
  };
  // Per field, the observations of the latest time: two of that time that disagree leave it missing.
  const latest = new Map<string, { at: number; values: Sourced[] }>();
  const setLatest = (field: string, sourced: Sourced, at: number): void => {
    const seen = latest.get(field);
    if (!seen || at > seen.at) latest.set(field, { at, values: [sourced] });
    else if (at === seen.at) seen.values.push(sourced);
  };
  const lesionReads: LesionRead[] = [];
  const unusedLesionStatuses: string[] = [];

  for (const located of resources) {
    const { resource } = located;
    if (resource.resourceType === 'Patient') {
      if (resource.id) give('id', 'the Patient resource', sourced(located, { value: resource.id, at: ['id'] }));
      const age = ageOn(resource.birthDate, now);
      if (age !== undefined) give('age', 'the birth date', sourced(located, { value: age, at: ['birthDate'] }));
      else if (resource.birthDate) notes.push(`age not set: birthDate ${resource.birthDate} is not a whole date`);
    } else if (resource.resourceType === 'Observation') {
      const read = observationRead(resource, mapping);
      if (!USABLE_OBSERVATION.has(resource.status ?? '')) {
        // Said of what this service would read (a preliminary lesion read left the card saying "no lesion").
        if (read) notes.push(`${reference(resource)} not used: its status is ${resource.status ?? 'not given'}; only final, amended and corrected results count`);
        if (read?.kind === 'lesion') unusedLesionStatuses.push(resource.status ?? 'not given');
        continue;
      }
      const at = observedAt(resource);
      const bound = resource.valueQuantity?.comparator;
      if (bound !== undefined) {
        // "< 5 mg/L" says the value is below 5, not that it is 5: read as 5 it could cross a threshold.
        notes.push(`Observation ${resource.id ?? ''} not used: ${bound} ${describeValue(resource)} is a bound, not a value`);
        continue;
      }
      if (read?.kind === 'lesion') {
        lesionReads.push({ located, at, fields: lesionFields(located, mapping, notes) });
      } else if (read?.kind === 'field') {
        const value = ownFieldValue(resource, read.code, 'patient', mapping);
        if (value === undefined) notes.push(`Observation ${resource.id ?? ''} for ${read.code} has no value this service reads`);
        else if ('refused' in value) notes.push(`${read.code} (Observation ${resource.id ?? ''}) not used: ${value.refused}`);
        else setLatest(read.code, sourced(located, value, ['code', ...read.at]), at);
      } else if (read?.kind === 'loinc') {
        const { rule, loinc } = read;
        const value = rule.units ? quantity(resource, rule.units) : number(resource);
        if (value !== undefined) setLatest(rule.field, sourced(located, value), at);
        // A coded answer (an ECOG LOINC answer code) is no number: said so, not "not in a unit".
        else if (resource.valueQuantity) notes.push(`${rule.field} (LOINC ${loinc}) not used: ${describeValue(resource)} ${unitWords(resource.valueQuantity)} this service converts`);
        else notes.push(`${rule.field} (LOINC ${loinc}) not used: its value is not a number or quantity (a coded answer is not read as one)`);
      }
    } else if (resource.resourceType === 'Condition') {
      const verification = codeIn(resource.verificationStatus) ?? '';
      if (INACTIVE_CONDITION.has(codeIn(resource.clinicalStatus) ?? '') || UNVERIFIED_CONDITION.has(verification)) continue;
      for (const [index, coding] of (resource.code?.coding ?? []).entries()) {
        for (const rule of mapping.conditions) {
          if (coding.system !== rule.system || !coding.code || !(rule.code === '*' || coding.code.startsWith(rule.code))) continue;
          if (TENTATIVE_CONDITION.has(verification)) {
            notes.push(`${reference(resource)} (${coding.code}) not used: its diagnosis is ${verification}, not confirmed`);
            continue;
          }
          for (const [field, setTo] of Object.entries(rule.set)) {
            const value = setTo === '*' ? coding.code : setTo;
            give(field, 'the conditions', sourced(located, { value, at: ['code', 'coding', index, 'code'] }));
          }
        }
      }
    }
  }
  for (const [field, { values }] of latest) for (const value of values) give(field, values.length > 1 ? 'the latest observations' : 'the latest observation', value);
  for (const [field, kinds] of given) {
    const values = [...kinds.values()].flat();
    const [first] = values;
    // Two primaries in the problem list, or a primary the observations and the conditions disagree on:
    // which is right is for the clinician to say.
    if (first && values.every((v) => sameValue(v.value, first.value))) setField(field, first);
    else notes.push(`${field} not set: ${[...kinds].map(([kind, vs]) => `${kind} give${kind.endsWith('s') ? '' : 's'} ${vs.map((v) => shown(v.value)).join(' and ')}`).join(', ')}`);
  }
  const lesions = latestLesions(lesionReads, notes).map(([first, ...rest], index) => {
    const path: PathSegment[] = ['lesions', index];
    const lesion: Record<string, unknown> = {};
    origins.set(toPointer(path), { resource: reference(first.located.resource), value: first.located.at });
    for (const [field, value] of mergedLesionFields([first, ...rest], notes)) {
      setOwn(lesion, field, value.value);
      record([...path, field], value);
    }
    return lesion;
  });
  if (lesions.length) patient.lesions = lesions;
  return { patient, notes, origins, unusedLesionStatuses };
}

/**
 * A field named by a code of the request. Assigned, a code such as `__proto__` would replace the object's
 * prototype and vanish; as an own key the patient contract refuses it as it refuses any unknown field.
 */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** One lesion Observation as read: when it was made and its fields (its id, level and components). */
interface LesionRead {
  located: Located;
  at: number;
  fields: Array<[string, Sourced]>;
}

const levelOf = (read: LesionRead): unknown => read.fields.find(([field]) => field === 'level')?.[1].value;

/**
 * The lesions, one per level: of several Observations of one level (imaging read again), the latest
 * stands and the earlier are noted as not used, as for every other field; Observations with no level
 * are lesions of their own. Each lesion is the Observations of its level's latest time (usually one).
 */
function latestLesions(reads: readonly LesionRead[], notes: string[]): Array<[LesionRead, ...LesionRead[]]> {
  const byLevel = new Map<unknown, LesionRead[]>();
  const groups: LesionRead[][] = [];
  for (const read of reads) {
    const level = levelOf(read);
    const group = level === undefined ? undefined : byLevel.get(level);
    if (group) group.push(read);
    else {
      groups.push([read]);
      if (level !== undefined) byLevel.set(level, groups[groups.length - 1] as LesionRead[]);
    }
  }
  return groups.map((group) => {
    const latest = Math.max(...group.map((read) => read.at));
    const [kept, ...alike] = group.filter((read) => read.at === latest) as [LesionRead, ...LesionRead[]];
    for (const read of group) {
      if (read.at !== latest) notes.push(`${reference(read.located.resource)} (lesion at ${shown(levelOf(read))}) not used: ${reference(kept.located.resource)} of that level is later`);
    }
    return [kept, ...alike];
  });
}

/** The fields of one lesion's Observations of the same time: where they disagree the field stays missing, with a note. */
function mergedLesionFields(group: readonly [LesionRead, ...LesionRead[]], notes: string[]): Array<[string, Sourced]> {
  const [first] = group;
  if (group.length === 1) return first.fields;
  const byField = new Map<string, Sourced[]>();
  for (const { fields } of group) for (const [field, value] of fields) byField.set(field, [...(byField.get(field) ?? []), value]);
  return [...byField].flatMap(([field, values]): Array<[string, Sourced]> => {
    const [one] = values;
    // A lesion's id names it, and says nothing of it clinically: the first Observation's.
    if (one && (field === 'id' || values.every((v) => sameValue(v.value, one.value)))) return [[field, one]];
    notes.push(`lesion at ${shown(levelOf(first))}: ${field} not set: Observations of the same time give ${values.map((v) => `${shown(v.value)} (${v.origin.resource})`).join(' and ')}`);
    return [];
  });
}

/** Every resource of the prefetch, bundles opened, with its path below the prefetch object. */
export function prefetchResources(prefetch: Record<string, unknown>): Located[] {
  return Object.entries(prefetch).flatMap(([key, value]) => flatten(value as Resource | null, [key]));
}

function flatten(value: Resource | null | undefined, at: PathSegment[]): Located[] {
  if (!value || typeof value !== 'object') return [];
  if (value.resourceType === 'Bundle') return (value.entry ?? []).flatMap((e, i) => flatten(e.resource, [...at, 'entry', i, 'resource']));
  return [{ resource: value, at }];
}

/** What an Observation is to this service by its code: a lesion, a field of the patient-field system, a mapped LOINC code, or nothing it reads. */
type ObservationRead = { kind: 'lesion' } | { kind: 'field'; code: string; at: PathSegment[] } | { kind: 'loinc'; loinc: string; rule: FhirMapping['observations'][number] };

export function observationRead(resource: Resource, mapping: FhirMapping): ObservationRead | undefined {
  if (codeIn(resource.code, mapping.lesion.system) === mapping.lesion.code) return { kind: 'lesion' };
  const own = codeAt(resource.code, mapping.fieldSystem);
  if (own?.code !== undefined) return { kind: 'field', code: own.code, at: own.at };
  const loinc = codeIn(resource.code, LOINC);
  const rule = loinc === undefined ? undefined : mapping.observations.find((o) => o.loinc.includes(loinc));
  return loinc !== undefined && rule ? { kind: 'loinc', loinc, rule } : undefined;
}

/** The lesion's fields in the order they are set: its id, its level, then one per component. */
function lesionFields(located: Located, mapping: FhirMapping, notes: string[]): Array<[string, Sourced]> {
  const { resource } = located;
  const fields: Array<[string, Sourced]> = [];
  if (resource.id) fields.push(['id', sourced(located, { value: resource.id, at: ['id'] })]);
  const level = codeAt(resource.bodySite, mapping.fieldSystem);
  if (level?.code !== undefined) fields.push(['level', sourced(located, { value: level.code, at: ['bodySite', ...level.at] })]);
  else if (resource.bodySite) notes.push(`lesion ${resource.id ?? ''}: its level is not read: bodySite has no code of ${mapping.fieldSystem}`);
  for (const [index, component] of (resource.component ?? []).entries()) {
    const field = codeAt(component.code, mapping.fieldSystem);
    if (field?.code === undefined) continue;
    const value = ownFieldValue(component, field.code, 'lesion', mapping);
    const at = (path: PathSegment[]): PathSegment[] => ['component', index, ...path];
    if (value === undefined) notes.push(`lesion ${resource.id ?? ''}: ${field.code} has no value this service reads`);
    else if ('refused' in value) notes.push(`lesion ${resource.id ?? ''}: ${field.code} not used: ${value.refused}`);
    else fields.push([field.code, sourced(located, { value: value.value, at: at(value.at) }, at(['code', ...field.at]))]);
  }
  return fields;
}

/** A value coded with the field system, in a unit that field takes (see fieldValue). */
function ownFieldValue(value: ValueX, field: string, scope: Scope, mapping: FhirMapping): ReturnType<typeof fieldValue> {
  const units = scope === 'patient' ? mapping.observations.find((o) => o.field === field)?.units : undefined;
  return fieldValue(value, mapping.fieldSystem, units, patientField(scope, field)?.unit);
}

/** A value read from a located resource, its paths made paths below the prefetch. */
function sourced({ resource, at }: Located, read: Read, key?: PathSegment[]): Sourced {
  const origin: FhirOrigin = { resource: reference(resource), value: [...at, ...read.at] };
  if (key) origin.key = [...at, ...key];
  return { value: read.value, origin, parts: Object.entries(read.parts ?? {}).map(([part, path]) => [part, [...at, ...path]]) };
}

function reference(resource: Resource): string {
  return resource.id ? `${resource.resourceType}/${resource.id}` : resource.resourceType;
}

/** Whole years on the day of the request; a birth year alone, or a day the calendar lacks (02-30), is not an age. */
function ageOn(birthDate: string | undefined, now: Date): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate ?? '');
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return undefined;
  const hadBirthday = now.getUTCMonth() + 1 > month || (now.getUTCMonth() + 1 === month && now.getUTCDate() >= day);
  return now.getUTCFullYear() - year - (hadBirthday ? 0 : 1);
}

/**
 * When an observation was made, as a time to compare: its effective time (dateTime, instant or the
 * period's end), else when it was issued; offsets are read (08:00+09:00 is before 01:00Z of that day).
 * A date alone is its first moment; an observation with no time is older than any with one.
 */
function observedAt(resource: Resource): number {
  const text = resource.effectiveDateTime ?? resource.effectiveInstant ?? resource.effectivePeriod?.end ?? resource.effectivePeriod?.start ?? resource.issued;
  const time = text === undefined ? NaN : Date.parse(/^\d{4}$/.test(text) ? `${text}-01-01` : /^\d{4}-\d{2}$/.test(text) ? `${text}-01` : text);
  return Number.isNaN(time) ? -Infinity : time;
}

const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const shown = (value: unknown): string => (typeof value === 'object' ? JSON.stringify(value) : String(value));
