import type { Problem } from '../problems/problem.js';
import { toPointer, valueAt, type PathSegment, type SourceDocument } from '../source/source-document.js';
import type { FhirMapped } from './fhir-to-patient.js';

/** A problem with a patient mapped from FHIR: `path`, `line` and `column` are the value's place in the hook request. */
interface MappedPatientProblem extends Problem {
  /** The field of the patient contract the value maps to, e.g. `/lesions/0/bilskyGrade`. */
  patientPath: string;
  /** The FHIR resource the value came from (`Observation/alb`); absent when no one resource gave it (the lesion list). */
  resource?: string;
}

/**
 * The patient mapped from a CDS Hooks prefetch, as a document whose places are those of the hook request:
 * the patient contract's checks run on the mapped values, and each problem lands where the client wrote
 * the value (`/prefetch/observations/entry/2/resource/valueQuantity/value`, at its line and column), not
 * in the mapped patient, a document the client never sees.
 */
export function mappedPatientSource(mapped: FhirMapped, request: SourceDocument, prefetchPath: PathSegment[]): SourceDocument {
  const place = (path: readonly PathSegment[], key = false): { at: PathSegment[]; resource?: string } => {
    // What has no origin of its own (a lesion's missing key, the lesion list) is placed at its nearest ancestor's.
    for (let n = path.length; n > 0; n--) {
      const origin = mapped.origins.get(toPointer(path.slice(0, n)));
      if (origin) return { at: [...prefetchPath, ...(key && n === path.length && origin.key ? origin.key : origin.value)], resource: origin.resource };
    }
    return { at: prefetchPath };
  };
  return {
    file: request.file,
    data: mapped.patient,
    problems: [],
    locate: (path, options) => request.locate(place(path, options?.key).at),
    scalarAt: (path) => valueAt(mapped.patient, path),
    // The request's text only where the patient holds the value as written (1e400, not a computed age).
    textAt: (path) => {
      const { at } = place(path);
      return Object.is(request.scalarAt(at), valueAt(mapped.patient, path)) ? request.textAt?.(at) : undefined;
    },
    problemAt: (path, code, message, options = {}): MappedPatientProblem => {
      const { at, resource } = place(path, options.key);
      return {
        code,
        severity: options.severity ?? 'error',
        message: resource ? `${resource}: ${message}` : message,
        file: request.file,
        path: toPointer(at),
        ...request.locate(at),
        patientPath: toPointer(path),
        ...(resource ? { resource } : {}),
      };
    },
  };
}
