import type { Problem } from '../problems/problem.js';
import { toPointer, type PathSegment, type SourceDocument } from '../source/source-document.js';
import type { Component, InputSpec, LoadedRuleSet, RecommendationSpec, Reference, Scalar } from './types.js';

/** TypeScript view of `schemas/profile.schema.json`; a value of these types has passed that schema. */

interface ChangeBase {
  id: string;
  ruleset: string;
  reason: string;
  author: string;
  /** Reference id the new value cites (the profile's or the rule set's). */
  reference?: string;
  /** What about the new value no published source confirms (e.g. a weight the institution chose). */
  unconfirmed?: string;
}

/** The element's wording under the new value, when the published wording names the value replaced. */
interface Rewording {
  label?: string;
  text?: string;
}

export type ProfileChange = ChangeBase &
  (
    | { op: 'set-points'; rule: string; points: number }
    | ({ op: 'set-condition'; rule: string; at: string; value: Scalar | Scalar[] } & Rewording)
    | ({ op: 'set-band'; score?: string; category: string; min?: number; max?: number } & Pick<Rewording, 'label'>)
    | { op: 'set-table'; table: string; key: string; value: string }
    | { op: 'disable-rule'; rule: string }
    | { op: 'add-input'; input: string; spec: InputSpec }
    | { op: 'add-component'; score?: string; component: Component }
    | { op: 'add-recommendation'; recommendation: RecommendationSpec }
  );

export type ChangeOp = ProfileChange['op'];

export interface ProfileDocument {
  profile: string;
  version: string;
  title: string;
  institution: string;
  description?: string;
  references?: Record<string, Reference>;
  /** Base rule-set id → the semantic-version range the changes were written for. */
  appliesTo: Record<string, string>;
  changes: ProfileChange[];
}

/** A profile file that passed its schema, with its identity fixed by content. */
export interface LoadedProfile {
  document: ProfileDocument;
  file: string;
  source: SourceDocument;
  /** sha256 of the canonical JSON (RFC 8785) of the profile. */
  sha256: string;
}

/** `id@version`, as profile marks and results name a profile. */
export const profileName = (profile: LoadedProfile): string => `${profile.document.profile}@${profile.document.version}`;

/**
 * A place in a rule set that the review of the profiles found out of step with a change (review-profiles.ts):
 * a test or band edge still dividing a value where the change moved the threshold (THRESHOLD_NOT_FOLLOWED),
 * or wording that still names a moved band's published range (PROFILE_STALE_LABEL). Every evaluation that
 * uses the rule set carries it, so that a report reading two thresholds for one value says so.
 */
export interface ProfileReviewWarning {
  code: 'THRESHOLD_NOT_FOLLOWED' | 'PROFILE_STALE_LABEL';
  ruleset: string;
  /** Never set: the review is of a rule set, whichever lesion it is evaluated for (a warning's shape has it). */
  lesion?: undefined;
  /** The profile and change, `id@version` and the change's id. */
  profile: string;
  change: string;
  /** JSON pointer of the test, band edge, label or text in the rule set. */
  at: string;
  message: string;
}

export function isReviewWarning(w: { code: string }): w is ProfileReviewWarning {
  return w.code === 'THRESHOLD_NOT_FOLLOWED' || w.code === 'PROFILE_STALE_LABEL';
}

/** One finding of the review: the author's problem (validate, watch) and the warning evaluations carry. */
export interface ReviewFinding {
  problem: Problem;
  warning: ProfileReviewWarning;
}

/** A finding at `path` of `ruleset`, told to its author in `authorMessage` and to a result's reader in `readerMessage`. */
export function reviewFinding(ruleset: LoadedRuleSet, path: PathSegment[], code: ProfileReviewWarning['code'], by: { profile: string; change: string }, authorMessage: string, readerMessage: string): ReviewFinding {
  return {
    problem: ruleset.source.problemAt(path, code, authorMessage, { severity: 'warning' }),
    warning: { code, ruleset: ruleset.document.id, ...by, at: toPointer(path), message: readerMessage },
  };
}

/**
 * The rule set with `warnings` added to its review, itself when there are none: a copy (the rule set
 * without them may be shared: the library, the versions available, a worker's rebuild), frozen, as every
 * evaluation using it shares the warnings.
 */
export function withReview(ruleset: LoadedRuleSet, warnings: readonly ProfileReviewWarning[]): LoadedRuleSet {
  if (!warnings.length) return ruleset;
  return { ...ruleset, review: Object.freeze([...(ruleset.review ?? []), ...warnings.map((w) => Object.freeze(w))]) };
}
