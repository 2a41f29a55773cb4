import type { Problem } from '../problems/problem.js';
import { hasErrors } from '../problems/problem.js';
import { loadProfileFile } from './load-profile.js';
import { loadRuleSetSource } from './load-ruleset.js';
import { overlaySource } from './overlay-source.js';
import { changeLocalProblems, inputLeftOut, profileFaults } from './profile-faults.js';
import { withReview, type LoadedProfile } from './profile-types.js';
import type { LoadedRuleSet } from './types.js';

/**
 * Applies institution profiles to the selected rule sets. A profile must name every rule set it
 * changes in `appliesTo`, with a version range the selected version satisfies; each patched rule set
 * is then checked exactly like a rule file (schema, names, bands, coverage), with problems reported
 * at the profile's changes. A profile with any error patches no rule set: none keeps half of it.
 */
export async function applyProfiles(selected: readonly LoadedRuleSet[], files: readonly string[], failed: ReadonlySet<string> = new Set()): Promise<{ rulesets: LoadedRuleSet[]; profiles: LoadedProfile[]; problems: Problem[] }> {
  const problems: Problem[] = [];
  const profiles: LoadedProfile[] = [];
  let rulesets = [...selected];
  for (const file of files) {
    const load = loadProfileFile(file);
    if (!load.source) {
      problems.push(...load.problems);
      continue;
    }
    const faults = profileFaults(load.source, rulesets, load.problems, failed, load.profile !== undefined);
    const found = [...load.problems, ...faults.problems];
    for (const { base, application } of faults.partial) {
      const loaded = await loadRuleSetSource(overlaySource(base.source, faults.readable, application.document, application.applied));
      found.push(...changeLocalProblems(loaded.problems, load.source.file, inputLeftOut(load.source, base.document.id, application.document)));
    }
    const { profile } = load;
    // The patched rule sets are checked only for a profile read whole: a change left out would make
    // the rule set another than the one the profile describes, and its checks would mislead.
    if (profile) {
      profiles.push(profile);
      const patched: LoadedRuleSet[] = [];
      for (const { base, application } of faults.applications) {
        const loaded = await loadRuleSetSource(overlaySource(base.source, profile, application.document, application.applied));
        found.push(...loaded.problems);
        // Wording the change left naming the value it replaced: said in every evaluation, as the review's findings are.
        if (loaded.ruleset) patched.push(withReview({ ...loaded.ruleset, file: base.file }, application.stale));
      }
      if (!hasErrors(found)) rulesets = rulesets.map((r) => patched.find((p) => p.document.id === r.document.id) ?? r);
    }
    problems.push(...found);
  }
  return { rulesets, profiles, problems };
}
