/** The patient fields the full pipeline reads (schemas/patient.schema.json), and unit conversion. */
import type { Lesion, Patient } from '../cohort.js';

export interface Quantity<U extends string = string> {
  value: number;
  unit: U;
}

export interface PipelineLesion extends Lesion {
  bilskyGrade?: '0' | '1a' | '1b' | '1c' | '2' | '3';
  myelopathy?: boolean;
}

export interface PipelinePatient extends Omit<Patient, 'lesions'> {
  lesions?: PipelineLesion[];
  radiosensitivity?: 'radiosensitive' | 'radioresistant';
  toleratesSurgery?: boolean;
  srsAvailable?: boolean;
  estimatedSurvivalMonths?: number;
  karnofsky?: number;
  ecog?: number;
  frankelGrade?: 'A' | 'B' | 'C' | 'D' | 'E';
  colorectalSite?: 'colon' | 'rectum';
  visceralMetastasesResectability?: 'none' | 'removable' | 'unremovable';
  visceralMetastasesTreatability?: 'none' | 'treatable' | 'untreatable';
  visceralMetastasesPattern?: 'none' | 'nodular' | 'disseminated';
  previousChemotherapy?: boolean;
  hormoneDependent?: boolean;
  molecularTargetedTherapy?: boolean;
  crp?: Quantity<'mg/dL' | 'mg/L'>;
  ldh?: Quantity<'U/L' | 'IU/L'>;
  platelets?: Quantity<'10^3/µL' | '10^9/L' | '/µL'>;
  calcium?: Quantity<'mg/dL' | 'mmol/L'>;
  bilirubin?: Quantity<'mg/dL' | 'µmol/L'>;
}

/**
 * A quantity in the unit a threshold is stated in: as given in that unit, else times the factor from
 * `factors` (unit -> factor). Rounded to 10 decimals because binary floating point is not decimal:
 * 35 g/L × 0.1 is 3.5000000000000004, which must still read as the 3.5 g/dL threshold.
 */
export function inUnit(quantity: Quantity | undefined, unit: string, factors: Readonly<Record<string, number>>): number | undefined {
  if (quantity === undefined) return undefined;
  if (quantity.unit === unit) return quantity.value;
  const factor = factors[quantity.unit];
  return factor === undefined ? undefined : Math.round(quantity.value * factor * 1e10) / 1e10;
}
