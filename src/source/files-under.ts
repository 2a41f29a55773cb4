import { readdirSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';

/** Whether `file` is `root` or lies under it. */
export function within(file: string, root: string): boolean {
  const [f, r] = [resolve(file), resolve(root)];
  return f === r || f.startsWith(r + sep);
}

/** The files at or under `path` that `keep` accepts, each folder in name order; none when `path` does not exist. */
export function filesUnder(path: string, keep: (file: string) => boolean): string[] {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return [];
  if (!stat.isDirectory()) return keep(path) ? [path] : [];
  return readdirSync(path).sort().flatMap((entry) => filesUnder(join(path, entry), keep));
}
