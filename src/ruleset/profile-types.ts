import type { SourceDocument } from '../source/source-document.js';
import type { Component, InputSpec, RecommendationSpec, Reference, Scalar } from './types.js';

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
