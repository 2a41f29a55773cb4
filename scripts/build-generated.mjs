// Run by `npm run build` after tsc: what the CLI would otherwise recompute at every start, written
// under dist/generated/ (ignored by git, like the rest of dist/).
//  - <schema>-validator.cjs: each JSON Schema's validator as ajv standalone code, with the SHA-256 of the
//    schema file, so that an edited schema is compiled at run time instead. One module per schema: a
//    command loads only the validators it uses (evaluate: the patient's).
//  - checked-rulesets.json: each bundled rule file that passes every check with no problem at all,
//    keyed by the SHA-256 of its text (see src/ruleset/check-cache.ts).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import standaloneCode from 'ajv/dist/standalone/index.js';

const generated = new URL('../dist/generated/', import.meta.url);
// Stale results of an earlier build must not answer for this one's checks.
rmSync(generated, { recursive: true, force: true });
mkdirSync(generated, { recursive: true });

const { createAjv, readSchema, schemaText, sha256Hex, SCHEMA_NAMES } = await import('../dist/source/schemas.js');
const hashes = Object.fromEntries(SCHEMA_NAMES.map((name) => [name, sha256Hex(schemaText(name))]));
for (const name of SCHEMA_NAMES) {
  const ajv = createAjv({ source: true });
  const code = standaloneCode(ajv, ajv.compile(readSchema(name)));
  writeFileSync(new URL(`${name}-validator.cjs`, generated), `${code}\nmodule.exports.schemaSha256 = ${JSON.stringify(hashes[name])};\n`);
}

// Checked in full here: the cache file was removed above, so loadRuleSetFile runs every check.
const { BUNDLED_RULES_DIR, findRuleSetFiles } = await import('../dist/ruleset/load-rulesets.js');
const { loadRuleSetFile } = await import('../dist/ruleset/load-ruleset.js');
const files = {};
for (const file of findRuleSetFiles([BUNDLED_RULES_DIR]).files) {
  const { ruleset, problems } = await loadRuleSetFile(file);
  if (ruleset && problems.length === 0) files[sha256Hex(readFileSync(file, 'utf8'))] = { document: ruleset.document, sha256: ruleset.sha256 };
}
const schemaSha256 = { ruleset: hashes.ruleset, patient: hashes.patient };
writeFileSync(new URL('checked-rulesets.json', generated), JSON.stringify({ schemaSha256, files }));
