import type { InputTrace, TraceEntry } from '../engine/types.js';

/**
 * What a value not given was taken as (or narrowed to), as explain and the text report say it:
 * `visceralMetastases: not given, taken as true (visceralMetastasesResectability is unremovable, so true)`.
 */
export function assumedInputLine(input: InputTrace): string {
  const taken = input.source === 'default' ? `, taken as ${JSON.stringify(input.value)}` : input.possible ? `, one of ${input.possible.join(', ')}` : '';
  return `${input.input}: not given${taken} (${input.note ?? `from ${input.takenFrom?.join(', ')}`})`;
}

/**
 * A value given in another unit, as the rule set read it: `albumin: 38 g/L read as 3.8 g/dL (×0.1)`.
 * The factor's source is in the trace entry (and explain, and the HTML report); here it would repeat per rule set.
 */
export function convertedInputLine(input: InputTrace): string {
  const given = input.given && typeof input.given === 'object' && 'value' in input.given && 'unit' in input.given ? `${String(input.given.value)} ${String(input.given.unit)}` : JSON.stringify(input.given);
  const factor = input.conversion ? ` (×${input.conversion.factor})` : '';
  return `${input.input}: ${given} read as ${String(input.value)}${input.unit ? ` ${input.unit}` : ''}${factor}`;
}

/**
 * The report's list of what was assumed or converted, each line once with the rule sets (and lesions)
 * that read it: the same implication is read by every rule set that declares the input. Explain words
 * a line with the factor's source and places it by rule set alone (its lines are per lesion already).
 */
export function assumedAndConverted(
  trace: readonly TraceEntry[],
  lineOf: (entry: InputTrace) => string = (entry) => (entry.source === 'converted' ? convertedInputLine(entry) : assumedInputLine(entry)),
  placeOf: (entry: InputTrace) => string = (entry) => `${entry.lesion !== undefined ? `lesion ${entry.lesion + 1} ` : ''}${entry.ruleset}`,
): Array<{ line: string; where: string[] }> {
  const byLine = new Map<string, string[]>();
  for (const entry of trace) {
    if (entry.kind !== 'input' || (entry.takenFrom === undefined && entry.source !== 'converted')) continue;
    const line = lineOf(entry);
    const where = placeOf(entry);
    const list = byLine.get(line);
    if (!list) byLine.set(line, [where]);
    else if (!list.includes(where)) list.push(where);
  }
  return [...byLine].map(([line, where]) => ({ line, where }));
}
