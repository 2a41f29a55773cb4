import type { PathSegment } from '../source/source-document.js';
import { forEachLeaf } from './conditions.js';
import { requiredBy } from './dependencies.js';
import { factOwner, factSource, scoreSource } from './fact-source.js';
import { profileName, reviewFinding, type LoadedProfile, type ReviewFinding } from './profile-types.js';
import { ruleLocations } from './rule-paths.js';
import { placedScores } from './score-paths.js';
import type { Condition, LeafCondition, LoadedRuleSet, ProfileMark } from './types.js';

/** A threshold a profile change moved: on which value, from where to where, and which rule sets follow it. */
interface Move {
  profile: LoadedProfile;
  /** The change's index in the profile, and the field of it that holds the new threshold. */
  index: number;
  field: 'value' | 'min' | 'max';
  source: string;
  /** Where the tests divide the values before and after the change (see `cut`); undefined for no threshold. */
  from: string | undefined;
  to: string | undefined;
  /** The change in its own terms, for the message: `13 to 12`, `min 13 to 12`. */
  says: string;
  /**
   * The rule sets it bears on: the changed one and those that require it, transitively; for a rule set's
   * own output, also the rule set that makes it and everything requiring that.
   */
  scope: ReadonlySet<string>;
}

/** A fact test in a rule set, under the names a profile change uses (`rule`, `at`). */
interface PlacedLeaf {
  ruleset: LoadedRuleSet;
  rule: string;
  at: string;
  leaf: LeafCondition;
  /** Where the test sits in the rule file. */
  path: PathSegment[];
  /** The rule's alternative, row or recommendation, which carries the profile's mark. */
  element: Record<string, unknown>;
}

/**
 * A place where a rule set divides a value: a fact test of a rule, or an edge of a score's band (a band
 * holds totals from its min and up to its max: the tests `>= min` and `<= max` on the score).
 */
interface Divider {
  ruleset: LoadedRuleSet;
  source: string | undefined;
  /** Where it divides the values (see `cut`). */
  cut: string | undefined;
  path: PathSegment[];
  /** What the profile change that moves it is keyed by (see `changedKeys`). */
  key: string;
  /** The place in the message, and the change that would move it or keep it. */
  says: string;
  /** The place as a result's reader names it, where that is more than `says` (the rule, not only its test). */
  reads?: string;
  move: string;
  keep: string;
}

const conditionKey = (ruleset: string, rule: string, at: string): string => `${ruleset} rule ${rule} ${at}`;
const bandKey = (ruleset: string, score: string, category: string, field: string): string => `${ruleset} band ${score} ${category} ${field}`;
const BAND_EDGES = [['min', 'greaterThanInclusive'], ['max', 'lessThanInclusive']] as const;

/**
 * `THRESHOLD_NOT_FOLLOWED`: a profile moved a threshold on some value (a set-condition, or a set-band
 * on a score), and another place that divides the same value — a test, or a band edge of the score —
 * still divides it where the threshold used to, and no profile changes it. One report would then apply
 * two thresholds to one value (SINS 12 unstable in the bands, yet not "13 or more" in an advisory; or an
 * advisory moved to SINS 12 while the bands still say unstable from 13). A warning, at that place:
 * keeping it may be the board's decision, which a change giving the same value records.
 *
 * Where it looks: for a rule set's own output (a score, a classification, a lookup), in the rule set
 * that makes it and in every rule set that requires it, whichever of them the change was in; for a
 * patient or lesion field, in the changed rule set and in those that require it (another score may
 * divide the same field at its own published place). Run by `validate --profile` (and `watch
 * --profile`) only; evaluation does not repeat it.
 */
export function checkThresholds(rulesets: readonly LoadedRuleSet[], profiles: readonly LoadedProfile[]): ReviewFinding[] {
  // Only a profile moves thresholds: without one, no rule needs walking.
  if (profiles.length === 0) return [];
  const leaves = rulesets.flatMap(placedLeaves);
  const moves = profiles.flatMap((profile) => movesOf(profile, rulesets, leaves)).filter((m) => m.from !== undefined && m.from !== m.to);
  const changed = changedKeys(profiles);
  const findings: ReviewFinding[] = [];
  for (const divider of [...leaves.map(leafDivider), ...rulesets.flatMap(bandDividers)]) {
    const { ruleset, source, cut: where, path } = divider;
    if (changed.has(divider.key) || source === undefined) continue;
    const moved = moves.filter((m) => m.source === source && m.from === where && m.scope.has(ruleset.document.id));
    const [first] = moved;
    if (!first) continue;
    const { line, column } = first.profile.source.locate(['changes', first.index, first.field]);
    // A set-band moving both edges of a band is one change.
    const others = new Set(moved.map((m) => `${m.profile.file} ${m.index}`)).size - 1;
    const more = others ? ` (and ${others} more change${others > 1 ? 's' : ''})` : '';
    const change = first.profile.document.changes[first.index]?.id ?? '';
    const profile = profileName(first.profile);
    const message = `${divider.says} divides ${source} where change "${change}" of profile ${profile} (${first.profile.file}:${line}:${column}) moved the threshold, ${first.says}${more}, and no profile changes it; move it too (${divider.move}), or keep it with ${divider.keep} and the reason`;
    // The reader of a result learns what the two thresholds are, not how to edit the profile.
    const reading = `${divider.reads ?? divider.says} still divides ${source} at the published threshold, where change "${change}" of institution profile ${profile} moved it, ${first.says}${more}: a value between the two is read by the published threshold here and by the profile's where it moved`;
    findings.push(reviewFinding(ruleset, path, 'THRESHOLD_NOT_FOLLOWED', { profile, change }, message, reading));
  }
  return findings;
}

/** The tests and band edges each profile change moves or keeps, by `conditionKey` and `bandKey`. */
function changedKeys(profiles: readonly LoadedProfile[]): Set<string> {
  const keys = new Set<string>();
  for (const { document } of profiles) {
    for (const change of document.changes) {
      if (change.op === 'set-condition') keys.add(conditionKey(change.ruleset, change.rule, change.at));
      if (change.op !== 'set-band') continue;
      for (const [field] of BAND_EDGES) if (change[field] !== undefined) keys.add(bandKey(change.ruleset, change.score ?? change.ruleset, change.category, field));
    }
  }
  return keys;
}

function leafDivider({ ruleset, rule, at, leaf, path }: PlacedLeaf): Divider {
  const id = ruleset.document.id;
  const value = JSON.stringify(leaf.value);
  return {
    ruleset,
    source: factSource(ruleset, leaf.fact),
    cut: cut(leaf, isInteger(ruleset, leaf.fact)),
    path,
    key: conditionKey(id, rule, at),
    says: `${leaf.fact} ${leaf.operator} ${value}`,
    reads: `rule ${rule}${at ? ` at "${at}"` : ''}, ${leaf.fact} ${leaf.operator} ${value},`,
    move: `set-condition on rule ${rule} of ${id} at "${at}"`,
    keep: `a set-condition giving ${value}`,
  };
}

/** Both edges of every band of every score of a rule set. */
function bandDividers(ruleset: LoadedRuleSet): Divider[] {
  const id = ruleset.document.id;
  return placedScores(ruleset.document).flatMap(({ score, path }) => (score.bands ?? []).flatMap((band, b) => BAND_EDGES.map(([field, operator]): Divider => {
    const scoreOption = score.id === id ? '' : ` score ${score.id}`;
    return {
      ruleset,
      source: scoreSource(id, score.id),
      cut: cut({ operator, value: band[field] }, isInteger(ruleset, score.id)),
      path: [...path, 'bands', b, field],
      key: bandKey(id, score.id, band.category, field),
      says: `band ${band.category} of ${score.id} (${field} ${band[field]})`,
      move: `set-band on ${id}${scoreOption} category ${band.category} ${field}`,
      keep: `a set-band giving ${field} ${band[field]}`,
    };
  })));
}

/** The threshold moves of one profile, each with the tests it was made on and the rule sets it reaches. */
function movesOf(profile: LoadedProfile, rulesets: readonly LoadedRuleSet[], leaves: readonly PlacedLeaf[]): Move[] {
  return profile.document.changes.flatMap((change, index): Move[] => {
    const ruleset = rulesets.find((r) => r.document.id === change.ruleset);
    if (!ruleset) return [];
    if (change.op === 'set-condition') {
      const placed = leaves.find((l) => l.ruleset === ruleset && l.rule === change.rule && l.at === change.at);
      const mark = placed?.element.overridden as ProfileMark | undefined;
      const replaced = mark?.change === change.id ? (mark.base?.condition as { value: LeafCondition['value'] } | undefined) : undefined;
      const source = placed && factSource(ruleset, placed.leaf.fact);
      if (!placed || !replaced || !source) return [];
      const integer = isInteger(ruleset, placed.leaf.fact);
      const from = cut({ operator: placed.leaf.operator, value: replaced.value }, integer);
      // A rule set's output is one value wherever it is read: its maker's bands and tests count too.
      const owner = factOwner(ruleset, placed.leaf.fact);
      const scope = requiredBy(owner ? [change.ruleset, owner] : [change.ruleset], rulesets);
      return [{ profile, index, field: 'value', source, from, to: cut(placed.leaf, integer), says: `${JSON.stringify(replaced.value)} to ${JSON.stringify(change.value)}`, scope }];
    }
    if (change.op !== 'set-band') return [];
    const scoreId = change.score ?? ruleset.document.id;
    const band = placedScores(ruleset.document).find((p) => p.score.id === scoreId)?.score.bands?.find((b) => b.category === change.category);
    const replaced = band?.overridden?.change === change.id ? band.overridden.base : undefined;
    const source = scoreSource(ruleset.document.id, scoreId);
    const scope = requiredBy([change.ruleset], rulesets);
    const integer = isInteger(ruleset, scoreId);
    return BAND_EDGES.flatMap(([field, operator]): Move[] => {
      const [was, now] = [replaced?.[field], change[field]];
      if (typeof was !== 'number' || now === undefined) return [];
      return [{ profile, index, field, source, from: cut({ operator, value: was }, integer), to: cut({ operator, value: now }, integer), says: `${field} ${was} to ${now}`, scope }];
    });
  });
}

/** Every fact test of a rule set's rules that are evaluated (a disabled rule is not). */
function placedLeaves(ruleset: LoadedRuleSet): PlacedLeaf[] {
  const leaves: PlacedLeaf[] = [];
  for (const [rule, location] of ruleLocations(ruleset.document)) {
    if (location.element.disabled) continue;
    forEachLeaf(location.element.when as Condition, (leaf, at) => leaves.push({ ruleset, rule, at: at.join('/'), leaf, path: [...location.path, 'when', ...at], element: location.element }));
  }
  return leaves;
}

const isInteger = (ruleset: LoadedRuleSet, fact: string): boolean => ruleset.facts.get(fact)?.valueType === 'integer';

/** Where an ordering test divides the values, beside its value: `>= 13` and `< 13` just before 13, `> 12` and `<= 12` just after 12. */
const BOUNDARY: Readonly<Record<string, 'before' | 'after'>> = { greaterThanInclusive: 'before', lessThan: 'before', greaterThan: 'after', lessThanInclusive: 'after' };

/**
 * Where a test divides the values, so that tests written differently compare equal: just after 12 is,
 * for whole numbers, just before 13. Undefined for a test that is no threshold (equal, in).
 */
function cut(leaf: Pick<LeafCondition, 'operator' | 'value'>, integer: boolean): string | undefined {
  const boundary = BOUNDARY[leaf.operator];
  if (!boundary || typeof leaf.value !== 'number') return undefined;
  return boundary === 'after' && integer ? `before ${leaf.value + 1}` : `${boundary} ${leaf.value}`;
}
