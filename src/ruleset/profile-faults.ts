// Two functions, not the whole of semver: its index loads every module it has, at every start.
import satisfies from 'semver/functions/satisfies.js';
import validRange from 'semver/ranges/valid.js';
import type { Problem } from '../problems/problem.js';
import { hasErrors } from '../problems/problem.js';
import { toPointer, type PathSegment, type SourceDocument } from '../source/source-document.js';
import { applyProfile, type ProfileApplication } from './apply-profile.js';
import { closest } from '../source/closest.js';
import { hintFrom } from './check-context.js';
import { unknownPatientField } from './check-inputs.js';
import { contentHash } from './hash.js';
import type { LoadedProfile, ProfileChange, ProfileDocument } from './profile-types.js';
import type { LoadedRuleSet } from './types.js';
import { isPlainObject } from '../source/plain-object.js';

export interface ProfileFaults {
  problems: Problem[];
  /** Each rule set the profile applies to, with its changes applied, where they applied without error. */
  applications: Array<{ base: LoadedRuleSet; application: ProfileApplication }>;
}

/**
 * What is wrong with a profile against the loaded rule sets (a rule set not loaded or at another
 * version, a change naming a rule, band or table the rule set does not have, a stale label), found in
 * every part the schema accepted even when it rejected another: an author sees every problem in one
 * run. `problems` are the profile's own (schema, repeated keys): a change with a schema problem at or
 * under it is not applied, nor an `appliesTo` range with one checked, so none is reported twice.
 */
export function profileFaults(source: SourceDocument, rulesets: readonly LoadedRuleSet[], problems: readonly Problem[], failed: ReadonlySet<string> = new Set(), readWhole = true): ProfileFaults {
  const malformed = malformedPaths(problems);
  const profile = wellFormedParts(source, malformed);
  const { appliesTo, changes } = profile.document;
  const faults: Problem[] = [];
  const targets: LoadedRuleSet[] = [];
  for (const [id, range] of Object.entries(appliesTo)) {
    const ruleset = rulesets.find((r) => r.document.id === id);
    const rangeChecked = !malformed(['appliesTo', id]);
    if (!ruleset) {
      // A rule set whose file failed its own checks is reported there; "not loaded" here would be a second report of it.
      if (rangeChecked && !failed.has(id)) faults.push(source.problemAt(['appliesTo', id], 'PROFILE_UNKNOWN_RULESET', `no rule set "${id}" is loaded (loaded: ${rulesets.map((r) => r.document.id).join(', ')})${hintFrom(id, rulesets.map((r) => r.document.id))}`, { key: true }));
      continue;
    }
    if (rangeChecked && !validRange(range)) {
      faults.push(source.problemAt(['appliesTo', id], 'PROFILE_INVALID_RANGE', `"${range}" is not a semantic-version range; name the versions the changes were written for, e.g. "1.x" or ">=1.1.0 <2.0.0"`));
    } else if (rangeChecked && !satisfies(ruleset.document.version, range)) {
      faults.push(source.problemAt(['appliesTo', id], 'PROFILE_VERSION_MISMATCH', `the profile was written for ${id} ${range}, but ${id} ${ruleset.document.version} is selected; review the changes against this version, then widen the range`));
    }
    if (ruleset.document.profile) {
      faults.push(source.problemAt(['appliesTo', id], 'PROFILE_NOT_APPLICABLE', `rule set ${id} already has profile ${ruleset.document.profile.id} applied; one profile per rule set`, { key: true }));
      continue;
    }
    // Whatever the range says (rejected by the schema, no range, another version), the changes are still
    // checked against the rule set named: every problem in one run. A profile with any error patches nothing.
    targets.push(ruleset);
  }
  // A misspelt appliesTo key ("Sins") is one mistake, reported there: the changes naming the rule set it meant are not reported again.
  const loadedIds = rulesets.map((r) => r.document.id);
  const meant = new Set(Object.keys(appliesTo).flatMap((id) => (loadedIds.includes(id) ? [] : (closest(id, loadedIds) ?? []))));
  changes.forEach((change, i) => {
    if (!(change.ruleset in appliesTo) && !meant.has(change.ruleset)) faults.push(source.problemAt(['changes', i, 'ruleset'], 'PROFILE_UNKNOWN_RULESET', `rule set "${change.ruleset}" is not listed in appliesTo${hintFrom(change.ruleset, Object.keys(appliesTo))}`));
  });
  const applications = targets.map((base) => ({ base, application: applyProfile(base.document, profile) }));
  faults.push(...applications.flatMap(({ application }) => application.problems));
  // A patched rule set is checked only for a profile read whole whose changes all applied to it; where
  // it will not be, what a change can be checked for on its own is checked here, so one faulty change
  // does not hide it.
  const unchecked = applications.filter(({ application }) => !readWhole || hasErrors(application.problems)).map(({ base }) => base);
  faults.push(...addedFieldProblems(source, changes, unchecked));
  return { problems: faults, applications: applications.filter(({ application }) => !hasErrors(application.problems)) };
}

/** An added input naming no field of the patient contract, placed where the patched check places it. */
function addedFieldProblems(source: SourceDocument, changes: readonly ProfileChange[], targets: readonly LoadedRuleSet[]): Problem[] {
  return changes.flatMap((change, i) => {
    const target = change?.op === 'add-input' ? targets.find((r) => r.document.id === change.ruleset) : undefined;
    if (change?.op !== 'add-input' || !target) return [];
    const unknown = unknownPatientField(change.input, change.spec, target.document.scope);
    return unknown ? [source.problemAt(change.spec.field ? ['changes', i, 'spec', 'field'] : ['changes', i, 'input'], 'UNKNOWN_PATIENT_FIELD', unknown)] : [];
  });
}

/** Whether a schema problem lies at or under a path: that part of the profile is not what its author meant yet. */
function malformedPaths(problems: readonly Problem[]): (path: readonly PathSegment[]) => boolean {
  const paths = problems.filter((p) => p.code.startsWith('SCHEMA_') && p.path !== undefined).map((p) => p.path as string);
  return (path) => {
    const pointer = toPointer(path);
    return paths.some((p) => p === pointer || p.startsWith(`${pointer}/`));
  };
}

/**
 * The profile as far as it can be read for the checks: every entry of `appliesTo` and `references`
 * (their keys name rule sets and citations whatever their values), and each change with no schema
 * problem. A change left out leaves a hole, so that each change keeps its index, and so its position.
 */
function wellFormedParts(source: SourceDocument, malformed: (path: readonly PathSegment[]) => boolean): LoadedProfile {
  const data = (isPlainObject(source.data) ? source.data : {}) as Partial<ProfileDocument>;
  const changes: ProfileChange[] = [];
  if (Array.isArray(data.changes)) {
    changes.length = data.changes.length;
    data.changes.forEach((change: ProfileChange, i) => {
      if (!malformed(['changes', i])) changes[i] = change;
    });
  }
  const document = { ...data, appliesTo: isPlainObject(data.appliesTo) ? data.appliesTo : {}, references: isPlainObject(data.references) ? data.references : {}, changes } as ProfileDocument;
  return { document, file: source.file, source, sha256: contentHash(source.data) };
}

