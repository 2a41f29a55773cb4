import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sha256Hex } from '../ruleset/hash.js';
import type { LoadedRuleSet } from '../ruleset/types.js';
import { fsyncDirectory, writeFileDurably } from './durable-write.js';
import { pinRuleSet, storedDocumentText } from './pinned-ruleset.js';

/**
 * Beside the log, `<log>.rulesets/<sha256>.json` holds each rule set a record used: its parsed
 * document, named by the sha256 of the file's bytes (the record's `documentSha256`), so a decision
 * can be replayed on exactly its rule sets after the rule files have changed.
 */
export function rulesetStoreDir(log: string): string {
  return `${log}.rulesets`;
}

export function storedRuleSetFile(log: string, documentSha256: string): string {
  return join(rulesetStoreDir(log), `${documentSha256}.json`);
}

export type StoredStatus = 'present' | 'missing' | 'edited' | 'unreadable';

/** Whether the store holds the document named by `documentSha256`, unchanged. */
export function storedRuleSetStatus(log: string, documentSha256: string): StoredStatus {
  let text: string | undefined;
  try {
    text = readIfPresent(storedRuleSetFile(log, documentSha256));
  } catch {
    // A folder or a file without read permission where the copy should be: it cannot be checked.
    return 'unreadable';
  }
  if (text === undefined) return 'missing';
  return sha256Hex(text) === documentSha256 ? 'present' : 'edited';
}

/**
 * Adds each rule set to the store the first time it is used. Content-addressed, so concurrent writers
 * write the same bytes and need no lock; each file is written whole (temporary file, fsync, rename)
 * before any record names it. `known` holds what this process already found in the store; a stored
 * copy that no longer matches its name is reported, never silently replaced.
 */
export function storeRuleSets(log: string, rulesets: readonly LoadedRuleSet[], known: Set<string>): { edited: string[] } {
  const edited: string[] = [];
  // What is known to be stored was stored beside this log; a store moved away with a rotated log is
  // gone as a whole, and then everything is stored again (one check a decision, not one a rule set).
  if (known.size && !existsSync(rulesetStoreDir(log))) known.clear();
  for (const ruleset of rulesets) {
    const { documentSha256 } = pinRuleSet(ruleset);
    if (known.has(documentSha256)) continue;
    const status = storedRuleSetStatus(log, documentSha256);
    // A copy changed, or one that cannot be read, is reported, never replaced.
    if (status === 'edited' || status === 'unreadable') {
      edited.push(storedRuleSetFile(log, documentSha256));
      continue;
    }
    if (status === 'missing') {
      makeDirectory(rulesetStoreDir(log));
      writeFileDurably(storedRuleSetFile(log, documentSha256), storedDocumentText(ruleset));
    }
    known.add(documentSha256);
  }
  return { edited };
}

export function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Beside the log only: a log path in a folder that does not exist is a mistake to report, not to create. */
function makeDirectory(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw err;
  }
  fsyncDirectory(dirname(dir));
}
