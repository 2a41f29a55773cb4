import { lstatSync, readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Problem } from '../problems/problem.js';
import { within } from './files-under.js';

/** The files found under a path, and each folder there that could not be read, as a problem at that folder. */
export interface FolderWalk {
  files: string[];
  problems: Problem[];
}

/** What a path is, links followed: a folder to walk, a file, nothing, or what cannot be looked at, and why. */
export type PathKind = { kind: 'folder' | 'file' | 'missing' } | { kind: 'unreadable'; reason: string };

export function pathKind(path: string): PathKind {
  try {
    const stat = statSync(path, { throwIfNoEntry: false });
    return { kind: !stat ? 'missing' : stat.isDirectory() ? 'folder' : 'file' };
  } catch (err) {
    // A folder above it that may not be searched (EACCES), a link that loops (ELOOP).
    return { kind: 'unreadable', reason: errorCode(err) };
  }
}

/**
 * The files at or under `path` that `keep` accepts, each folder in name order, following links. A folder
 * that cannot be read (no permission) is FILE_UNREADABLE at that folder and the walk goes on, so that every
 * other folder is still read; a link back to a folder being read (`loop -> ..`) is one too, and is not
 * followed: each real folder is read once, so a walk ends however the links run. A link to nothing is
 * passed over, as a path that does not exist gives nothing.
 */
export function walkFiles(path: string, keep: (file: string) => boolean): FolderWalk {
  const walk: FolderWalk = { files: [], problems: [] };
  const read = new Set<string>();
  const visit = (folder: string): void => {
    let real: string;
    let entries: Dirent[];
    try {
      real = realpathSync(folder);
      if (read.has(real)) return; // a second way to a folder already read
      read.add(real);
      entries = readdirSync(folder, { withFileTypes: true });
    } catch (err) {
      return void walk.problems.push(unreadable(folder, `cannot read folder (${errorCode(err)})`));
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const child = join(folder, entry.name);
      const found: PathKind = entry.isSymbolicLink() ? pathKind(child) : { kind: entry.isDirectory() ? 'folder' : 'file' };
      if (found.kind === 'folder' && entry.isSymbolicLink() && linksBack(child)) walk.problems.push(unreadable(child, 'a link back to a folder that holds it; not followed, as reading it would never end'));
      else if (found.kind === 'folder') visit(child);
      else if (found.kind === 'file' && keep(child)) walk.files.push(child);
      else if (found.kind === 'unreadable') {
        // A link that cannot be followed: a file kept is left to its reader to say why, anything else is said here.
        if (keep(child)) walk.files.push(child);
        else walk.problems.push(unreadable(child, `cannot follow the link (${found.reason})`));
      }
    }
  };
  const { kind } = pathKind(path);
  if (kind === 'folder') visit(path);
  else if (kind === 'file' && keep(path)) walk.files.push(path);
  return walk;
}

/**
 * Whether `path` is a link to a folder that holds it (`loop -> ..`, `here -> .`): followed, it leads back
 * to itself without end. Walkers and watchers of rule folders do not follow it.
 */
export function linksBack(path: string): boolean {
  try {
    if (!lstatSync(path).isSymbolicLink()) return false;
    const target = realpathSync(path);
    for (let up = dirname(resolve(path)); ; up = dirname(up)) {
      if (within(realpathSync(up), target)) return true;
      if (dirname(up) === up) return false;
    }
  } catch {
    return false; // a link that cannot be followed at all is no loop to leave out: its reader says why it cannot be read
  }
}

function unreadable(file: string, message: string): Problem {
  return { code: 'FILE_UNREADABLE', severity: 'error', message, file, line: 1, column: 1 };
}

const errorCode = (err: unknown): string => (err as NodeJS.ErrnoException).code ?? 'unknown error';
