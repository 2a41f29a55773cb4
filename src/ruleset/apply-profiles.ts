// Two functions, not the whole of semver: its index loads every module it has, at every start.
import satisfies from 'semver/functions/satisfies.js';
import validRange from 'semver/ranges/valid.js';
import type { Problem } from '../problems/problem.js';
import { hasErrors } from '../problems/problem.js';
import { applyProfile } from './apply-profile.js';
import { hintFrom } from './check-context.js';
import { loadProfileFile } from './load-profile.js';
import { loadRuleSetSource } from './load-ruleset.js';
import { overlaySource } from './overlay-source.js';
import type { LoadedProfile } from './profile-types.js';
import type { LoadedRuleSet } from './types.js';

/**
 * Applies institution profiles to the selected rule sets. A profile must name every rule set it
 * changes in `appliesTo`, with a version range the selected version satisfies; each patched rule set
 * is then checked exactly like a rule file (schema, names, bands, coverage), with problems reported
 * at the profile's changes. A rule set whose profile fails keeps nothing of it: the whole load fails.
 */
export async function applyProfiles(selected: readonly LoadedRuleSet[], files: readonly string[]): Promise<{ rulesets: LoadedRuleSet[]; profiles: LoadedProfile[]; problems: Problem[] }> {
  const problems: Problem[] = [];
  const profiles: LoadedProfile[] = [];
  let rulesets = [...selected];
  for (const file of files) {
    const load = loadProfileFile(file);
    problems.push(...load.problems);
    if (!load.profile) continue;
    const profile = load.profile;
    profiles.push(profile);
    const { appliesTo, changes } = profile.document;
    const targets = new Map<string, LoadedRuleSet>();
    for (const [id, range] of Object.entries(appliesTo)) {
      const ruleset = rulesets.find((r) => r.document.id === id);
      if (!ruleset) {
        problems.push(profile.source.problemAt(['appliesTo', id], 'PROFILE_UNKNOWN_RULESET', `no rule set "${id}" is loaded (loaded: ${rulesets.map((r) => r.document.id).join(', ')})${hintFrom(id, rulesets.map((r) => r.document.id))}`, { key: true }));
      } else if (!validRange(range)) {
        problems.push(profile.source.problemAt(['appliesTo', id], 'PROFILE_INVALID_RANGE', `"${range}" is not a semantic-version range; name the versions the changes were written for, e.g. "1.x" or ">=1.1.0 <2.0.0"`));
      } else if (!satisfies(ruleset.document.version, range)) {
        problems.push(profile.source.problemAt(['appliesTo', id], 'PROFILE_VERSION_MISMATCH', `the profile was written for ${id} ${range}, but ${id} ${ruleset.document.version} is selected; review the changes against this version, then widen the range`));
      } else if (ruleset.document.profile) {
        problems.push(profile.source.problemAt(['appliesTo', id], 'PROFILE_NOT_APPLICABLE', `rule set ${id} already has profile ${ruleset.document.profile.id} applied; one profile per rule set`, { key: true }));
      } else {
        targets.set(id, ruleset);
      }
    }
    changes.forEach((change, i) => {
      if (!(change.ruleset in appliesTo)) problems.push(profile.source.problemAt(['changes', i, 'ruleset'], 'PROFILE_UNKNOWN_RULESET', `rule set "${change.ruleset}" is not listed in appliesTo${hintFrom(change.ruleset, Object.keys(appliesTo))}`));
    });
    for (const [id, base] of targets) {
      const application = applyProfile(base.document, profile);
      problems.push(...application.problems);
      if (hasErrors(application.problems)) continue;
      const load = await loadRuleSetSource(overlaySource(base.source, profile, application.document, application.applied));
      problems.push(...load.problems);
      const patched = load.ruleset;
      if (patched) rulesets = rulesets.map((r) => (r.document.id === id ? { ...patched, file: base.file } : r));
    }
  }
  return { rulesets, profiles, problems };
}
