import type { Evaluation, EvaluationWarning } from '../engine/types.js';
import { foldedWarnings, type ListedWarning } from './folded-warnings.js';

/** What each kind of warning means to a reader, in the order the list gives them (explain and the clinician page, through warningGroups). */
const WARNING_GROUPS: Readonly<Record<EvaluationWarning['code'], string>> = {
  THRESHOLD_NOT_FOLLOWED: 'Institution profile: a threshold it moved is still read at the published place here',
  PROFILE_STALE_LABEL: "Institution profile: wording that names a band's published range, which the profile moved",
  UNCONFIRMED_FRAMEWORK: 'Unconfirmed framework: not verified against its primary source as a whole',
  UNCONFIRMED_SOURCE: 'Unconfirmed sources: values not verified against their primary source',
  TABLE_NO_ENTRY: 'No table row for the value given: left open',
  COMPONENT_NO_MATCH: 'No alternative matched the input: left open',
  COMPONENT_MULTIPLE_MATCH: 'Several alternatives matched the input: left open',
  DOMAIN_TOO_LARGE: 'Too many combinations of missing values: every alternative kept possible',
};

/** One kind of warning as a reader sees it: its title, and a line per warning naming its rule set (and lesion). */
export interface WarningGroup {
  code: EvaluationWarning['code'];
  title: string;
  lines: string[];
}

/**
 * The evaluation's warnings grouped by kind, in the order of WARNING_GROUPS, each line naming its rule
 * set (and lesion): "Tomita score (...): table primaryGrowth row breast: ...". The possible unconfirmed
 * elements of one table, score or rule at one place are one line (foldedWarnings). Explain and the
 * clinician page (bundled) both list them from here.
 */
export function warningGroups(evaluation: Pick<Evaluation, 'warnings' | 'rulesets' | 'lesions'>): WarningGroup[] {
  const titles = new Map(evaluation.rulesets.map((r) => [r.id, r.title]));
  const place = (w: ListedWarning): string => {
    const level = w.lesion === undefined ? undefined : evaluation.lesions[w.lesion]?.level;
    return `${titles.get(w.ruleset) ?? w.ruleset}${w.lesion === undefined ? '' : `, lesion ${w.lesion + 1}${level ? ` ${level}` : ''}`}`;
  };
  const listed = foldedWarnings(evaluation.warnings);
  const groups: WarningGroup[] = [];
  for (const [code, title] of Object.entries(WARNING_GROUPS) as Array<[EvaluationWarning['code'], string]>) {
    const group = listed.filter((w) => w.code === code);
    if (group.length) groups.push({ code, title, lines: group.map((w) => `${place(w)}: ${w.message}`) });
  }
  return groups;
}

/** "Warnings" / "  Unconfirmed sources: ..." / "    Tomita score (...): ...", or nothing when there is no warning. */
export function warningLines(evaluation: Evaluation): string[] {
  const groups = warningGroups(evaluation);
  if (!groups.length) return [];
  return ['Warnings', ...groups.flatMap((g) => [`  ${g.title}`, ...g.lines.map((line) => `    ${line}`)])];
}
