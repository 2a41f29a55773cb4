import type { EvaluationWarning, UnconfirmedSourceWarning } from '../engine/types.js';

/** A warning as a reader's list gives it: the warning itself, or several folded into one line. */
export interface ListedWarning {
  code: EvaluationWarning['code'];
  ruleset: string;
  lesion?: number;
  message: string;
}

/**
 * The warnings with the `possible` UNCONFIRMED_SOURCE ones of one table, score or part, at one place,
 * folded into one line: with the primary tumour missing, each of Tomita's ten unconfirmed growth rows
 * could be the one looked up, and ten lines saying so buried the notes that apply. The JSON output
 * keeps every warning with its own note; explain sets each note beside the value it bears on.
 */
export function foldedWarnings(warnings: readonly EvaluationWarning[]): ListedWarning[] {
  const groups = new Map<string, UnconfirmedSourceWarning[]>();
  const listed: Array<ListedWarning | UnconfirmedSourceWarning[]> = [];
  for (const warning of warnings) {
    if (warning.code !== 'UNCONFIRMED_SOURCE' || warning.status !== 'possible') {
      listed.push(warning);
      continue;
    }
    const key = `${warning.ruleset} ${warning.lesion ?? ''} ${warning.element} ${container(warning.id)}`;
    const group = groups.get(key);
    if (group) group.push(warning);
    else {
      const started = [warning];
      groups.set(key, started);
      listed.push(started);
    }
  }
  return listed.map((entry) => (Array.isArray(entry) ? fold(entry) : entry));
}

function fold(group: UnconfirmedSourceWarning[]): ListedWarning {
  const [first] = group as [UnconfirmedSourceWarning, ...UnconfirmedSourceWarning[]];
  if (group.length === 1) return first;
  const names = group.map((w) => w.id.slice(container(w.id).length + 1));
  const what = first.element === 'row' ? `table ${container(first.id)} rows ${names.join(', ')}` : first.element === 'band' ? `${container(first.id)} categories ${names.join(', ')}` : `${container(first.id)} = ${names.join(' or ')}`;
  const notes = new Set(group.map((w) => w.note));
  const note = notes.size === 1 ? first.note : 'each has its own note (explain, or the JSON output)';
  return { code: first.code, ruleset: first.ruleset, ...(first.lesion !== undefined ? { lesion: first.lesion } : {}), message: `${what} (possible: missing data leaves open which applies): ${note}` };
}

/** `primaryGrowth` of `primaryGrowth.breast`: the table, score or part the element belongs to. */
const container = (id: string): string => id.slice(0, id.lastIndexOf('.'));

/**
 * A warning as one line of a report's notes: its code, rule set and, for a lesion's, which lesion
 * ("lesion 2 T12"), so that two lesions' warnings of one kind are two lines that say whose they are.
 */
export function warningLine(w: ListedWarning, lesions: ReadonlyArray<{ level?: string | null }>): string {
  const level = w.lesion === undefined ? undefined : lesions[w.lesion]?.level;
  const where = w.lesion === undefined ? '' : ` (lesion ${w.lesion + 1}${level ? ` ${level}` : ''})`;
  return `${w.code} ${w.ruleset}${where}: ${w.message}`;
}
