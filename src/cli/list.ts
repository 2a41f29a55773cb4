import { BUNDLED_RULES_DIR, loadRuleSets } from '../ruleset/load-rulesets.js';
import { formatProblems } from '../problems/format.js';
import { hasErrors, sortProblems } from '../problems/problem.js';
import type { LoadedRuleSet } from '../ruleset/types.js';
import { EXIT, Exit } from './exit-codes.js';
import { noRuleSets } from './load-rules.js';

/** Every installed rule set and version: id, version, hash, title, references; `*` marks the one evaluated by default. */
export async function listCommand(paths: string[], options: { format: 'text' | 'json'; profile?: string[] }): Promise<void> {
  const { rulesets, available, problems } = await loadRuleSets(paths.length ? paths : [BUNDLED_RULES_DIR], { library: [BUNDLED_RULES_DIR], profiles: options.profile ?? [] });
  if (problems.length) process.stderr.write(formatProblems(sortProblems(problems)) + '\n');
  if (!hasErrors(problems) && rulesets.length === 0) {
    process.stderr.write(noRuleSets(paths));
    throw new Exit(EXIT.rules);
  }
  // With a profile, the evaluated version is the base version with the profile applied.
  const evaluated = (r: LoadedRuleSet): LoadedRuleSet | undefined => rulesets.find((s) => s.document.id === r.document.id && s.document.version === r.document.version && s.file === r.file);
  const sorted = [...available].sort((a, b) => a.document.id.localeCompare(b.document.id) || a.document.version.localeCompare(b.document.version));
  if (options.format === 'json') {
    const rows = sorted.map((r) => ({
      id: r.document.id,
      version: r.document.version,
      sha256: r.sha256,
      title: r.document.title,
      default: evaluated(r) !== undefined,
      ...profileOf(evaluated(r)),
      file: r.file,
      references: Object.entries(r.document.references).map(([key, ref]) => ({ key, ...ref })),
    }));
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
  } else {
    for (const r of sorted) {
      // By key, as rule entries cite them: a citation cut short could end inside a number ("x 0.1" read "x 0").
      const refs = Object.entries(r.document.references).map(([key, ref]) => (ref.doi ? `${key} (${ref.doi})` : key)).join('; ');
      const profile = evaluated(r)?.document.profile;
      const profiled = profile ? `\n    profile: ${profile.id}@${profile.version} (${profile.institution ?? profile.title}), evaluated as sha256:${evaluated(r)?.sha256.slice(0, 16)}` : '';
      process.stdout.write(`${evaluated(r) ? '*' : ' '} ${r.document.id}@${r.document.version}  sha256:${r.sha256.slice(0, 16)}  ${r.document.title}\n    references: ${refs}${profiled}\n`);
    }
  }
  if (hasErrors(problems)) throw new Exit(EXIT.rules);
}

/** The profile applied to a rule set, and the hash of the rule set as evaluated with it. */
function profileOf(ruleset: LoadedRuleSet | undefined): { profile?: { id: string; version: string; sha256: string; evaluatedSha256: string } } {
  const profile = ruleset?.document.profile;
  return profile && ruleset ? { profile: { id: profile.id, version: profile.version, sha256: profile.sha256, evaluatedSha256: ruleset.sha256 } } : {};
}
