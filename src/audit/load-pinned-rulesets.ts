import type { Problem } from '../problems/problem.js';
import { sha256Hex } from '../ruleset/hash.js';
import { checkLinks } from '../ruleset/check-links.js';
import { loadRuleSetSource } from '../ruleset/load-ruleset.js';
import type { LoadedRuleSet } from '../ruleset/types.js';
import { parseSource } from '../source/source-document.js';
import { SHA256_HEX, type RecordedRuleSet } from './decision-record.js';
import { readIfPresent, storedRuleSetFile } from './ruleset-store.js';

/** Stored rule sets already loaded (or found unusable), by document hash: records share their rule sets. */
export type PinnedCache = Map<string, LoadedRuleSet | Problem[]>;

/**
 * The exact rule sets a record names, from the log's store: each file's bytes checked against its
 * name, parsed and checked like a rule file, its content hash compared with the record's; then the
 * set checked to fit together.
 */
export async function loadPinnedRuleSets(log: string, pinned: readonly RecordedRuleSet[], cache: PinnedCache): Promise<{ rulesets: LoadedRuleSet[]; problems: Problem[] }> {
  const rulesets: LoadedRuleSet[] = [];
  const problems: Problem[] = [];
  for (const pin of pinned) {
    let loaded = cache.get(pin.documentSha256);
    if (!loaded) {
      loaded = await loadStored(log, pin);
      cache.set(pin.documentSha256, loaded);
    }
    if (Array.isArray(loaded)) problems.push(...loaded);
    else rulesets.push(loaded);
  }
  if (problems.length) return { rulesets: [], problems };
  const errors = checkLinks(rulesets).problems.filter((p) => p.severity === 'error');
  return errors.length ? { rulesets: [], problems: errors } : { rulesets, problems: [] };
}

async function loadStored(log: string, pin: RecordedRuleSet): Promise<LoadedRuleSet | Problem[]> {
  const name = `${pin.id} ${pin.version}`;
  if (!SHA256_HEX.test(pin.documentSha256)) {
    return [{ code: 'AUDIT_INVALID_RECORD', severity: 'error', message: `the record names ${name} by "${pin.documentSha256}", not a sha256`, file: log }];
  }
  const file = storedRuleSetFile(log, pin.documentSha256);
  const problem = (code: 'AUDIT_RULESET_MISSING' | 'AUDIT_RULESET_EDITED', message: string): Problem[] => [{ code, severity: 'error', message, file, line: 1, column: 1 }];
  const text = readIfPresent(file);
  if (text === undefined) return problem('AUDIT_RULESET_MISSING', `the store has no copy of ${name}, which recorded decisions used`);
  if (sha256Hex(text) !== pin.documentSha256) return problem('AUDIT_RULESET_EDITED', `the stored copy of ${name} has been changed: its content no longer has the hash it is named by`);
  const load = await loadRuleSetSource(parseSource(text, file));
  if (!load.ruleset) return load.problems.filter((p) => p.severity === 'error');
  const { document, sha256 } = load.ruleset;
  if (sha256 !== pin.sha256 || document.id !== pin.id || document.version !== pin.version) {
    return problem('AUDIT_RULESET_EDITED', `the stored copy named for ${name} sha256:${pin.sha256} loads as ${document.id} ${document.version} sha256:${sha256}`);
  }
  return load.ruleset;
}
