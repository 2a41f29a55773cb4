import type { ComponentResult, Evaluation } from '../engine/types.js';
import { compareOutputs, eachResult, outputKey, scoreText, type OutputValue } from './result-outputs.js';

/** One component of a score (or of a subscore), as compared between two rule-set versions. */
interface ComponentValue extends OutputValue {
  /** The score output the component adds to, e.g. `nesms.score`, `nesms.modifiedBauer.score`. */
  score: string;
  /** That score's value, as the result outputs give it. */
  total: string;
}

export interface ComponentChange {
  /** `ruleset.component`, or `ruleset.subscore.component`, e.g. `nesms.albumin`. */
  output: string;
  lesion?: number;
  from: string;
  to: string;
  /** The score the component adds to, before and after. */
  score: { output: string; from: string; to: string };
  /** The score kept its value: its ceiling or floor, or another component moving the other way, took the change up. */
  absorbed: boolean;
}

/**
 * Every component of every score and subscore, with its points and the alternative that held, or when
 * open the points it may give and the alternatives still possible. A change that moves a patient across
 * a component's threshold shows here even where the total does not move.
 */
export function componentValues(evaluation: Evaluation): ComponentValue[] {
  const values: ComponentValue[] = [];
  eachResult(evaluation, (id, result, lesion) => {
    const scores = [
      { name: id, score: result },
      ...Object.entries(result.subscores ?? {}).map(([name, sub]) => ({ name: `${id}.${name}`, score: sub })),
    ];
    for (const { name, score } of scores) {
      const total = scoreText(score.score ?? null, score.range ?? null);
      for (const [component, c] of Object.entries(score.components ?? {})) {
        values.push({ output: `${name}.${component}`, ...(lesion !== undefined ? { lesion } : {}), score: `${name}.score`, total, value: componentText(c) });
      }
    }
  });
  return values;
}

/** The components that differ, each with its score before and after. */
export function compareComponents(before: readonly ComponentValue[], after: readonly ComponentValue[]): ComponentChange[] {
  const totals = (values: readonly ComponentValue[]): Map<string, string> => new Map(values.map((v) => [outputKey({ output: v.score, lesion: v.lesion }), v.total]));
  const was = totals(before);
  const now = totals(after);
  return compareOutputs(before, after).map(({ output, lesion, from, to, score }) => {
    const key = outputKey({ output: score, lesion });
    const total = { output: score, from: was.get(key) ?? 'absent', to: now.get(key) ?? 'absent' };
    return { output, ...(lesion !== undefined ? { lesion } : {}), from, to, score: total, absorbed: total.from === total.to };
  });
}

/** `1 (atLeast3_5)`; open: `0–1 (undetermined: atLeast3_5 or below3_5)`, `0–2 (conflict: a and b matched)`. */
function componentText(c: ComponentResult): string {
  if (c.status === 'determined') return `${c.points} (${c.alternative})`;
  // As a set: the order alternatives were found in is not the patient's.
  const possible = [...(c.possible ?? [])].sort();
  const open = c.status === 'conflict' ? `conflict: ${possible.length ? `${possible.join(' and ')} matched` : 'none matched'}` : `undetermined: ${possible.join(' or ')}`;
  const [low, high] = c.range;
  return `${scoreText(low === high ? low : null, c.range)} (${open})`;
}
