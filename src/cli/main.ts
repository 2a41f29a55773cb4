#!/usr/bin/env node
/**
 * The `spinemets` command. `npm run build` bundles program.ts and everything it loads into one
 * CommonJS file with a code cache (run-bundle.ts, scripts/bundle-cli.mjs): reading one file, mostly
 * compiled already, instead of resolving and linking some 400 modules (ours, yaml's, commander's, ...)
 * was most of a short command's start-up. Without a bundle, or when tsc has rebuilt the modules since
 * it was made, the modules load one by one, so a stale bundle never runs.
 */
import { bundleIsCurrent, runBundle } from './run-bundle.js';

if (bundleIsCurrent()) runBundle({ codeCache: true });
else await import('./program.js');
