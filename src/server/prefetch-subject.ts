import type { Problem } from '../problems/problem.js';
import type { SourceDocument } from '../source/source-document.js';
import { prefetchResources } from './fhir-to-patient.js';

/**
 * The prefetched resources that are about another patient than the hook's `context.patientId`: a
 * Patient with another id, an Observation or Condition whose subject names another patient. A card
 * built from them would be shown in this patient's chart, so the request is refused (422), each one
 * named where the request gives it. A resource without a subject, or whose subject names no Patient by
 * id (urn:uuid:..., a contained #p), is taken as the prefetch query's.
 */
export function otherPatientProblems(prefetch: Record<string, unknown>, patientId: string, source: SourceDocument): Problem[] {
  return prefetchResources(prefetch).flatMap(({ resource, at }) => {
    if (resource.resourceType === 'Patient' && resource.id !== undefined && resource.id !== patientId) {
      return [source.problemAt(['prefetch', ...at, 'id'], 'PATIENT_MISMATCH', `the Patient resource is ${resource.id}, but the hook is for patient ${patientId}`)];
    }
    // Only a reference that names a Patient can name another one (urn:uuid:..., #contained: the query's).
    const subject = resource.subject?.reference;
    const named = subject === undefined ? undefined : subjectId(subject);
    if (named !== undefined && named !== patientId) {
      return [source.problemAt(['prefetch', ...at, 'subject', 'reference'], 'PATIENT_MISMATCH', `${resource.resourceType} ${resource.id ?? ''} is about ${subject}, but the hook is for patient ${patientId}`)];
    }
    return [];
  });
}

/** The patient id of a reference: `Patient/p1`, `https://fhir.example/Patient/p1` or `Patient/p1/_history/2`. */
function subjectId(reference: string): string | undefined {
  return /(?:^|\/)Patient\/([^/]+)(?:\/_history\/[^/]+)?$/.exec(reference)?.[1];
}
