import { isMap, isScalar, isSeq, type Pair } from 'yaml';
import type { PathSegment } from './source-document.js';

/** A pair whose key a later pair of the same mapping repeats: the data holds the later value, not this one. */
export interface ShadowedPair {
  path: PathSegment[];
  pair: Pair;
}

/** Every shadowed pair under `node`, found along the values the data holds (the last of each repeated key). */
export function shadowedPairs(node: unknown, path: PathSegment[] = []): ShadowedPair[] {
  if (isSeq(node)) return node.items.flatMap((item, i) => shadowedPairs(item, [...path, i]));
  if (!isMap(node)) return [];
  const last = new Map<string, unknown>();
  for (const pair of node.items) if (isScalar(pair.key)) last.set(String(pair.key.value), pair);
  return node.items.flatMap((pair): ShadowedPair[] => {
    if (!isScalar(pair.key)) return [];
    const keyPath = [...path, String(pair.key.value)];
    return last.get(String(pair.key.value)) === pair ? shadowedPairs(pair.value, keyPath) : [{ path: keyPath, pair }];
  });
}

/** A copy of `data` with `value` at `path`, a path that exists in `data` (it was found along its values). */
export function withValueAt(data: unknown, path: readonly PathSegment[], value: unknown): unknown {
  const copy = structuredClone(data);
  let parent = copy as Record<PathSegment, unknown>;
  for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<PathSegment, unknown>;
  parent[path[path.length - 1] as PathSegment] = value;
  return copy;
}
