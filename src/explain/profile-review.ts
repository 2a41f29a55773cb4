import type { EvaluationWarning } from '../engine/types.js';
import { isReviewWarning, type ProfileReviewWarning } from '../ruleset/profile-types.js';

/**
 * One sentence for the top of a report or card when the institution profile's review found rule sets out
 * of step with its changes: a report that reads two thresholds for one value (SINS 12 unstable in the
 * bands, yet "7-12" in an advisory) must say so where a clinician looks first, not only among the notes.
 */
export function profileReviewSummary(warnings: readonly EvaluationWarning[]): string | undefined {
  const review = warnings.filter(isReviewWarning);
  if (!review.length) return undefined;
  const profiles = [...new Set(review.map((w) => w.profile))].join(', ');
  const count = (code: ProfileReviewWarning['code'], [one, many]: [string, string], [says, say]: [string, string]): string[] => {
    const found = review.filter((w) => w.code === code);
    if (!found.length) return [];
    return [`${found.length} ${found.length === 1 ? one : many} in ${[...new Set(found.map((w) => w.ruleset))].join(', ')} ${found.length === 1 ? says : say}`];
  };
  const parts = [
    ...count('THRESHOLD_NOT_FOLLOWED', ['test', 'tests'], ['still divides a value at the published threshold the profile moved', 'still divide a value at the published threshold the profile moved']),
    ...count('PROFILE_STALE_LABEL', ['label or text', 'labels or texts'], ["still names a band's published range", "still name a band's published range"]),
  ];
  return `Institution profile ${profiles} is not followed everywhere: ${parts.join('; ')}. Results may disagree across rule sets near the moved threshold.`;
}
