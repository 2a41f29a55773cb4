// One function, not the whole of semver: its index loads every module it has, at every start.
import rcompare from 'semver/functions/rcompare.js';
import { COMMAND_LINE, type Problem } from '../problems/problem.js';
import { hintFrom } from './check-context.js';
import type { LoadedRuleSet } from './types.js';

/** `sins`, `sins@1.0.0` or `sins@sha256:<hash or its first characters>`, as given with --ruleset. */
export interface VersionPick {
  id: string;
  version?: string;
  sha256?: string;
  text: string;
  /** How messages name the pick, when not `--ruleset <text>`: the subject of "... matches no installed rule set". */
  named?: string;
}

export function parsePick(text: string): VersionPick {
  const [id = '', selector] = text.split('@', 2);
  if (selector === undefined) return { id, text };
  return selector.startsWith('sha256:') ? { id, sha256: selector.slice('sha256:'.length).toLowerCase(), text } : { id, version: selector, text };
}

/**
 * Several versions of one rule set may be installed side by side; one of each id is evaluated: the
 * version picked (by version or by content hash, to re-run a past decision on exactly what it used),
 * else the newest by semantic-version precedence.
 */
export function selectVersions(available: readonly LoadedRuleSet[], picks: readonly VersionPick[]): { selected: LoadedRuleSet[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const byId = new Map<string, LoadedRuleSet[]>();
  for (const r of available) byId.set(r.document.id, [...(byId.get(r.document.id) ?? []), r]);
  const chosen = new Map<string, LoadedRuleSet>();
  for (const [id, versions] of byId) {
    const newest = [...versions].sort((a, b) => rcompare(a.document.version, b.document.version))[0];
    if (newest) chosen.set(id, newest);
  }
  for (const pick of picks) {
    const candidates = byId.get(pick.id) ?? [];
    const match = candidates.find((r) => (pick.version ? r.document.version === pick.version : pick.sha256 ? r.sha256.startsWith(pick.sha256) : true));
    if (match && pick.sha256 !== undefined && pick.sha256.length < 8) {
      problems.push(pickProblem(pick, 'give at least 8 characters of the hash'));
    } else if (match) {
      chosen.set(pick.id, match);
    } else {
      const installed = candidates.map((r) => `${r.document.version} (sha256:${r.sha256.slice(0, 12)})`).join(', ');
      const ids = [...byId.keys()].sort();
      problems.push(pickProblem(pick, installed ? `installed: ${installed}` : `the installed rule sets are ${ids.join(', ')}${hintFrom(pick.id, ids)}`));
    }
  }
  return { selected: [...chosen.values()], problems };
}

function pickProblem(pick: VersionPick, detail: string): Problem {
  return { code: 'UNKNOWN_RULESET_VERSION', severity: 'error', message: `${pick.named ?? `--ruleset ${pick.text}`} matches no installed rule set; ${detail}`, file: COMMAND_LINE };
}
