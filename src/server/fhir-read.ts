import type { PathSegment } from '../source/source-document.js';

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
  /** `<`, `<=`, `>=`, `>`, `ad`: the value is a bound (or sufficient amount), not the value measured. */
  comparator?: string;
  unit?: string;
  system?: string;
  code?: string;
}
export interface ValueX {
  valueQuantity?: Quantity;
  valueCodeableConcept?: CodeableConcept;
  valueBoolean?: boolean;
  valueInteger?: number;
  valueString?: string;
}
export interface Resource extends ValueX {
  resourceType: string;
  id?: string;
  birthDate?: string;
  status?: string;
  code?: CodeableConcept;
  bodySite?: CodeableConcept;
  component?: Array<ValueX & { code?: CodeableConcept }>;
  effectiveDateTime?: string;
  effectiveInstant?: string;
  effectivePeriod?: { start?: string; end?: string };
  issued?: string;
  subject?: { reference?: string };
  clinicalStatus?: CodeableConcept;
  verificationStatus?: CodeableConcept;
  entry?: Array<{ resource?: Resource; search?: { mode?: string } }>;
  link?: Array<{ relation?: string; url?: string }>;
  total?: number;
}

/**
 * A value read from a resource (or one of its components) with its path there, so that a problem with
 * the value can name where the client wrote it. `parts`: the paths of an object value's own keys.
 */
export interface Read {
  value: unknown;
  at: PathSegment[];
  parts?: Record<string, PathSegment[]>;
}

const UCUM = 'http://unitsofmeasure.org';

/** The first coding in `system` (in any system when none is named): its code and where it stands. */
export function codeAt(concept: CodeableConcept | undefined, system?: string): { code: string | undefined; at: PathSegment[] } | undefined {
  const codings = concept?.coding ?? [];
  const index = codings.findIndex((c) => system === undefined || c.system === system);
  const coding = codings[index];
  return coding && { code: coding.code, at: ['coding', index, 'code'] };
}

export function codeIn(concept: CodeableConcept | undefined, system?: string): string | undefined {
  return codeAt(concept, system)?.code;
}

/** A value of the contract as the resource states it: a code of the field system, a boolean, a number or a string. */
export function plainValue(value: ValueX, fieldSystem: string): Read | undefined {
  if (value.valueCodeableConcept) {
    const code = codeAt(value.valueCodeableConcept, fieldSystem);
    return code?.code === undefined ? undefined : { value: code.code, at: ['valueCodeableConcept', ...code.at] };
  }
  return firstPresent([[value.valueBoolean, ['valueBoolean']], ...numbers(value), [value.valueString, ['valueString']]]);
}

export function number(value: ValueX): Read | undefined {
  return firstPresent(numbers(value));
}

/** A quantity in one of `units` (UCUM code → the contract's unit), as the contract's `{value, unit}`. */
export function quantity(value: ValueX, units: Record<string, string>): Read | undefined {
  const q = value.valueQuantity;
  if (typeof q?.value !== 'number' || (q.system !== undefined && q.system !== UCUM)) return undefined;
  // Own keys only: a code such as "constructor" must not find Object's.
  const unit = q.code !== undefined && Object.hasOwn(units, q.code) ? units[q.code] : undefined;
  if (!unit) return undefined;
  return { value: { value: q.value, unit }, at: ['valueQuantity'], parts: { value: ['valueQuantity', 'value'], unit: ['valueQuantity', 'code'] } };
}

/**
 * A value coded with the field system, or why it is not used. A quantity that states a unit is read only
 * in a unit the field takes: one of `units` (the mapping's, for a field such as albumin), or `bareUnit`,
 * the unit of the contract's bare number. Any other ("2 a" for a survival in months) is refused, never
 * read as the number: a unit dropped would read 2 years as 2 months.
 */
export function fieldValue(value: ValueX, fieldSystem: string, units: Record<string, string> | undefined, bareUnit: string | undefined): Read | { refused: string } | undefined {
  const q = value.valueQuantity;
  if (!q || (q.code === undefined && q.unit === undefined)) return plainValue(value, fieldSystem);
  const converted = units ? quantity(value, units) : undefined;
  if (converted) return converted;
  const ucum = q.system === undefined || q.system === UCUM;
  if (!units && bareUnit !== undefined && ucum && q.code === bareUnit && typeof q.value === 'number') return { value: q.value, at: ['valueQuantity', 'value'] };
  const takes = units ? Object.keys(units) : bareUnit !== undefined ? [bareUnit] : [];
  return { refused: `${describeValue(value)} ${unitWords(q)} this service reads for it (${takes.length ? `UCUM ${takes.join(' or ')}` : 'a number alone, in the unit the patient contract states'})` };
}

/**
 * Why a quantity's unit is not read: a unit given as text alone ("g/L" with no UCUM code) may be the
 * right one, and is still not read (free text is no unit a machine can trust); saying "not in a unit"
 * of 38 g/L misleads the integrator who sent it.
 */
export function unitWords(q: NonNullable<ValueX['valueQuantity']>): string {
  return q.code === undefined && q.unit !== undefined ? `gives its unit as text only ("${q.unit}"), not as the UCUM code` : 'is not in a unit';
}

export function describeValue(value: ValueX): string {
  const q = value.valueQuantity;
  return q ? `${q.value ?? '?'} ${q.code ?? q.unit ?? '(no unit)'}` : 'a value without a quantity';
}

type Candidate = [unknown, PathSegment[]];

function numbers(value: ValueX): Candidate[] {
  return [
    [value.valueInteger, ['valueInteger']],
    [value.valueQuantity?.value, ['valueQuantity', 'value']],
  ];
}

/** The first candidate that is present, as `??` picks it (null counts as absent). */
function firstPresent(candidates: Candidate[]): Read | undefined {
  const found = candidates.find(([value]) => value !== undefined && value !== null);
  return found && { value: found[0], at: found[1] };
}
