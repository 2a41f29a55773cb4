import { checkBandWording } from './check-band-wording.js';
import { checkThresholds } from './check-thresholds.js';
import type { LoadedProfile, ReviewFinding } from './profile-types.js';
import type { LoadedRuleSet } from './types.js';

/**
 * The review of profiles as a whole, across the rule sets they patch (warnings, never a reason to refuse
 * them): thresholds moved in one place and not another, and wording that still names a moved band.
 * Run wherever profiles are loaded (loadRuleSets): the author sees the problems, and every evaluation
 * using a rule set found out of step carries its warnings.
 */
export function reviewProfiles(rulesets: readonly LoadedRuleSet[], profiles: readonly LoadedProfile[]): ReviewFinding[] {
  if (profiles.length === 0) return [];
  return [...checkThresholds(rulesets, profiles), ...checkBandWording(rulesets, profiles)];
}
