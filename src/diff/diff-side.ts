import { existsSync } from 'node:fs';
import type { Problem } from '../problems/problem.js';
import { checkLinks } from '../ruleset/check-links.js';
import { loadRuleSetFile } from '../ruleset/load-ruleset.js';
import { loadRuleSets } from '../ruleset/load-rulesets.js';
import { isProfileSource } from '../ruleset/profile-file.js';
import { parsePick } from '../ruleset/select-versions.js';
import type { LoadedRuleSet } from '../ruleset/types.js';
import { readSourceFile } from '../source/source-document.js';

export interface DiffSide {
  /** As given on the command line. */
  spec: string;
  /** Every rule set evaluated on this side: the installed ones with this side's version or profile. */
  rulesets: LoadedRuleSet[];
  /** The rule sets this side is about: the one picked or edited, or those the profile changes. */
  subjects: string[];
  problems: Problem[];
}

/**
 * One side of `spinemets diff`, the whole pipeline of rule sets with one thing changed:
 * - `id` or `id@version` / `id@sha256:prefix`: that installed version (default: the newest);
 * - a profile file (YAML with a `profile:` key): the installed rule sets with the profile applied;
 * - a rule-set file: that file in place of the installed rule set with its id (a local edit).
 */
export async function loadDiffSide(spec: string, paths: readonly string[], library: readonly string[]): Promise<DiffSide> {
  const options = { library };
  if (!existsSync(spec)) {
    // Not a file, so an installed rule set; if none matches, the message must not speak of --ruleset.
    const pick = { ...parsePick(spec), named: `${spec} is no file and` };
    const load = await loadRuleSets(paths, { ...options, pick: [pick] });
    return { spec, rulesets: load.rulesets, subjects: [pick.id], problems: load.problems };
  }
  if (isProfileSource(readSourceFile(spec))) {
    const load = await loadRuleSets(paths, { ...options, profiles: [spec] });
    const subjects = load.rulesets.filter((r) => r.document.profile).map((r) => r.document.id);
    return { spec, rulesets: load.rulesets, subjects, problems: load.problems };
  }
  const installed = await loadRuleSets(paths, options);
  const local = await loadRuleSetFile(spec);
  const replacement = local.ruleset;
  if (!replacement) return { spec, rulesets: [], subjects: [], problems: [...installed.problems, ...local.problems] };
  const others = installed.rulesets.filter((r) => r.document.id !== replacement.document.id);
  const rulesets = [...others, replacement];
  // The edit must still fit the rule sets around it: an output another one reads, what it requires.
  return { spec, rulesets, subjects: [replacement.document.id], problems: [...installed.problems, ...checkLinks(rulesets).problems] };
}
