import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The files at or under `path` that `keep` accepts, each folder in name order; none when `path` does not exist. */
export function filesUnder(path: string, keep: (file: string) => boolean): string[] {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return [];
  if (!stat.isDirectory()) return keep(path) ? [path] : [];
  return readdirSync(path).sort().flatMap((entry) => filesUnder(join(path, entry), keep));
}
