// Run by `npm run build` after tsc: the clinician page's copy of what explain marks as unconfirmed, and of
// how it folds warnings, is explain's own modules (src/explain/page-notes.ts as tsc built it), bundled by
// esbuild into one script the page inlines (a global `spinemetsNotes`), rather than a hand-kept twin in web/.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url));

await build({
  entryPoints: [root('dist/explain/page-notes.js')],
  outfile: root('dist/web/page-notes.js'),
  bundle: true,
  format: 'iife',
  globalName: 'spinemetsNotes',
  platform: 'browser',
  target: 'es2020',
  logLevel: 'warning',
});
