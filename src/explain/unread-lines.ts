import type { Evaluation } from '../engine/types.js';

/**
 * The fields given that no rule set in use read, as explain and the text report say them (a value
 * entered is never silently left out), or nothing.
 */
export function unreadLines(evaluation: Pick<Evaluation, 'unread'>): string[] {
  return evaluation.unread ? ['Given, but read by no rule set in use (these entered no result):', ...evaluation.unread.map((field) => `  - ${field}`)] : [];
}
