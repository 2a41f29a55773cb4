import type { FactInfo } from './fact-model.js';

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

export interface InputSpec {
  type: 'string' | 'integer' | 'number' | 'boolean';
  from?: Scope;
  description: string;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  unit?: string;
  conversions?: Array<{ from: string; factor: number; reference: string }>;
  default?: { countOf: 'lesions' };
}

export interface TableRow {
  value: string;
  reference?: string;
  note?: string;
  unconfirmed?: string;
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
  description: string;
}

export interface Alternative {
  id: string;
  label: string;
  points: number;
  when: Condition;
  reference?: string;
  note?: string;
  unconfirmed?: string;
}

export interface Component {
  id: string;
  label: string;
  description?: string;
  reference: string;
  alternatives: Alternative[];
}

export interface Band {
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
  scope: Scope;
  changelog: Array<{ version: string; date: string; author?: string; changes: string }>;
  references: Record<string, Reference>;
  inputs: Record<string, InputSpec>;
  tables?: Record<string, TableSpec>;
  derived?: Record<string, DerivedSpec>;
  subscores?: Array<ScoreSpec & { id: string }>;
  score: ScoreSpec;
  outputs: Array<{ name: string; description: string }>;
}

/** A rule set that passed every check, with its identity fixed by content. */
export interface LoadedRuleSet {
  document: RuleSetDocument;
  file: string;
  /** sha256 of the canonical JSON (RFC 8785) of the parsed document: formatting does not change it. */
  sha256: string;
  /** The primary score plus subscores, in evaluation order (subscores first). */
  scores: ReadonlyArray<ScoreSpec & { id: string }>;
  /** Every fact the conditions may test, with the values that represent its behaviour. */
  facts: ReadonlyMap<string, FactInfo>;
}
