import type { Implied, InputSpec } from './types.js';

/**
 * An input's `default` implications as a list, whether the rule file wrote one object or several (none
 * for `countOf` or no default). Rule sets do not change once loaded, so each input's list is built once:
 * every absent input of every patient asks.
 */
export function implicationsOf(input: Pick<InputSpec, 'default'>): readonly Implied[] {
  const fallback = input.default;
  if (!fallback || 'countOf' in fallback) return NONE;
  if (Array.isArray(fallback)) return fallback;
  let list = wrapped.get(fallback);
  if (!list) wrapped.set(fallback, (list = [fallback]));
  return list;
}
const NONE: readonly Implied[] = [];
const wrapped = new WeakMap<Implied, readonly Implied[]>();
