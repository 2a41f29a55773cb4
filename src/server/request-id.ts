import { randomUUID } from 'node:crypto';

/** Short and plain: it goes into every log line of the request and back in a header. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/**
 * The id a request is logged and answered under: the client's `x-request-id` (a proxy's or an EHR's,
 * so that the two logs meet) when it is safe to repeat, else a new UUID.
 */
export function requestId(header: string | string[] | undefined): string {
  return typeof header === 'string' && SAFE_REQUEST_ID.test(header) ? header : randomUUID();
}

export const REQUEST_ID_HEADER = 'x-request-id';
