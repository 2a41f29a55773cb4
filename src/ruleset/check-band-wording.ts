import type { PathSegment } from '../source/source-document.js';
import { requiredBy } from './dependencies.js';
import { profileName, reviewFinding, type LoadedProfile, type ReviewFinding } from './profile-types.js';
import { placedScores } from './score-paths.js';
import type { Band, LoadedRuleSet } from './types.js';

/** A band a profile's set-band moved: its published range, and the rule sets that read its score. */
interface MovedBand {
  profile: LoadedProfile;
  index: number;
  field: 'min' | 'max';
  score: string;
  category: string;
  published: [number, number];
  now: [number, number];
  /** The band's own label, which the change itself checks (PROFILE_STALE_LABEL at the change). */
  band: object;
  scope: ReadonlySet<string>;
}

/**
 * `PROFILE_STALE_LABEL` beyond the changed element: a set-band moved a score's band, and a label or text
 * elsewhere — in the same rule set or one that reads it — still names the band's published range
 * (LMNOP's "Potentially unstable spine (SINS 7-12) warrants surgical consultation" under a profile that
 * ends that band at 11). The output would then print the old range beside results computed with the
 * new one. A warning at the wording, naming the change; reworded by a change that gives a new label
 * (a set-condition keeping the rule's value, or a set-band), it is no longer stale. Run with
 * THRESHOLD_NOT_FOLLOWED, by `validate --profile` and `watch --profile`.
 */
export function checkBandWording(rulesets: readonly LoadedRuleSet[], profiles: readonly LoadedProfile[]): ReviewFinding[] {
  const moved = profiles.flatMap((profile) => movedBands(profile, rulesets));
  if (moved.length === 0) return [];
  const findings: ReviewFinding[] = [];
  for (const ruleset of rulesets) {
    const bands = moved.filter((m) => m.scope.has(ruleset.document.id));
    if (bands.length === 0) continue;
    forEachWording(ruleset.document, [], (text, path, element) => {
      // Wording a change gave is the institution's, and says what it means (only the wording it gave: a
      // new label leaves the text as published).
      const base = element.overridden?.base;
      if (base && String(path[path.length - 1]) in base) return;
      for (const m of bands) {
        if (element === m.band || !namesRange(text, m.published)) continue;
        const { line, column } = m.profile.source.locate(['changes', m.index, m.field]);
        const id = m.profile.document.changes[m.index]?.id ?? '';
        const profile = profileName(m.profile);
        const message = `"${text}" names ${m.score} ${m.published.join('-')}, the published range of band ${m.category}, which change "${id}" of profile ${profile} (${m.profile.file}:${line}:${column}) made ${m.now.join('-')}; reword it with a change that gives a new ${String(path[path.length - 1])} (a set-condition keeping the rule's value, or a set-band)`;
        const reading = `"${text}" names ${m.score} ${m.published.join('-')}, the published range of band ${m.category}, which change "${id}" of institution profile ${profile} made ${m.now.join('-')}: the words are the published ones, the results follow the profile`;
        findings.push(reviewFinding(ruleset, path, 'PROFILE_STALE_LABEL', { profile, change: id }, message, reading));
      }
    });
  }
  return findings;
}

function movedBands(profile: LoadedProfile, rulesets: readonly LoadedRuleSet[]): MovedBand[] {
  return profile.document.changes.flatMap((change, index): MovedBand[] => {
    if (change.op !== 'set-band') return [];
    const ruleset = rulesets.find((r) => r.document.id === change.ruleset);
    const score = change.score ?? change.ruleset;
    const band = ruleset && placedScores(ruleset.document).find((p) => p.score.id === score)?.score.bands?.find((b) => b.category === change.category);
    const published = band?.overridden?.change === change.id ? publishedRange(band) : undefined;
    if (!band || !published) return [];
    // The edge it moved, not one it restates as published.
    const field = edgeMoved(band, 'min') ? 'min' : 'max';
    return [{ profile, index, field, score, category: change.category, published, now: [band.min, band.max], band, scope: requiredBy([change.ruleset], rulesets) }];
  });
}

/** Whether a profile moved this edge of the band: its mark keeps the published edge it replaced, when it was another. */
export function edgeMoved(band: Band, edge: 'min' | 'max'): boolean {
  const published = band.overridden?.base?.[edge];
  return published !== undefined && published !== band[edge];
}

/** A band's published range where a profile moved it; undefined where it is as published. */
export function publishedRange(band: Band): [number, number] | undefined {
  const base = band.overridden?.base;
  if (!base) return undefined;
  const published: [number, number] = [typeof base.min === 'number' ? base.min : band.min, typeof base.max === 'number' ? base.max : band.max];
  return published[0] === band.min && published[1] === band.max ? undefined : published;
}

/**
 * A range written `7-12` or `7–12` as a range of the score: not inside a longer number, not levels
 * (`T7-12`), not a count of something else (`7-12 days`, `7-12 Gy`).
 */
export function namesRange(text: string, [min, max]: [number, number]): boolean {
  return new RegExp(`(?<![\\w.])${min}\\s*[-–]\\s*${max}(?!\\d|\\.\\d|\\s*(?:${OTHER_UNITS})\\b)`, 'i').test(text);
}
const OTHER_UNITS = ['days?', 'weeks?', 'months?', 'years?', 'hours?', 'h', 'Gy', 'fractions?', 'mm', 'cm', 'mg', 'levels?', 'vertebrae'].join('|');

type Element = { overridden?: { base?: Record<string, unknown> } } & Record<string, unknown>;

/** Every `label` and `text` of the document, with the element that carries it. */
function forEachWording(value: unknown, path: PathSegment[], visit: (text: string, path: PathSegment[], element: Element) => void): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => forEachWording(item, [...path, i], visit));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const object = value as Element;
  for (const [key, child] of Object.entries(object)) {
    if ((key === 'label' || key === 'text') && typeof child === 'string') visit(child, [...path, key], object);
    else if (key !== 'overridden' && key !== 'added' && key !== 'references') forEachWording(child, [...path, key], visit);
  }
}
