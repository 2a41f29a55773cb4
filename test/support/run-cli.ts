import { spawnSync } from 'node:child_process';

/** The built command (`npm test` builds first). */
export const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;

/** Runs `spinemets <args>` the way a user does, in `cwd` when given. */
export function runCli(args: string[], options: { input?: string; cwd?: string } = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', input: options.input, cwd: options.cwd, env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
