import type { Problem } from '../problems/problem.js';
import { checkBandWording } from './check-band-wording.js';
import { checkThresholds } from './check-thresholds.js';
import type { LoadedProfile } from './profile-types.js';
import type { LoadedRuleSet } from './types.js';

/**
 * The review of profiles as a whole, across the rule sets they patch (warnings, never a reason to refuse
 * them): thresholds moved in one place and not another, and wording that still names a moved band.
 * Run by `validate --profile` and `watch --profile`; evaluation does not repeat it.
 */
export function reviewProfiles(rulesets: readonly LoadedRuleSet[], profiles: readonly LoadedProfile[]): Problem[] {
  if (profiles.length === 0) return [];
  return [...checkThresholds(rulesets, profiles), ...checkBandWording(rulesets, profiles)];
}
