import type { Part } from '../ruleset/parts.js';
import type { FactInfo } from '../ruleset/fact-model.js';
import type { Scalar } from '../ruleset/types.js';
import type { VisitUnknown } from './missing-values.js';

/**
 * One item of what an exploration depends on: a part (by identity), a fact's value (undefined when
 * missing), an unknown's name, a candidate list by identity, or a count.
 */
type KeyItem = Part | Scalar | undefined | readonly Scalar[];

/** What an exploration depends on, item by item, and a hash of it. */
export interface ExplorationKey {
  items: KeyItem[];
  hash: number;
}

/**
 * Everything an exploration of a group of parts depends on: each part, then the value of each fact it
 * tests, in order (undefined when missing), then each unknown the missing facts bring (`eachUnknown`,
 * the same visits the enumeration's variables come from), by name, with its candidates: the rule set's
 * own list for the fact by identity (nearly always), else their count and values. Built from the facts
 * without working out the variables themselves, which a remembered exploration never needs.
 */
export function explorationKey(parts: readonly Part[], known: Readonly<Record<string, Scalar>>, visitUnknowns: (visit: VisitUnknown) => void, facts: ReadonlyMap<string, Pick<FactInfo, 'representatives'>>): ExplorationKey {
  const items: KeyItem[] = [];
  let hash = FNV_OFFSET;
  for (const part of parts) {
    items.push(part);
    hash = hashString(hash, part.id);
    for (const fact of part.facts) {
      const value = known[fact];
      items.push(value);
      hash = hashScalar(hash, value);
    }
  }
  visitUnknowns((name, values) => {
    // The name is compared, not hashed: the values before fix it nearly always.
    items.push(name);
    if (values === facts.get(name)?.representatives) {
      items.push(values);
      hash = mix(hash, values.length);
      return;
    }
    items.push(values.length);
    hash = mix(hash, values.length + 1);
    for (const value of values) {
      items.push(value);
      hash = hashScalar(hash, value);
    }
  });
  return { items, hash };
}

/**
 * Remembered explorations of one rule set, found by the key's hash and checked item by item. A string
 * key had to be built, flattened and hashed on every lookup (about half a microsecond, dozens of times a
 * patient); here hashing reads each value once and the check compares a few references and scalars.
 * Cleared when `limit` are remembered, so memory stays flat over any cohort.
 */
export class ExplorationMemo<T> {
  readonly #buckets = new Map<number, Array<{ items: KeyItem[]; value: T }>>();
  #size = 0;

  constructor(private readonly limit: number) {}

  get({ items, hash }: ExplorationKey): T | undefined {
    const bucket = this.#buckets.get(hash);
    if (bucket) for (const entry of bucket) if (sameItems(entry.items, items)) return entry.value;
    return undefined;
  }

  set({ items, hash }: ExplorationKey, value: T): void {
    if (this.#size >= this.limit) {
      this.#buckets.clear();
      this.#size = 0;
    }
    const bucket = this.#buckets.get(hash);
    if (bucket) bucket.push({ items, value });
    else this.#buckets.set(hash, [{ items, value }]);
    this.#size += 1;
  }
}

function sameItems(a: readonly KeyItem[], b: readonly KeyItem[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// FNV-1a over 32 bits: equal keys hash equal; a collision only costs a comparison.
const FNV_OFFSET = 0x811c9dc5;
const mix = (hash: number, n: number): number => Math.imul(hash ^ n, 0x01000193);

function hashString(hash: number, s: string): number {
  for (let i = 0; i < s.length; i++) hash = mix(hash, s.charCodeAt(i));
  return mix(hash, 0x1f);
}

function hashScalar(hash: number, value: Scalar | undefined): number {
  if (typeof value === 'string') return hashString(hash, value);
  if (typeof value === 'number') return mix(mix(hash, 0x23), (value * 4096) | 0);
  if (typeof value === 'boolean') return mix(hash, value ? 0x74 : 0x66);
  return mix(hash, 0x3f);
}
