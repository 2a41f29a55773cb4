import { readFileSync } from 'node:fs';

export interface EngineIdentity {
  name: string;
  version: string;
}

let cached: EngineIdentity | undefined;

/** Name and version from package.json (the same two levels up from src/audit/ and dist/audit/). */
export function engineIdentity(): EngineIdentity {
  if (!cached) {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name?: unknown; version?: unknown };
    cached = { name: String(pkg.name), version: String(pkg.version) };
  }
  return cached;
}
