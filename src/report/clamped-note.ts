import type { ComponentResult } from '../engine/types.js';

/**
 * Why a total differs from the sum of its points (a rule set's floor or ceiling, as NESMS caps 4 at 3), in
 * the words the text output and the HTML report both use; undefined when they agree or a point is open.
 * Worked out from the result as shown, so the evaluation's output, and every recorded decision, is unchanged.
 */
export function clampedNote(result: { score?: number | null; components?: Record<string, ComponentResult> }): string | undefined {
  if (result.score === null || result.score === undefined || !result.components) return undefined;
  let sum = 0;
  for (const id in result.components) {
    const points = (result.components[id] as ComponentResult).points;
    if (points === null) return undefined;
    sum += points;
  }
  if (sum === result.score) return undefined;
  return `points sum to ${sum}, ${sum > result.score ? 'capped at' : 'raised to'} ${result.score}`;
}
