import type { Problem } from '../problems/problem.js';
import { hintFrom } from './check-context.js';
import { profileName, type LoadedProfile } from './profile-types.js';
import type { RuleSetDocument } from './types.js';

/**
 * Adds the profile's references to a copy of a rule set's, so that what a change writes can cite
 * either; an id the rule set already defines differently is a clash, reported at the profile's key.
 */
export function mergeProfileReferences(document: RuleSetDocument, profile: LoadedProfile): Problem[] {
  const problems: Problem[] = [];
  for (const [id, reference] of Object.entries(profile.document.references ?? {})) {
    const existing = document.references[id];
    if (existing && JSON.stringify(existing) !== JSON.stringify(reference)) {
      problems.push(profile.source.problemAt(['references', id], 'PROFILE_REFERENCE_CLASH', `reference "${id}" is also defined, differently, in rule set ${document.id}; give the profile's reference another id`, { key: true }));
    } else {
      document.references[id] = reference;
    }
  }
  return problems;
}

/**
 * A change's `reference` must name one of the merged references. Checked here, at the change, because
 * the rule set's own check would find it only after the change copied it into the rule set, and would
 * place it in the base rule file, which the profile's author must not edit.
 */
export function changeReferenceProblem(document: RuleSetDocument, profile: LoadedProfile, index: number): Problem | undefined {
  const cited = profile.document.changes[index]?.reference;
  if (cited === undefined || document.references[cited]) return undefined;
  const hint = hintFrom(cited, Object.keys(document.references));
  const own = Object.keys(profile.document.references ?? {});
  // Far from every id there is no guess to offer; a change usually cites the profile's own source.
  const listed = hint || !own.length ? '' : ` (the profile defines ${own.join(', ')})`;
  return profile.source.problemAt(['changes', index, 'reference'], 'UNKNOWN_REFERENCE', `reference "${cited}" is in neither the profile's references nor rule set ${document.id}'s${hint}${listed}`);
}

/**
 * The reference a change without one cites: the institution's change, by name, added to the patched
 * rule set's references (which is hashed and recorded), never the published element's source. The
 * author is warned at the change, as every result resting on it will carry the unconfirmed mark.
 */
export function citeUncitedChange(document: RuleSetDocument, profile: LoadedProfile, index: number): { reference: string; unconfirmed: string; problem: Problem } {
  const change = profile.document.changes[index];
  const changeId = change?.id ?? String(index);
  let reference = `uncited-${profile.document.profile}-${changeId}`;
  // An id the rule set or the profile already uses is theirs; this one is only ever made here.
  while (document.references[reference]) reference += '-x';
  document.references[reference] = {
    // Led by what it is, so that a short form of it (explain's first clause) cannot read as a source.
    citation: `No source cited: ${profile.document.institution}, profile ${profileName(profile)}, change "${changeId}" (${change?.reason ?? ''})`,
  };
  const problem = profile.source.problemAt(['changes', index, 'id'], 'PROFILE_UNCITED_CHANGE', `change "${changeId}" gives no reference: its value will be cited as the institution's change and marked unconfirmed in every result; add a source to the profile's references and cite it with reference:`, { severity: 'warning' });
  const unconfirmed = `No source cited: ${profile.document.institution}'s change "${changeId}" (${profileName(profile)}).`;
  return { reference, unconfirmed, problem };
}
