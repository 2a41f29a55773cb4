import type { SourceDocument } from '../source/source-document.js';
import type { FactInfo } from './fact-model.js';
import type { Part } from './parts.js';
import type { ProfileReviewWarning } from './profile-types.js';

/** TypeScript view of `schemas/ruleset.schema.json`; a value of these types has passed that schema. */

export type Scope = 'patient' | 'lesion';
export type Scalar = string | number | boolean;

export interface LeafCondition {
  fact: string;
  operator: string;
  value: Scalar | Scalar[];
  path?: string;
}
export type Condition = LeafCondition | { all: Condition[] } | { any: Condition[] } | { not: Condition };

export interface Reference {
  citation: string;
  doi?: string;
  pmid?: string;
  note?: string;
}

/** Written by the profile loader: which profile change made this element what it is (see profile-types.ts). */
export interface ProfileMark {
  /** Profile id@version. */
  profile: string;
  change: string;
  /** The change's operation, e.g. set-band. */
  op: string;
  reason: string;
  author: string;
  /** For an override: the base rule set's values it replaced. */
  base?: Record<string, unknown>;
}

/** The marks a profile may leave on an element of a rule set. */
export interface ProfileMarks {
  overridden?: ProfileMark;
  added?: ProfileMark;
  disabled?: ProfileMark;
}

export type Aggregate = 'count' | 'any' | 'all' | 'max' | 'min' | 'contiguous';

export interface InputSpec extends Pick<ProfileMarks, 'added'> {
  type: 'string' | 'integer' | 'number' | 'boolean';
  /** `lesions`: every lesion of the patient, combined by `aggregate`. */
  from?: Scope | 'lesions';
  field?: string;
  aggregate?: Aggregate;
  /** With aggregate any/all: whether each lesion's value is one of these. */
  matches?: string[];
  /**
   * With from: lesions: the integer input counting every vertebra involved, listed or not. Each one it
   * counts beyond the listed lesions is a lesion whose value is unknown, not one that is absent.
   */
  countedBy?: string;
  upstream?: { ruleset: string; output: string };
  description: string;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  unit?: string;
  conversions?: Array<{ from: string; factor: number; reference: string }>;
  /** An absent value is the number of lesions listed, or implied by other fields (one implication or several). */
  default?: { countOf: 'lesions' } | Implied | Implied[];
  /** An absent value can only be one of the values other fields leave (the contract allows no other). */
  possible?: Narrowing[];
}

/** An absent value is `value` when the field `whenField` equals `equals`. */
export interface Implied {
  whenField: string;
  equals: Scalar;
  value: Scalar;
}

/** An absent value can only be one of `values` when the field `whenField` equals `equals`. */
export interface Narrowing {
  whenField: string;
  equals: Scalar;
  values: Scalar[];
}

/** A row with its value, or (`possible`) with the values the source leaves the key between. */
export type TableRow = ValueRow | PossibleRow;

interface RowBase extends Pick<ProfileMarks, 'overridden' | 'added'> {
  reference?: string;
  note?: string;
  unconfirmed?: string;
}

export interface ValueRow extends RowBase {
  value: string;
  possible?: undefined;
}

/** The source names the key but leaves it between these values: the fact stays open over them. */
export interface PossibleRow extends RowBase {
  possible: string[];
  value?: undefined;
}

export interface TableSpec {
  description: string;
  values: string[];
  reference: string;
  rows: Record<string, string | TableRow>;
}

export interface DerivedSpec {
  lookup: string;
  key: string;
  /** An input that, when given, replaces the lookup. */
  override?: string;
  description: string;
}

export interface Alternative extends ProfileMarks {
  id: string;
  label: string;
  points: number;
  when: Condition;
  reference?: string;
  note?: string;
  unconfirmed?: string;
}

export interface Component extends Pick<ProfileMarks, 'added'> {
  id: string;
  label: string;
  description?: string;
  reference: string;
  alternatives: Alternative[];
}

export interface ClassificationRow extends ProfileMarks {
  id: string;
  label: string;
  when: Condition;
  value?: string;
  text?: string;
  reference?: string;
  note?: string;
  unconfirmed?: string;
}

export interface ClassificationSpec {
  id: string;
  label: string;
  description?: string;
  reference: string;
  alternatives?: ClassificationRow[];
  /** Instead of rows: the value of the first of these earlier classifications that is decided. */
  firstOf?: string[];
}

export interface RecommendationSpec extends ProfileMarks {
  id: string;
  label: string;
  when: Condition;
  reference: string;
  strength?: string;
  /** Recommendations (`ruleset.id`) of required rule sets that this one says more narrowly (the summary lists this one instead). */
  restates?: string[];
  note?: string;
  unconfirmed?: string;
}

export interface Band extends Pick<ProfileMarks, 'overridden'> {
  category: string;
  label: string;
  min: number;
  max: number;
  reference: string;
  note?: string;
  unconfirmed?: string;
}

export interface ScoreSpec {
  id?: string;
  label: string;
  description?: string;
  components: Component[];
  total?: { floor?: number; ceiling?: number; reference: string; note?: string };
  bands?: Band[];
}

export interface RuleSetDocument {
  id: string;
  version: string;
  title: string;
  description: string;
  unconfirmed?: string;
  scope: Scope;
  requires?: string[];
  changelog: Array<{ version: string; date: string; author?: string; changes: string }>;
  references: Record<string, Reference>;
  inputs: Record<string, InputSpec>;
  tables?: Record<string, TableSpec>;
  derived?: Record<string, DerivedSpec>;
  subscores?: Array<ScoreSpec & { id: string }>;
  score?: ScoreSpec;
  classifications?: ClassificationSpec[];
  recommendations?: RecommendationSpec[];
  outputs: Array<{ name: string; description: string }>;
  /** Written by the profile loader: the institution profile applied to this rule set. */
  profile?: { id: string; version: string; title: string; institution?: string; sha256: string };
  /** Outputs shown on the rule set's summary line. */
  summary?: string[];
}

/** A rule set that passed every check, with its identity fixed by content. */
export interface LoadedRuleSet {
  document: RuleSetDocument;
  file: string;
  /** The parsed file, kept so that checks across rule sets (requires, upstream outputs) can point into it. */
  source: SourceDocument;
  /** sha256 of the canonical JSON (RFC 8785) of the parsed document: formatting does not change it. */
  sha256: string;
  /** The subscores and the primary score (if any), in evaluation order (subscores first). */
  scores: ReadonlyArray<ScoreSpec & { id: string }>;
  /** Components, classifications and recommendations, in evaluation order. */
  parts: readonly Part[];
  /** Every fact the conditions may test, with the values that represent its behaviour. */
  facts: ReadonlyMap<string, FactInfo>;  /** Under profiles: the places in this rule set their review found out of step with a change (warnings of every evaluation using it). */
  review?: readonly ProfileReviewWarning[];
}
