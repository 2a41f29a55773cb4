import { BUNDLED_RULES_DIR, loadRuleSets } from '../ruleset/load-rulesets.js';
import { formatProblems } from '../problems/format.js';
import { hasErrors, sortProblems } from '../problems/problem.js';
import { EXIT, Exit } from './exit-codes.js';

/** Every installed rule set and version: id, version, hash, title, references; `*` marks the one evaluated by default. */
export async function listCommand(paths: string[], options: { format: 'text' | 'json' }): Promise<void> {
  const { rulesets, available, problems } = await loadRuleSets(paths.length ? paths : [BUNDLED_RULES_DIR], { library: [BUNDLED_RULES_DIR] });
  if (problems.length) process.stderr.write(formatProblems(sortProblems(problems)) + '\n');
  const selected = new Set(rulesets);
  const sorted = [...available].sort((a, b) => a.document.id.localeCompare(b.document.id) || a.document.version.localeCompare(b.document.version));
  if (options.format === 'json') {
    const rows = sorted.map((r) => ({
      id: r.document.id,
      version: r.document.version,
      sha256: r.sha256,
      title: r.document.title,
      default: selected.has(r),
      file: r.file,
      references: Object.entries(r.document.references).map(([key, ref]) => ({ key, ...ref })),
    }));
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
  } else {
    for (const r of sorted) {
      const refs = Object.values(r.document.references).map((ref) => ref.doi ?? ref.citation.split('.')[0]).join('; ');
      process.stdout.write(`${selected.has(r) ? '*' : ' '} ${r.document.id}@${r.document.version}  sha256:${r.sha256.slice(0, 16)}  ${r.document.title}\n    references: ${refs}\n`);
    }
  }
  if (hasErrors(problems)) throw new Exit(EXIT.rules);
}
