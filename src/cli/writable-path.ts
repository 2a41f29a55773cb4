import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { usageError } from './usage-error.js';

/**
 * A file an option names for writing later (a batch's --summary at its end, the service's --record and
 * --feedback at its first decision): refused now if it cannot take one, rather than fail after the work.
 */
export function refuseUnwritable(option: string, file: string): void {
  if (!statSync(dirname(resolve(file)), { throwIfNoEntry: false })?.isDirectory()) usageError('OUTPUT_UNWRITABLE', `cannot write ${option} ${file} (its folder does not exist)`);
  const existing = statSync(file, { throwIfNoEntry: false });
  if (existing?.isDirectory()) usageError('OUTPUT_UNWRITABLE', `cannot write ${option} ${file} (it is a folder)`);
  try {
    accessSync(existing ? file : dirname(resolve(file)), constants.W_OK);
  } catch {
    usageError('OUTPUT_UNWRITABLE', `cannot write ${option} ${file} (not writable)`);
  }
}
