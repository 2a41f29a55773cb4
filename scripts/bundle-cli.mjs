// Run by `npm run build` after tsc: bundles the CLI (dist/cli/program.js and every module it may load,
// yaml, commander and the other small dependencies included) into one CommonJS file, dist/cli/bundle.cjs,
// which dist/cli/main.js runs. One file read and compiled instead of some 400 modules resolved, read and
// linked one by one takes about a third off a one-patient `spinemets evaluate`.
//  - CommonJS, not ESM: in one ESM file an external package imported by a lazily loaded command would
//    become a top-level import, loaded at every start; in CommonJS it stays a require() where it was.
//  - Commands still load lazily: esbuild turns each `await import()` into a module initialised on first use.
//  - fastify, pino and chokidar (serve and watch only) stay external: large, and pino loads files by path.
//    ajv and json-rules-engine are loaded with createRequire at run time and are never bundled.
//  - The bundle sits in dist/cli/ like program.js, so the paths the modules resolve from import.meta.url
//    (../../rules/, ../../schemas/, ../../dist/generated/, ../batch/evaluate-worker.js) are unchanged.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const dist = (path) => fileURLToPath(new URL(`../dist/${path}`, import.meta.url));

await build({
  entryPoints: [dist('cli/program.js')],
  outfile: dist('cli/bundle.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['fastify', 'pino', 'chokidar'],
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  sourcemap: true,
  logLevel: 'warning',
});
