#!/usr/bin/env node
/**
 * The `spinemets` command. `npm run build` bundles program.ts and everything it loads into one
 * CommonJS file, bundle.cjs beside this one (scripts/bundle-cli.mjs): reading one file instead of
 * resolving and linking some 400 modules (ours, yaml's, commander's, ...) was most of a short
 * command's start-up. Without a bundle, or when tsc has rebuilt the modules since it was made, the
 * modules load one by one, so a stale bundle never runs.
 */
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('./bundle.cjs', import.meta.url));
const bundledAt = statSync(bundle, { throwIfNoEntry: false })?.mtimeMs;
const compiledAt = statSync(new URL('./program.js', import.meta.url), { throwIfNoEntry: false })?.mtimeMs ?? 0;

if (bundledAt !== undefined && bundledAt >= compiledAt) createRequire(import.meta.url)(bundle);
else await import('./program.js');
