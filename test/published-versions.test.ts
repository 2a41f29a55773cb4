import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLED_RULES_DIR, loadRuleSets } from '../src/ruleset/load-rulesets.js';
import { PUBLISHED_FILE, readPublished } from '../src/ruleset/published-versions.js';
import { positionOf } from './support/mutate.js';

// helper-59 (an auditor): the bundled sins.yaml edited in place, its version kept, evaluated as "sins 1.1.0"
// without a word; only the hash beside the version told the two contents apart.
describe('the published content of each bundled rule-set version', () => {
  it('rules/published.json holds every bundled version with its content hash (bump the version of a changed rule set, then npm run publish-versions)', async () => {
    const load = await loadRuleSets([BUNDLED_RULES_DIR]);
    const { published, problems } = readPublished(BUNDLED_RULES_DIR);
    expect(problems).toEqual([]);
    expect(Object.fromEntries(load.available.map((r) => [`${r.document.id}@${r.document.version}`, published[r.document.id]?.[r.document.version]]))).toEqual(
      Object.fromEntries(load.available.map((r) => [`${r.document.id}@${r.document.version}`, r.sha256])),
    );
  });

  it('a library rule file edited in place with its version kept is RULESET_VERSION_REUSED at its version; unedited, or at a version of its own, nothing', async () => {
    const library = mkdtempSync(join(tmpdir(), 'spinemets-published-'));
    cpSync(BUNDLED_RULES_DIR, library, { recursive: true });
    const file = join(library, 'sins', 'sins.yaml');
    const reused = async () => (await loadRuleSets([library], { library: [library] })).problems.filter((p) => p.code === 'RULESET_VERSION_REUSED');
    expect(await reused()).toEqual([]);
    const original = readFileSync(file, 'utf8');
    const edited = original.replace(/points: 3/, 'points: 2');
    writeFileSync(file, edited);
    const problems = await reused();
    expect(problems.map((p) => ({ code: p.code, severity: p.severity, file: p.file, line: p.line, column: p.column }))).toEqual([
      { code: 'RULESET_VERSION_REUSED', severity: 'warning', file, ...positionOf(edited, '1.1.0', 'version: 1.1.0') },
    ]);
    // Under a profile patching it too (validate, evaluate, serve's start): the file's own content is compared, not the patched one.
    const profile = new URL('../examples/profiles/sins-unstable-12.profile.yaml', import.meta.url).pathname;
    const underProfile = (await loadRuleSets([library], { library: [library], profiles: [profile] })).problems.filter((p) => p.code === 'RULESET_VERSION_REUSED');
    expect(underProfile).toEqual(problems);
    writeFileSync(file, edited.replace('version: 1.1.0', 'version: 1.1.1'));
    expect(await reused()).toEqual([]);
  });

  it('a published file that is not one is said, not a crash', async () => {
    const library = mkdtempSync(join(tmpdir(), 'spinemets-published-'));
    cpSync(join(BUNDLED_RULES_DIR, 'sins'), join(library, 'sins'), { recursive: true });
    for (const [text, code] of [['{"sins": ', 'JSON_SYNTAX'], ['{"sins": {"1.1.0": 5}}', 'SCHEMA_TYPE'], ['[]', 'SCHEMA_TYPE']] as const) {
      writeFileSync(join(library, PUBLISHED_FILE), text);
      const { problems } = await loadRuleSets([library], { library: [library] });
      expect(problems.map((p) => [p.code, p.file]), text).toEqual([[code, join(library, PUBLISHED_FILE)]]);
    }
    // A folder in its place cannot be read: said, not taken as a library that records nothing.
    rmSync(join(library, PUBLISHED_FILE));
    mkdirSync(join(library, PUBLISHED_FILE));
    expect((await loadRuleSets([library], { library: [library] })).problems.map((p) => [p.code, p.file])).toEqual([['FILE_UNREADABLE', join(library, PUBLISHED_FILE)]]);
  });
});
