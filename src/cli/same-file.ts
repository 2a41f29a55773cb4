import { statSync } from 'node:fs';
import { resolve } from 'node:path';

/** Whether two paths name one file: the same path, or (through links) the same file on disk. */
export function sameFile(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  const [x, y] = [statSync(a, { throwIfNoEntry: false }), statSync(b, { throwIfNoEntry: false })];
  return x !== undefined && y !== undefined && x.dev === y.dev && x.ino === y.ino;
}
