import type { ProfileMark, RuleSetDocument } from '../ruleset/types.js';

/** What kind of clinical content a difference touches, for a reader scanning a long diff. */
export type ChangeKind = 'points' | 'threshold' | 'band' | 'table entry' | 'rule' | 'component' | 'input' | 'reference' | 'text' | 'other';

export interface StructuralChange {
  ruleset: string;
  /** Readable path with ids instead of indexes, e.g. `score.bands[unstable].min`. */
  path: string;
  kind: ChangeKind;
  change: 'changed' | 'added' | 'removed' | 'disabled';
  before?: unknown;
  after?: unknown;
  /** The profile change that made it, when B carries a profile's mark. */
  why?: Pick<ProfileMark, 'profile' | 'change' | 'reason' | 'author'>;
}

/** Profile marks and identity say who changed what; they are reported with the change, not as changes. */
const MARK_KEYS = new Set(['overridden', 'added', 'disabled']);

/**
 * The differences between two versions of one rule set (or a rule set and the same with a profile
 * applied), element by element: lists of identified elements (components, alternatives, bands, rows)
 * are matched by id, so a moved or inserted element is not read as everything after it changing.
 */
export function structuralDiff(a: RuleSetDocument, b: RuleSetDocument): StructuralChange[] {
  const changes: StructuralChange[] = [];
  const ruleset = b.id;
  const walk = (x: unknown, y: unknown, path: string, marks: ProfileMark | undefined): void => {
    const mark = markOf(y) ?? marks;
    if (isDisabled(y) && !isDisabled(x)) {
      changes.push({ ruleset, path, kind: kindOf(path), change: 'disabled', ...why(markOf(y, 'disabled')) });
    }
    if (Array.isArray(x) && Array.isArray(y) && keyed(x) && keyed(y)) {
      const xs = new Map(x.map((e) => [keyOf(e), e]));
      const ys = new Map(y.map((e) => [keyOf(e), e]));
      for (const [k, e] of xs) if (!ys.has(k)) changes.push({ ruleset, path: `${path}[${k}]`, kind: kindOf(`${path}[${k}]`), change: 'removed', before: e });
      for (const [k, e] of ys) {
        if (!xs.has(k)) changes.push({ ruleset, path: `${path}[${k}]`, kind: kindOf(`${path}[${k}]`), change: 'added', after: strip(e), ...why(markOf(e) ?? mark) });
        else walk(xs.get(k), e, `${path}[${k}]`, mark);
      }
      return;
    }
    if (Array.isArray(x) && Array.isArray(y) && x.length === y.length) {
      // Same-length lists without ids (the tests of a condition) compare position by position.
      x.forEach((e, i) => walk(e, y[i], `${path}[${i}]`, mark));
      return;
    }
    if (isObject(x) && isObject(y) && !Array.isArray(x) && !Array.isArray(y)) {
      for (const key of new Set([...Object.keys(x), ...Object.keys(y)])) {
        if (MARK_KEYS.has(key) || (path === '' && key === 'profile')) continue;
        const sub = path ? `${path}.${key}` : key;
        if (!(key in y)) changes.push({ ruleset, path: sub, kind: kindOf(sub), change: 'removed', before: x[key] });
        else if (!(key in x)) changes.push({ ruleset, path: sub, kind: kindOf(sub), change: 'added', after: strip(y[key]), ...why(markOf(y[key]) ?? mark) });
        else walk(x[key], y[key], sub, mark);
      }
      return;
    }
    if (JSON.stringify(x) !== JSON.stringify(y)) changes.push({ ruleset, path, kind: kindOf(path), change: 'changed', before: x, after: strip(y), ...why(mark) });
  };
  walk(a, b, '', undefined);
  return changes;
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null;
const keyOf = (e: unknown): string => String((e as Obj).id ?? (e as Obj).category ?? (e as Obj).version);
/** Lists whose elements carry an identity (id, band category, changelog version). */
const keyed = (list: unknown[]): boolean => list.length > 0 && list.every((e) => isObject(e) && ('id' in e || 'category' in e || ('version' in e && 'changes' in e)));
const isDisabled = (v: unknown): boolean => isObject(v) && 'disabled' in v;

function markOf(v: unknown, key?: 'overridden' | 'added' | 'disabled'): ProfileMark | undefined {
  if (!isObject(v)) return undefined;
  const found = key ? v[key] : (v.overridden ?? v.added ?? v.disabled);
  return found as ProfileMark | undefined;
}

function why(mark: ProfileMark | undefined): Pick<StructuralChange, 'why'> {
  return mark ? { why: { profile: mark.profile, change: mark.change, reason: mark.reason, author: mark.author } } : {};
}

/** A value as the diff shows it: without the profile marks it carries. */
function strip(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(strip);
  if (!isObject(v)) return v;
  return Object.fromEntries(Object.entries(v).filter(([k]) => !MARK_KEYS.has(k)).map(([k, x]) => [k, strip(x)]));
}

function kindOf(path: string): ChangeKind {
  if (/\.points$/.test(path)) return 'points';
  if (/\.when(\.|$)/.test(path)) return 'threshold';
  if (/bands\[[^\]]+\]/.test(path)) return 'band';
  if (/^tables\.[^.]+\.rows/.test(path)) return 'table entry';
  if (/alternatives\[[^\]]+\]$/.test(path) || /^recommendations\[[^\]]+\]$/.test(path)) return 'rule';
  if (/components\[[^\]]+\]$/.test(path)) return 'component';
  if (/^inputs\./.test(path)) return 'input';
  if (/^references\./.test(path)) return 'reference';
  if (/(label|description|note|text|title|unconfirmed)$/.test(path)) return 'text';
  return 'other';
}
