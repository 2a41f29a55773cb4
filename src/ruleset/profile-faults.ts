// Two functions, not the whole of semver: its index loads every module it has, at every start.
import satisfies from 'semver/functions/satisfies.js';
import validRange from 'semver/ranges/valid.js';
import type { Problem } from '../problems/problem.js';
import { hasErrors } from '../problems/problem.js';
import { toPointer, type PathSegment, type SourceDocument } from '../source/source-document.js';
import { applyProfile, type ProfileApplication } from './apply-profile.js';
import { closest } from '../source/closest.js';
import { hintFrom } from './check-context.js';
import { contentHash } from './hash.js';
import type { LoadedProfile, ProfileChange, ProfileDocument } from './profile-types.js';
import type { LoadedRuleSet, RuleSetDocument } from './types.js';
import { isPlainObject } from '../source/plain-object.js';

export interface ProfileFaults {
  problems: Problem[];
  /** Each rule set the profile applies to, with its changes applied, where they applied without error. */
  applications: Array<{ base: LoadedRuleSet; application: ProfileApplication }>;
  /**
   * The others, with the changes that did apply (a profile not read whole, or a change naming what the
   * rule set lacks): checked only for what each change is on its own (changeLocalProblems).
   */
  partial: Array<{ base: LoadedRuleSet; application: ProfileApplication }>;
  /** The profile as far as it reads (its well-formed changes), which the partial applications apply. */
  readable: LoadedProfile;
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
  // A patched rule set is checked whole only for a profile read whole whose changes all applied to it;
  // where it is not, what each change can be checked for on its own still is (changeLocalProblems).
  const partial = applications.filter(({ application }) => !readWhole || hasErrors(application.problems));
  return { problems: faults, applications: applications.filter(({ application }) => !hasErrors(application.problems)), partial, readable: profile };
}

/**
 * What a rule set patched by only some of a profile's changes says of each change on its own: a value
 * outside its input's domain, a table value not among the table's, an unknown fact (an unknown reference
 * is the change's own check, profile-references.ts, whether or not it applied). Not its
 * coverage (a band gap, an overlap): a change left out may be the one that closes it, and the check
 * would mislead. So one change naming a rule that does not exist hides no other change's mistake.
 */
export function changeLocalProblems(problems: readonly Problem[], profileFile: string, factsInDoubt: boolean): Problem[] {
  return problems.filter((p) => p.file === profileFile && (CHANGE_LOCAL.has(p.code) || p.code.startsWith('SCHEMA_')) && !(factsInDoubt && p.code === 'UNKNOWN_FACT'));
}

/**
 * Whether a profile adds an input to `ruleset` that the partial application lacks (its add-input was
 * malformed or did not apply): an unknown fact of another change may be that input, not a typo of its own.
 */
export function inputLeftOut(source: SourceDocument, ruleset: string, document: RuleSetDocument): boolean {
  const changes = (source.data as { changes?: unknown } | null)?.changes;
  if (!Array.isArray(changes)) return false;
  return changes.some((c: unknown) => {
    const change = c as { op?: unknown; ruleset?: unknown; input?: unknown } | null;
    return change?.op === 'add-input' && change.ruleset === ruleset && (typeof change.input !== 'string' || !(change.input in document.inputs));
  });
}

const CHANGE_LOCAL: ReadonlySet<string> = new Set([
  'VALUE_NOT_IN_DOMAIN',
  'TABLE_KEY_NOT_IN_DOMAIN',
  'TABLE_VALUE_NOT_IN_DOMAIN',
  'UNKNOWN_FACT',
  'UNKNOWN_OPERATOR',
  'UNKNOWN_TABLE',
  'UNKNOWN_PATIENT_FIELD',
  'INPUT_TYPE_MISMATCH',
  'INPUT_DOMAIN_MISMATCH',
  'UNIT_MISMATCH',
]);

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

