import type { Problem } from '../problems/problem.js';
import type { SourceDocument } from '../source/source-document.js';
import type { Resource } from './fhir-read.js';

/**
 * The prefetch keys of the discovery a request did not send. This service does not query the FHIR
 * server, so it cannot obtain them: CDS Hooks 2.0 says 412. A card would read as if the record held
 * nothing of them ("No spinal lesion in the record"), its reason buried at the end of the detail. A key
 * sent as null (the EHR has no data for it) is sent.
 */
export function missingPrefetch(prefetch: Record<string, unknown> | undefined, templates: Record<string, string>, source: SourceDocument): Problem[] {
  return Object.entries(templates).flatMap(([key, template]) =>
    prefetch && Object.hasOwn(prefetch, key) ? [] : [source.problemAt(['prefetch', key], 'PREFETCH_MISSING', `prefetch key ${key} (${template}) was not sent, and this service does not query the FHIR server; send it, as null where the record holds nothing for it`)],
  );
}

/** A prefetch key sent that this service could not read in full, and what the card says of it. */
export interface PrefetchGap {
  key: string;
  /** A search Bundle that holds part of what its search found (a page of it, or results cut): what it holds is read, the rest is not. */
  inPart: boolean;
  /** An Observation search, which lesions and the other signs of spinal disease come by. */
  observations: boolean;
  note: string;
}

/**
 * The prefetch keys sent that this service cannot read in full: an OperationOutcome in a key's place (CDS
 * Hooks 2.0: the client could not prefetch it), of which nothing is read, or a search Bundle that holds
 * only part of its results, whose rest this service cannot fetch. The card must not read as if the
 * record held nothing more, nor what they do not show be taken as absent (no sign of spinal disease, a
 * lesion the count leaves out, an older observation as the latest).
 */
export function prefetchGaps(prefetch: Record<string, unknown>, templates: Record<string, string>): PrefetchGap[] {
  return Object.entries(templates).flatMap(([key, template]): PrefetchGap[] => {
    const value = prefetch[key] as Resource | null | undefined;
    const observations = template.startsWith('Observation?');
    if (value?.resourceType === 'OperationOutcome') return [{ key, inPart: false, observations, note: `prefetch ${key} could not be fetched by the EHR (an OperationOutcome in its place): nothing of it is read` }];
    const cut = value?.resourceType === 'Bundle' ? whyInPart(value) : undefined;
    return cut ? [{ key, inPart: true, observations, note: `prefetch ${key} ${cut}: what the search found beyond it is not read, so the latest value read may not be the latest in the record` }] : [];
  });
}

/** Why a search Bundle holds only part of what its search found, if it says so. */
function whyInPart(bundle: Resource): string | undefined {
  // Link relations are case-insensitive (RFC 8288): a server's "NEXT" links a next page too.
  if (bundle.link?.some((link) => link.relation?.toLowerCase() === 'next')) return 'is one page of a paged search (its Bundle links a next page, which this service cannot fetch)';
  const entries = bundle.entry ?? [];
  // The server's word on its search (search.mode outcome), such as a warning that it cut the results:
  // whether it did cannot be told from here, so the search is not taken as whole.
  if (entries.some((e) => modeOf(e) === 'outcome' || e.resource?.resourceType === 'OperationOutcome')) return 'holds an OperationOutcome of its search (the server\'s word on it, such as results cut)';
  // total counts the matches, not the resources a search includes beside them (search.mode include).
  const matches = entries.filter((e) => modeOf(e) === 'match').length;
  const { total } = bundle as { total?: unknown };
  // A total that is no count says nothing to trust either way: not taken as whole.
  if (total !== undefined && !(Number.isInteger(total) && (total as number) >= 0)) return `gives a total of results that is no count (${JSON.stringify(total)})`;
  if (typeof total === 'number' && total > matches) return `holds ${matches} of the ${total} results its search found`;
  return undefined;
}

/** An entry's search mode; a `search` that is no object (the service only reads it as a hint) says match, as an absent one does. */
function modeOf(entry: { search?: unknown }): unknown {
  const { search } = entry;
  return typeof search === 'object' && search !== null && 'mode' in search ? (search as { mode?: unknown }).mode ?? 'match' : 'match';
}
