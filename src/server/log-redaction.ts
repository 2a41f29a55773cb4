import type { LoggerOptions } from 'pino';

/**
 * What the service logs: requests (method, url, status, time), rule-set reloads and rejections. Bodies
 * are never logged, and any object that would carry patient data or credentials is censored in case a
 * log call passes one (pino's redact paths; `*` is one level of nesting).
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.body',
  'body',
  'patient',
  'input',
  'prefetch',
  'context',
  '*.patient',
  '*.input',
  '*.prefetch',
  '*.lesions',
  '*.body',
];

export function loggerOptions(level: string): LoggerOptions {
  return { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
}
