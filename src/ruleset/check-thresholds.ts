import type { PathSegment } from '../source/source-document.js';
import { forEachLeaf } from './conditions.js';
import { requiredBy } from './dependencies.js';
import { factOwner, factSource, scoreSource } from './fact-source.js';
import { profileName, reviewFinding, type LoadedProfile, type ProfileChange, type ReviewFinding } from './profile-types.js';
import { ruleLocations } from './rule-paths.js';
import { placedScores } from './score-paths.js';
import { bordersSame, cut, divides, isNumericKey, publishedRows, rowValue, sameCut, steps, type Cut } from './threshold-cuts.js';
import type { Condition, LeafCondition, LoadedRuleSet, ProfileMark } from './types.js';

/** A threshold a profile change moved: on which value, from where to where, and which rule sets follow it. */
interface Move {
  profile: LoadedProfile;
  /** The change's index in the profile, and the field of it that holds the new threshold. */
  index: number;
  field: 'value' | 'min' | 'max';
  source: string;
  /** Whether a place dividing the values at a cut divided them where the change moved from, and where it moved to. */
  was: (at: Cut) => boolean;
  now: (at: Cut) => boolean;
  /** The change in its own terms, for the message: `13 to 12`, `min 13 to 12`, `performance "2" fair to poor`. */
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
  /** Where it divides the values. */
  cut: Cut | undefined;
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
 * A set-table moves a threshold too where the table is keyed by a number (a performance status looked
 * up as good, fair or poor): a row given another value moves where the table's value changes (poor from
 * ECOG 2, not 3; or from 4 when 3 is made good), and a test still dividing the key there no longer divides
 * it where the table does, or no longer between the same values (fair to good at 3, not fair to poor).
 * A table keyed by values with no order (a level, a histology) divides nothing at a place. A set-points
 * moves no threshold: it changes what an alternative is worth, not where any test divides a value; the
 * alternatives' tests and the score's bands still divide where they did. At most two neighbouring
 * alternatives come to be worth the same, and their test then divides no points: a threshold dropped,
 * not moved, with no new place another test could follow.
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
  const moves = profiles.flatMap((profile) => movesOf(profile, rulesets, leaves));
  const changed = changedKeys(profiles);
  const findings: ReviewFinding[] = [];
  for (const divider of [...leaves.map(leafDivider), ...rulesets.flatMap(bandDividers)]) {
    const { ruleset, source, cut: where, path } = divider;
    if (changed.has(divider.key) || source === undefined || where === undefined) continue;
    const moved = moves.filter((m) => m.source === source && m.was(where) && !m.now(where) && m.scope.has(ruleset.document.id));
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
    if (change.op === 'set-table') return tableMoves(profile, index, change, ruleset, rulesets);
    if (change.op === 'set-condition') {
      const placed = leaves.find((l) => l.ruleset === ruleset && l.rule === change.rule && l.at === change.at);
      const mark = placed?.element.overridden as ProfileMark | undefined;
      const replaced = mark?.change === change.id ? (mark.base?.condition as { value: LeafCondition['value'] } | undefined) : undefined;
      const source = placed && factSource(ruleset, placed.leaf.fact);
      if (!placed || !replaced || !source) return [];
      const integer = isInteger(ruleset, placed.leaf.fact);
      const says = `${JSON.stringify(replaced.value)} to ${JSON.stringify(change.value)}`;
      return moved(cut({ operator: placed.leaf.operator, value: replaced.value }, integer), cut(placed.leaf, integer), { profile, index, field: 'value', source, says, scope: scopeOf(ruleset, placed.leaf.fact, rulesets) });
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
      return moved(cut({ operator, value: was }, integer), cut({ operator, value: now }, integer), { profile, index, field, source, says: `${field} ${was} to ${now}`, scope });
    });
  });
}

/** A threshold moved from one cut to another, none where it stayed or was none. */
function moved(from: Cut | undefined, to: Cut | undefined, move: Omit<Move, 'was' | 'now'>): Move[] {
  if (!from || sameCut(from, to)) return [];
  return [{ ...move, was: (at) => sameCut(at, from), now: (at) => sameCut(at, to) }];
}

/** The rule sets a move on a fact bears on: a rule set's output is one value wherever it is read, so its maker's bands and tests count too. */
function scopeOf(ruleset: LoadedRuleSet, fact: string, rulesets: readonly LoadedRuleSet[]): Set<string> {
  const owner = factOwner(ruleset, fact);
  return requiredBy(owner ? [ruleset.document.id, owner] : [ruleset.document.id], rulesets);
}

/**
 * A set-table's row in a table keyed by a number: it moved a threshold on the key where a place on either
 * side of the row divided the published table's values and divides the patched table's no longer, or
 * between other values (see bordersSame).
 */
function tableMoves(profile: LoadedProfile, index: number, change: Extract<ProfileChange, { op: 'set-table' }>, ruleset: LoadedRuleSet, rulesets: readonly LoadedRuleSet[]): Move[] {
  const table = ruleset.document.tables?.[change.table];
  const row = table?.rows[change.key];
  const mark = typeof row === 'object' ? (row.overridden ?? row.added) : undefined;
  if (!table || mark?.change !== change.id || !isNumericKey(change.key)) return [];
  const key = Number(change.key);
  const published = publishedRows(table.rows);
  const publishedSteps = steps(published);
  const before = publishedSteps.filter(({ low, high }) => low <= key && key <= high);
  const after = steps(table.rows);
  const replaced = published[change.key];
  const says = `${change.table} "${change.key}" ${replaced === undefined ? 'without a row' : rowValue(replaced)} to ${change.value}`;
  return Object.values(ruleset.document.derived ?? {}).flatMap((derived): Move[] => {
    const valueType = ruleset.facts.get(derived.key)?.valueType;
    const source = factSource(ruleset, derived.key);
    if (derived.lookup !== change.table || (valueType !== 'integer' && valueType !== 'number') || !source) return [];
    const was = (at: Cut): boolean => before.some((step) => divides(at, step));
    const now = (at: Cut): boolean => bordersSame(at, publishedSteps, after);
    return [{ profile, index, field: 'value', source, says, was, now, scope: scopeOf(ruleset, derived.key, rulesets) }];
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
