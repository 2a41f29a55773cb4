import { usageError } from './usage-error.js';

/** A --cors-origin: `*`, or an origin as a browser sends it (scheme, host, port; no path, no trailing slash). */
export function corsOrigin(text: string): string {
  if (text === '*') return text;
  let origin: string | undefined;
  try {
    origin = new URL(text).origin;
  } catch {
    origin = undefined;
  }
  // A browser's Origin header is compared as a string: https://ehr.example.org/ would match no page.
  if (origin !== text || !/^https?:/.test(text)) usageError('OPTION_INVALID', `--cors-origin must be * or an origin such as https://ehr.example.org (no path, no trailing slash), got "${text}"`);
  return text;
}
