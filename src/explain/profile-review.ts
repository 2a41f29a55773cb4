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
  const profiles = [...new Set(review.map((w) => w.profile))];
  // One place is one place, whether the change found its own wording stale or the review found it.
  const places = (code: ProfileReviewWarning['code']): ProfileReviewWarning[] => [...new Map(review.filter((w) => w.code === code).map((w) => [`${w.ruleset} ${w.at}`, w])).values()];
  const count = (found: ProfileReviewWarning[], [one, many]: [string, string], [says, say]: [string, string]): string[] =>
    found.length ? [`${found.length} ${found.length === 1 ? one : many} in ${[...new Set(found.map((w) => w.ruleset))].join(', ')} ${found.length === 1 ? says : say}`] : [];
  const tests = places('THRESHOLD_NOT_FOLLOWED');
  const parts = [
    ...count(tests, ['test', 'tests'], ['still divides a value at the published threshold the profile moved', 'still divide a value at the published threshold the profile moved']),
    ...count(places('PROFILE_STALE_LABEL'), ['label or text', 'labels or texts'], ['still names the published value or range the profile changed', 'still name the published value or range the profile changed']),
  ];
  // Results can disagree only where a threshold is read twice; stale words alone mislead by their words.
  const consequence = tests.length ? 'Results may disagree across rule sets near the moved threshold.' : 'Those words are the published ones; the results follow the profile.';
  const named = profiles.length === 1 ? `Institution profile ${profiles[0]} is` : `Institution profiles ${profiles.join(' and ')} are`;
  return `${named} not followed everywhere: ${parts.join('; ')}. ${consequence}`;
}
