import type { ProfileReviewWarning } from '../ruleset/profile-types.js';
import type { ProfileMark, Scalar } from '../ruleset/types.js';
import type { LookupGap } from './lookup-gaps.js';
import type { TraceLevel } from './trace-level.js';

/** One fact test as evaluated: on which value, with which outcome. */
export interface ConditionTrace {
  /** Where the test sits in the rule's condition tree, e.g. `all/1/any/0`. */
  at: string;
  fact: string;
  path?: string;
  operator: string;
  value: unknown;
  /** The fact's value (null when the fact is missing). */
  factResult: unknown;
  /** null when the fact is missing and the test could not be decided. */
  result: boolean | null;
}

interface TraceBase {
  ruleset: string;
  /** Index into the patient's lesions for lesion-scope rule sets. */
  lesion?: number;
}

/** A patient value as the rule set read it: given, defaulted, or converted to the rule set's unit. */
export interface InputTrace extends TraceBase {
  kind: 'input';
  input: string;
  value: Scalar | null;
  source: 'given' | 'default' | 'converted' | 'upstream' | 'aggregate' | 'missing';
  given?: unknown;
  /** For an upstream input: the rule set and output read (and, for a lesion-scope source, the lesion). */
  upstream?: { ruleset: string; output: string; lesion?: number };
  /**
   * For an aggregate over lesions: the function and each lesion's value (null when missing); with
   * `matches`, each lesion's value as `given` and the list it is matched against (`values` then say
   * whether it matched); for max, min and contiguous, the `order` they rank or place values by.
   */
  aggregate?: { function: string; field: string; values: Array<Scalar | null>; given?: Array<Scalar | null>; matches?: readonly string[]; order?: readonly Scalar[] };
  /** Values still possible when missing (e.g. an upstream range). */
  possible?: readonly Scalar[];
  /**
   * Missing with nothing narrowing it: the values tried for it, so a rule's `possible` can be checked
   * from the trace alone: every allowed value, or for a number one on each side of each threshold the
   * rule set tests.
   */
  explored?: readonly Scalar[];
  /**
   * For an input not given: the other fields its value, or its possible values, were taken from
   * (implications and narrowings that held, or `lesions` for a count of the lesions listed); `note`
   * says how. Such entries are kept at the `rules` level too.
   */
  takenFrom?: string[];
  unit?: string;
  conversion?: { from: string; factor: number; reference: string };
  note?: string;
}

export interface LookupTrace extends TraceBase {
  kind: 'lookup';
  fact: string;
  table: string;
  key: Scalar | null;
  value: string | null;
  /** With no single value (the key not known, or a row between values): the values the fact may take. */
  possible?: readonly string[];
  /** With the key narrowed to some values: the row each of them looks up (value null where a row is between values, or missing). */
  rows?: Array<{ key: Scalar; value: string | null; possible?: readonly string[] }>;
  reference: string;
  unconfirmed?: string;
  note?: string;
  /** The row a profile changed (with the base value) or added. */
  overridden?: ProfileMark;
  added?: ProfileMark;
}

export type RuleEffect =
  | { component: string; alternative: string; points: number }
  | { classification: string; alternative: string; value: string }
  | { recommendation: string; applies: boolean };

/** One alternative of a component, classification or recommendation: a json-rules-engine rule. */
export interface RuleTrace extends TraceBase {
  kind: 'rule';
  rule: string;
  part: 'component' | 'classification' | 'recommendation';
  /** For components: the score and component. */
  score?: string;
  component?: string;
  classification?: string;
  recommendation?: string;
  alternative: string;
  /** For classification rows: the value the row gives. */
  value?: string;
  /** null: a tested fact is missing, so the rule could neither fire nor be excluded outright. */
  fired: boolean | null;
  /** With fired null: whether some value of the missing facts would make it fire. */
  possible?: boolean;
  missing?: string[];
  conditions: ConditionTrace[];
  effect?: RuleEffect;
  points?: number;
  reference: string;
  unconfirmed?: string;
  /** A rule a profile changed (its `base` holds the replaced points or condition value) or added. */
  overridden?: ProfileMark;
  added?: ProfileMark;
}

export interface TotalTrace extends TraceBase {
  kind: 'total';
  score: string;
  /** Points per component; null for an undetermined component, with its possible points in `componentRanges`. */
  components: Record<string, number | null>;
  componentRanges: Record<string, [number, number]>;
  sum: number | null;
  floor?: number;
  ceiling?: number;
  value: number | null;
  range: [number, number] | null;
  reference: string;
}

export interface BandTrace extends TraceBase {
  kind: 'band';
  score: string;
  category: string | null;
  possibleCategories: string[];
  band?: { min: number; max: number; label: string };
  /**
   * With no single band: each band the possible totals fall in, with its edges (its own source where it
   * differs from `reference`, its unconfirmed note, a profile's mark), so the open category and the
   * marks it may carry can be checked from the trace alone.
   */
  possibleBands?: Array<{ category: string; min: number; max: number; reference?: string; unconfirmed?: string; overridden?: ProfileMark }>;
  reference: string;
  unconfirmed?: string;
  /** The band's edges as a profile set them; `base` holds the published edges. */
  overridden?: ProfileMark;
}

/** A precedence classification: the candidates in order, and the first that was decided. */
export interface PrecedenceTrace extends TraceBase {
  kind: 'precedence';
  classification: string;
  candidates: Array<{ classification: string; value: string | null }>;
  chosen: string | null;
  value: string | null;
  reference: string;
}

export type TraceEntry = InputTrace | LookupTrace | RuleTrace | TotalTrace | BandTrace | PrecedenceTrace;

export type ComponentStatus = 'determined' | 'undetermined' | 'conflict';

export interface ComponentResult {
  label: string;
  status: ComponentStatus;
  points: number | null;
  range: [number, number];
  alternative: string | null;
  alternativeLabel?: string;
  /** Alternatives still possible when undetermined. */
  possible?: string[];
  missing?: string[];
}

export interface ScoreResult {
  label: string;
  score: number | null;
  range: [number, number] | null;
  category: string | null;
  categoryLabel?: string;
  possibleCategories?: string[];
  components: Record<string, ComponentResult>;
  missing: string[];
  subscores?: Record<string, Omit<ScoreResult, 'subscores'>>;
}

export interface ClassificationResult {
  label: string;
  status: 'determined' | 'undetermined' | 'conflict';
  value: string | null;
  /** The row that held; null when the value is known but different rows could give it. */
  alternative: string | null;
  alternativeLabel?: string;
  text?: string;
  /** When undetermined: the values still possible, and the rows behind them. */
  possible?: readonly string[];
  possibleAlternatives?: string[];
  missing?: string[];
  /** Why the value is null, and what would decide it. */
  reason?: string;
}

export interface RecommendationResult {
  id: string;
  label: string;
  /** applies: its condition holds; possible: it would for some value of the missing inputs. */
  status: 'applies' | 'possible';
  reference: string;
  strength?: string;
  /** Recommendations (`ruleset.id`) this one says more narrowly: the summary lists this one in their place. */
  restates?: string[];
  missing?: string[];
}

/**
 * One rule set's result: its score (if it has one), its classifications — each value also stands under
 * its own id (e.g. `decision`) — its recommendations, and the inputs that were missing.
 */
export interface RuleSetResult extends Partial<Omit<ScoreResult, 'missing' | 'label'>> {
  label: string;
  missing: string[];
  classifications?: Record<string, ClassificationResult>;
  recommendations?: RecommendationResult[];
  /**
   * Recommendations of other rule sets (`ruleset.id`) that this one's restate: where both rule sets are
   * evaluated for a patient or lesion, the summary gives this rule set's word on that advice, applying or not.
   */
  restates?: readonly string[];
  [classification: string]: unknown;
}

export interface MissingInput {
  ruleset: string;
  lesion?: number;
  input: string;
  affects: string[];
  /**
   * Present when `input` is not an input at all but a table lookup with no row for the value given
   * (src/engine/lookup-gaps.ts): nothing to provide, the team decides or a profile adds the row.
   */
  lookup?: Pick<LookupGap, 'ruleset' | 'table' | 'key' | 'value' | 'possible'>;
}

interface WarningBase {
  ruleset: string;
  lesion?: number;
  message: string;
}

/** A note on this evaluation: a component with no or several matches, a rule set unconfirmed as a whole. */
export interface EngineWarning extends WarningBase {
  code: 'COMPONENT_NO_MATCH' | 'COMPONENT_MULTIPLE_MATCH' | 'DOMAIN_TOO_LARGE' | 'UNCONFIRMED_FRAMEWORK';
}

/**
 * A table with no row for the key given: `fact` stays open. With its fields, a reader tells a gap the
 * team decides (or a profile fills) from an input to provide, even where the result did not depend on it.
 */
export interface TableNoEntryWarning extends WarningBase, Pick<LookupGap, 'fact' | 'table' | 'key' | 'value' | 'possible'> {
  code: 'TABLE_NO_ENTRY';
}

/** A value the result shows: a score (its band), one of its components, a classification or a recommendation. */
export type ShownValue = { score: string; component?: string } | { classification: string } | { recommendation: string };

/**
 * An element marked `unconfirmed` in the rule file that the result rests on (`applies`), or may rest on
 * while missing data leaves the result a range (`possible`), with the values it bears on, so that
 * explain and the clinician page place their marks from it.
 */
export interface UnconfirmedSourceWarning extends WarningBase {
  code: 'UNCONFIRMED_SOURCE';
  status: 'applies' | 'possible';
  element: 'rule' | 'band' | 'row';
  /** rule: `part.alternative` as the trace names it; band: `score.category`; row: `table.key`. */
  id: string;
  /** The rule file's `unconfirmed` text: what is not verified, and why. */
  note: string;
  /** The shown values that rest on the element; empty when none does (the mark stands at the rule set). */
  beside: readonly ShownValue[];
}

export type EvaluationWarning = EngineWarning | TableNoEntryWarning | UnconfirmedSourceWarning | ProfileReviewWarning;

export interface RuleSetIdentity {
  id: string;
  version: string;
  sha256: string;
  title: string;
  /** The institution profile applied to it (the sha256 above is of the rule set with the profile applied). */
  profile?: { id: string; version: string; sha256: string };
}

/** An institution profile applied to one rule set of an evaluation, and its changes that touched it. */
export interface ProfileUse {
  ruleset: string;
  /** id@version. */
  profile: string;
  title: string;
  institution?: string;
  /** sha256 of the profile file's canonical JSON. */
  sha256: string;
  /** Each change used, with the citation of the element it changed (`reference`), where one carries it. */
  changes: Array<ProfileMark & { ruleset: string; reference?: string }>;
}

export interface LesionEvaluation {
  level: string | null;
  id?: string;
  results: Record<string, RuleSetResult>;
}

export interface Evaluation {
  /**
   * `lesionsListed`: whether the patient gives a list of lesions (`lesions`, even empty). `lesions` below
   * is [] either way; without a list their number is not known, not 0.
   */
  patient: { id: string | null; lesionsListed: boolean };
  results: Record<string, RuleSetResult>;
  lesions: LesionEvaluation[];
  rulesets: RuleSetIdentity[];
  /** Present when a profile changed any rule set used. */
  profiles?: ProfileUse[];
  /** How much of the trace this output carries (src/engine/trace-level.ts): below full, not every rule or input. */
  traceLevel: TraceLevel;
  trace: TraceEntry[];
  missing: MissingInput[];
  warnings: EvaluationWarning[];
  /** Present when the patient gives fields no rule set in use reads (a lesion's as `lesions[].field`): they entered no result. */
  unread?: string[];
}
