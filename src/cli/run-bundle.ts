/**
 * Runs the CLI bundle that `npm run build` writes beside this module (scripts/bundle-cli.mjs): one
 * CommonJS file holding program.ts and every module it may load. The build also runs it once on the
 * example patient and keeps V8's code cache of it, so that the functions a short command runs start
 * compiled instead of being parsed and compiled at every start.
 */
import { createRequire } from 'node:module';

// Built-in modules through require: importing them would build an ES module facade of each, at every start.
const require = createRequire(import.meta.url);
const { readFileSync, statSync } = require('node:fs') as typeof import('node:fs');
const { dirname } = require('node:path') as typeof import('node:path');
const { fileURLToPath } = require('node:url') as typeof import('node:url');
const { Script } = require('node:vm') as typeof import('node:vm');

export const BUNDLE = fileURLToPath(new URL('./bundle.cjs', import.meta.url));
export const CODE_CACHE = `${BUNDLE}.code-cache`;

const modifiedAt = (file: string): number | undefined => statSync(file, { throwIfNoEntry: false })?.mtimeMs;

/** A bundle exists and tsc has not rebuilt the modules since it was made (then it would be stale). */
export function bundleIsCurrent(): boolean {
  const bundledAt = modifiedAt(BUNDLE);
  return bundledAt !== undefined && bundledAt >= (modifiedAt(fileURLToPath(new URL('./program.js', import.meta.url))) ?? 0);
}

/**
 * Compiles and runs the bundle as Node runs a CommonJS module, with the code cache when the build
 * made it for this bundle (V8 itself rejects a cache from another V8 version or other flags, and then
 * compiles as usual). Returns the script, from which the build makes the cache.
 */
export function runBundle(options: { codeCache: boolean }): InstanceType<typeof Script> {
  const cachedAt = options.codeCache ? modifiedAt(CODE_CACHE) : undefined;
  const cachedData = cachedAt !== undefined && cachedAt >= (modifiedAt(BUNDLE) ?? Infinity) ? readFileSync(CODE_CACHE) : undefined;
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(BUNDLE, 'utf8')}\n})`, { filename: BUNDLE, cachedData });
  const module = { exports: {} };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(BUNDLE), module, BUNDLE, dirname(BUNDLE));
  return script;
}
