import type { CdsConfig, FhirMapping } from './cds-config.js';
import { number } from './fhir-read.js';
import { observationRead, prefetchResources } from './fhir-to-patient.js';

/**
 * Whether the prefetch holds a sign of spinal metastatic disease (config/cds-hooks.yaml, card.spinalDisease):
 * a lesion Observation, or an Observation of a listed field with a number at least its threshold. Of any
 * status: a lesion read the card names as not used is still a lesion someone recorded, and the card is
 * how the clinician learns it was not used.
 */
export function showsSpinalDisease(prefetch: Record<string, unknown>, mapping: FhirMapping, signs: NonNullable<CdsConfig['card']['spinalDisease']>): boolean {
  return prefetchResources(prefetch).some(({ resource }) => {
    if (resource.resourceType !== 'Observation') return false;
    const read = observationRead(resource, mapping);
    if (read?.kind === 'lesion') return true;
    const field = read?.kind === 'field' ? read.code : read?.rule.field;
    const value = number(resource)?.value;
    return typeof value === 'number' && signs.some((sign) => sign.field === field && value >= sign.atLeast);
  });
}
