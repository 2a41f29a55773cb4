import type { Part } from '../ruleset/parts.js';
import type { LoadedRuleSet, Scalar } from '../ruleset/types.js';
import type { Evaluator } from './run-rules.js';
import type { TraceLevel } from './trace-level.js';

/**
 * What the compiled engine remembers between patients: results that depend only on a rule set and on
 * a few values named in their key. A part tests one to four facts over small domains, so across a
 * cohort the same few keys come back again and again. json-rules-engine, the reference, never reads
 * these, so the differential test checks every remembered answer against one worked out afresh.
 */
export class Remembered<V> {
  readonly #byRuleSet = new WeakMap<LoadedRuleSet, Map<string, V>>();

  get(ruleset: LoadedRuleSet, key: string): V | undefined {
    return this.#byRuleSet.get(ruleset)?.get(key);
  }

  /** Keeps `value` under `key`; cleared when full, so memory stays flat over any cohort. */
  set(ruleset: LoadedRuleSet, key: string, value: V): V {
    let memo = this.#byRuleSet.get(ruleset);
    if (!memo) this.#byRuleSet.set(ruleset, (memo = new Map()));
    if (memo.size >= MAX_EXPLORATIONS) memo.clear();
    memo.set(key, value);
    return value;
  }
}

/**
 * Evaluations one memo keeps over all its tables; past that it starts again. Evaluations at `full`
 * hold their whole trace, so this is set by memory: `spinemets batch` over all ten rule sets, 5,000
 * patients, 2 workers, --trace rules: peak RSS 270 MB remembering none, 283 MB at 4,096, 315 MB at 8,192,
 * 406 MB unbounded. (Explorations are small; those are kept per rule set.)
 */
export const MAX_REMEMBERED = 4096;
const MAX_EXPLORATIONS = 4096;

/**
 * Remembered answers of one owner under a path of keys, as nested maps keyed by the keys themselves: a
 * lookup builds and hashes no long key string (on a cohort, that hashing was a tenth of the engine's
 * time). `slot` tells apart answers that differ by something the owner fixes (the trace level). The
 * path is either the values of some facts (`names` into `values`: a part's tests, with no array built
 * per lookup) or a list of keys (objects too, by identity). An owner is always asked with paths of one
 * length.
 */
export class RememberedByValues<V> {
  #tables = new WeakMap<object, Array<Map<unknown, unknown>>>();
  /** Answers kept in all tables: past `limit` every table starts again, so memory stays flat over any cohort. */
  #size = 0;

  constructor(readonly limit: number) {}

  get(owner: object, slot: number, names: readonly string[], values: Readonly<Record<string, unknown>>): V | undefined {
    let node = this.#tables.get(owner)?.[slot];
    const last = names.length - 1;
    for (let i = 0; i < last && node; i++) node = node.get(values[names[i] as string]) as Map<unknown, unknown> | undefined;
    return node?.get(last < 0 ? NO_KEYS : values[names[last] as string]) as V | undefined;
  }

  set(owner: object, slot: number, names: readonly string[], values: Readonly<Record<string, unknown>>, value: V): V {
    return this.setAt(owner, slot, names.map((name) => values[name]), value);
  }

  getAt(owner: object, slot: number, path: readonly unknown[]): V | undefined {
    let node = this.#tables.get(owner)?.[slot];
    const last = path.length - 1;
    for (let i = 0; i < last && node; i++) node = node.get(path[i]) as Map<unknown, unknown> | undefined;
    return node?.get(last < 0 ? NO_KEYS : path[last]) as V | undefined;
  }

  setAt(owner: object, slot: number, path: readonly unknown[], value: V): V {
    if (this.#size >= this.limit) {
      this.#tables = new WeakMap();
      this.#size = 0;
    }
    this.#size += 1;
    let tables = this.#tables.get(owner);
    if (!tables) this.#tables.set(owner, (tables = []));
    let node = tables[slot];
    if (!node) tables[slot] = node = new Map();
    for (let i = 0; i < path.length - 1; i++) {
      let next = node.get(path[i]) as Map<unknown, unknown> | undefined;
      if (!next) node.set(path[i], (next = new Map()));
      node = next;
    }
    node.set(path.length ? path[path.length - 1] : NO_KEYS, value);
    return value;
  }
}
/** The one key of an owner whose path is empty (a part that tests no facts). */
const NO_KEYS = Symbol('no keys');

/**
 * Whether evaluations are remembered: with compiled rules (json-rules-engine, the reference, always works
 * afresh) and at a level that builds a trace. Without one a part's evaluation is a few small objects,
 * cheaper to build than to look up (pipeline, 6,000 patients, median of alternating runs: 10% slower
 * remembered at `none`; at 4,096 remembered, `rules` within noise and `full` 36% faster).
 */
export function remembers(evaluator: Evaluator, level: TraceLevel): boolean {
  return evaluator === 'compiled' && level !== 'none';
}

/** A number per part (ids may repeat across a rule set's scores): keys name parts by it. */
export function serial(part: Part): number {
  let n = serials.get(part);
  if (n === undefined) serials.set(part, (n = nextSerial++));
  return n;
}
const serials = new WeakMap<Part, number>();
let nextSerial = 0;

// Control characters no rule-set or patient value contains, so no two different answers share a key.
export const SEPARATOR = '\u001f';
export const GROUP_SEPARATOR = '\u001e';

/** A fact's value in a key: a missing one as `?`; numbers and booleans marked so `"1"` and `1` differ. */
export function valueKey(value: Scalar | undefined): string {
  return value === undefined ? '?' : typeof value === 'string' ? value : typeof value === 'number' ? `#${value}` : value ? '#t' : '#f';
}
