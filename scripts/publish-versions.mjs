// `npm run publish-versions`: records in rules/published.json the content hash of each bundled rule-set
// version not recorded yet. A recorded version is never changed: a rule file whose content differs from
// its version's hash is an edit that needs a version of its own (RULESET_VERSION_REUSED), and this
// script refuses, exit 1, naming it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dist = new URL('../dist/', import.meta.url);
const { BUNDLED_RULES_DIR, loadRuleSets } = await import(new URL('ruleset/load-rulesets.js', dist).href);
const { PUBLISHED_FILE, readPublished } = await import(new URL('ruleset/published-versions.js', dist).href);

const load = await loadRuleSets([BUNDLED_RULES_DIR]);
const errors = load.problems.filter((p) => p.severity === 'error');
const { published, problems } = readPublished(BUNDLED_RULES_DIR);
for (const p of [...errors, ...problems]) console.error(`${p.file}:${p.line}:${p.column} ${p.code} ${p.message}`);
if (errors.length || problems.length) process.exit(1);

let refused = 0;
const added = [];
for (const r of load.available) {
  const { id, version } = r.document;
  const recorded = published[id]?.[version];
  if (recorded === r.sha256) continue;
  if (recorded !== undefined) {
    console.error(`${r.file}: ${id} ${version} was published as sha256 ${recorded}, this file is ${r.sha256}: give the change a version of its own`);
    refused++;
    continue;
  }
  (published[id] ??= {})[version] = r.sha256;
  added.push(`${id} ${version}`);
}
if (refused) process.exit(1);
const sorted = Object.fromEntries(Object.keys(published).sort().map((id) => [id, Object.fromEntries(Object.entries(published[id]).sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })))]));
const note = 'The sha256 of the canonical content of each bundled rule-set version as published. A rule file whose content differs from its version here is RULESET_VERSION_REUSED. Added by npm run publish-versions; an entry is never changed.';
writeFileSync(join(BUNDLED_RULES_DIR, PUBLISHED_FILE), JSON.stringify({ $comment: note, ...sorted }, null, 2) + '\n');
console.log(added.length ? `recorded ${added.join(', ')}` : 'every bundled version is recorded already');
