import type { Problem } from '../problems/problem.js';
import type { LoadedRuleSet } from '../ruleset/types.js';
import { canonicalDecisionId, type DecisionRecord } from './decision-record.js';
import type { Difference } from './diff-values.js';
import { engineIdentity, type EngineIdentity } from './engine-identity.js';
import { loadPinnedRuleSets, type PinnedCache } from './load-pinned-rulesets.js';
import { readLogLines } from './read-log-lines.js';
import { replayDecision } from './replay-decision.js';

export interface ReplayOutcome {
  line: number;
  decisionId: string;
  /** failed: the record could not be re-evaluated (a stored rule set is unusable, the input no longer valid). */
  status: 'identical' | 'different' | 'failed';
  differences: Difference[];
  problems: Problem[];
  /**
   * The engine that wrote the record, when it is not the one replaying it: differences may then come
   * from the engine (a warning's wording, a field it added) rather than from the rule sets or the record.
   */
  recordedBy?: EngineIdentity;
  /**
   * With --current: the institution profiles the record was decided under and those of the current rule
   * sets (`id@version`), when they differ: the differences may then be the profile's, not the rules'.
   */
  profiles?: { recorded: string[]; current: string[] };
}

export interface ReplayOptions {
  /** Only the record with this decision id. */
  decisionId?: string;
  /** Evaluate with these rule sets (the current ones) instead of each record's pinned ones from the store. */
  current?: readonly LoadedRuleSet[];
  /** The lines `audit verify` checked: a log still written to (serve --record) may have grown since. */
  verifiedLines?: number;
}

/** Replays the records of a log, one outcome per record as it goes. The log must have verified first. */
export async function* replayLog(log: string, options: ReplayOptions = {}): AsyncGenerator<ReplayOutcome> {
  const cache: PinnedCache = new Map();
  for (const { line, text } of readLogLines(log)) {
    if (options.verifiedLines !== undefined && line > options.verifiedLines) break;
    const record = JSON.parse(text) as DecisionRecord;
    if (options.decisionId !== undefined && canonicalDecisionId(record.decisionId) !== canonicalDecisionId(options.decisionId)) continue;
    const outcome = { line, decisionId: record.decisionId, ...(sameEngine(record.engine) ? {} : { recordedBy: record.engine }) };
    const loaded = options.current ? { rulesets: [...options.current], problems: [] } : await loadPinnedRuleSets(log, record.rulesets, cache);
    if (loaded.problems.length) {
      yield { ...outcome, status: 'failed', differences: [], problems: loaded.problems };
      continue;
    }
    const { differences, problems } = await replayDecision(record, loaded.rulesets);
    const profiles = options.current ? profilesCompared(record, options.current) : undefined;
    if (profiles) Object.assign(outcome, { profiles });
    if (problems.length) {
      // Positioned at the record: the input was parsed from it, not from a file of its own.
      yield { ...outcome, status: 'failed', differences: [], problems: problems.map((p) => ({ ...p, file: log, line, column: 1 })) };
      continue;
    }
    yield { ...outcome, status: differences.length ? 'different' : 'identical', differences, problems: [] };
  }
}

/** The profiles of the record's rule sets and of the current ones, when they are not the same. */
function profilesCompared(record: DecisionRecord, current: readonly LoadedRuleSet[]): ReplayOutcome['profiles'] {
  const names = (profiles: Array<{ id: string; version: string } | undefined>): string[] => [...new Set(profiles.flatMap((p) => (p ? [`${p.id}@${p.version}`] : [])))].sort();
  const recorded = names(record.rulesets.map((r) => r.profile));
  const now = names(current.filter((r) => record.rulesets.some((p) => p.id === r.document.id)).map((r) => r.document.profile));
  return recorded.join() === now.join() ? undefined : { recorded, current: now };
}

function sameEngine(recorded: EngineIdentity): boolean {
  const current = engineIdentity();
  return recorded.name === current.name && recorded.version === current.version;
}
