import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Problem } from '../problems/problem.js';
import { checkLinks } from './check-links.js';
import { loadRuleSetFile } from './load-ruleset.js';
import type { LoadedRuleSet } from './types.js';

/** The rule sets shipped with the package. */
export const BUNDLED_RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));

/** Rule-set files under the given files or folders; test cases (`*.test.yaml`) sit beside them and are skipped. */
export function findRuleSetFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  const visit = (path: string): void => {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
      for (const entry of readdirSync(path).sort()) visit(join(path, entry));
    } else if (/\.ya?ml$/.test(path) && !/\.test\.ya?ml$/.test(path)) {
      files.push(path);
    }
  };
  for (const path of paths) {
    if (!statSync(path, { throwIfNoEntry: false })) files.push(path); // reported as unreadable by the loader
    else visit(path);
  }
  return files;
}

export interface RuleSetsLoad {
  rulesets: LoadedRuleSet[];
  problems: Problem[];
}

/**
 * Loads every rule set found, collecting all problems from all files; a rule set id may appear once,
 * and the rule sets must fit together (check-links). Only rule sets without errors are returned.
 */
export async function loadRuleSets(paths: readonly string[]): Promise<RuleSetsLoad> {
  const rulesets: LoadedRuleSet[] = [];
  const problems: Problem[] = [];
  const failed = new Set<string>();
  for (const file of findRuleSetFiles(paths)) {
    const load = await loadRuleSetFile(file);
    problems.push(...load.problems);
    if (!load.ruleset) {
      if (load.id) failed.add(load.id);
      continue;
    }
    const twin = rulesets.find((r) => r.document.id === load.ruleset?.document.id);
    if (twin) {
      problems.push({ code: 'DUPLICATE_RULESET', severity: 'error', message: `rule set "${twin.document.id}" is also defined in ${relative(process.cwd(), twin.file)}`, file, line: 1, column: 1, path: '/id' });
      continue;
    }
    rulesets.push(load.ruleset);
  }
  const links = checkLinks(rulesets, failed);
  problems.push(...links.problems);
  const broken = new Set(links.problems.filter((p) => p.severity === 'error').map((p) => p.file));
  return { rulesets: rulesets.filter((r) => !broken.has(r.file) && !links.blocked.has(r.document.id)), problems };
}
