// Run by `npm run build` after tsc: bundles the CLI (dist/cli/program.js and every module it may load,
// yaml, commander and the other small dependencies included) into one CommonJS file, dist/cli/bundle.cjs,
// which dist/cli/main.js runs (src/cli/run-bundle.ts). One file read and compiled instead of some 400
// modules resolved, read and linked one by one takes about a third off a one-patient `spinemets evaluate`.
//  - CommonJS, not ESM: in one ESM file an external package imported by a lazily loaded command would
//    become a top-level import, loaded at every start; in CommonJS it stays a require() where it was.
//  - Commands still load lazily: esbuild turns each `await import()` into a module initialised on first use.
//  - fastify, pino and chokidar (serve and watch only) stay external: large, and pino loads files by path.
//  - jsonc-parser is bundled from its ESM entry (its main one is UMD).
//    ajv and json-rules-engine are loaded with createRequire at run time and are never bundled.
//  - The bundle sits in dist/cli/ like program.js, so the paths the modules resolve from import.meta.url
//    (../../rules/, ../../schemas/, ../../dist/generated/, ../batch/evaluate-worker.js) are unchanged.
// Then it runs the bundle once, as `spinemets evaluate examples/patient.yaml`, in a child process (this
// script with --code-cache) and keeps V8's code cache of it: what that run compiled is not compiled again.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url));

if (process.argv[2] === '--code-cache') {
  const { BUNDLE, CODE_CACHE, runBundle } = await import('../dist/cli/run-bundle.js');
  process.argv = [process.argv[0], BUNDLE, 'evaluate', root('examples/patient.yaml')];
  const script = runBundle({ codeCache: false });
  process.once('exit', (code) => {
    if (code === 0) writeFileSync(CODE_CACHE, script.createCachedData());
  });
} else {
  const { build } = await import('esbuild');
  const { CODE_CACHE } = await import('../dist/cli/run-bundle.js');
  rmSync(CODE_CACHE, { force: true });
  await build({
    entryPoints: [root('dist/cli/program.js')],
    outfile: root('dist/cli/bundle.cjs'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['fastify', 'pino', 'chokidar'],
    // jsonc-parser's main entry is UMD, whose require('./impl/...') calls a bundle cannot follow; its ESM entry bundles.
    alias: { 'jsonc-parser': root('node_modules/jsonc-parser/lib/esm/main.js') },
    define: { 'import.meta.url': '__bundleUrl' },
    banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
    sourcemap: true,
    logLevel: 'warning',
  });
  const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--code-cache'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (run.status !== 0) throw new Error(`the bundled CLI failed on the example patient (exit ${run.status})`);
}
