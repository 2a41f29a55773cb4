import { resolve, sep } from 'node:path';

/** Whether `file` is `root` or lies under it. */
export function within(file: string, root: string): boolean {
  const [f, r] = [resolve(file), resolve(root)];
  return f === r || f.startsWith(r + sep);
}
