import type { Evaluation, EvaluationWarning } from '../engine/types.js';
import { foldedWarnings, type ListedWarning } from './folded-warnings.js';

/** What each kind of warning means to a reader, in the order the list gives them. The clinician page reads the same titles. */
export const WARNING_GROUPS: Readonly<Record<EvaluationWarning['code'], string>> = {
  UNCONFIRMED_FRAMEWORK: 'Unconfirmed framework: not verified against its primary source as a whole',
  UNCONFIRMED_SOURCE: 'Unconfirmed sources: values not verified against their primary source',
  TABLE_NO_ENTRY: 'No table row for the value given: left open',
  COMPONENT_NO_MATCH: 'No alternative matched the input: left open',
  COMPONENT_MULTIPLE_MATCH: 'Several alternatives matched the input: left open',
  DOMAIN_TOO_LARGE: 'Too many combinations of missing values: every alternative kept possible',
};

/**
 * The evaluation's warnings grouped by kind, each naming its rule set (and lesion):
 * "Warnings" / "  Unconfirmed sources: ..." / "    Tomita score (...): table primaryGrowth row breast: ...".
 */
export function warningLines(evaluation: Evaluation): string[] {
  if (!evaluation.warnings.length) return [];
  const titles = new Map(evaluation.rulesets.map((r) => [r.id, r.title]));
  const place = (w: ListedWarning): string => {
    const level = w.lesion === undefined ? undefined : evaluation.lesions[w.lesion]?.level;
    return `${titles.get(w.ruleset) ?? w.ruleset}${w.lesion === undefined ? '' : `, lesion ${w.lesion + 1}${level ? ` ${level}` : ''}`}`;
  };
  const listed = foldedWarnings(evaluation.warnings);
  const lines = ['Warnings'];
  for (const [code, title] of Object.entries(WARNING_GROUPS)) {
    const group = listed.filter((w) => w.code === code);
    if (group.length) lines.push(`  ${title}`, ...group.map((w) => `    ${place(w)}: ${w.message}`));
  }
  return lines;
}
