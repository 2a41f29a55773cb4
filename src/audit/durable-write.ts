import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** writeSync may write fewer bytes than asked; loop until the whole buffer is written. */
export function writeAllSync(fd: number, data: Buffer): void {
  for (let offset = 0; offset < data.length; ) offset += writeSync(fd, data, offset, data.length - offset);
}

/**
 * A new or renamed file is durable only once its directory entry is: fsync the directory too. Windows
 * cannot open a directory for fsync and persists the entry with the file, so the failure is ignored there.
 */
export function fsyncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (err) {
    if (process.platform !== 'win32') throw err;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Writes a whole file or nothing: a temporary file beside it is written and fsynced, then renamed over
 * the target, so a crash leaves either no file or the complete one, never a partial one.
 */
export function writeFileDurably(path: string, text: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${randomUUID()}.tmp`);
  const fd = openSync(temporary, 'wx');
  try {
    writeAllSync(fd, Buffer.from(text, 'utf8'));
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(temporary, path);
  fsyncDirectory(dirname(path));
}
