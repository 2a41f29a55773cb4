import type { Difference } from '../audit/diff-values.js';
import { engineIdentity } from '../audit/engine-identity.js';
import { replayLog, type ReplayOutcome } from '../audit/replay-log.js';
import { verifyLog } from '../audit/verify-log.js';
import { formatProblems } from '../problems/format.js';
import { EXIT, Exit } from './exit-codes.js';
import { usageError } from './usage-error.js';
import { loadRulesOrExit } from './load-rules.js';
import { showChange } from './show-change.js';

export interface ReplayCommandOptions {
  id?: string;
  current?: boolean;
  allDifferences?: boolean;
  rules?: string[];
  profile?: string[];
}

/** Differences listed per record; the rest are counted (a changed table can shift a whole trace). */
const MAX_LISTED = 20;

/**
 * `audit replay LOG`: re-evaluates each recorded decision on its pinned rule sets (from the log's store)
 * and says whether it comes out identical; exit 4 if any does not. With --current, on the rule sets
 * of today (bundled, or --rules) instead: what would change, reported, not a failure.
 */
export async function auditReplayCommand(log: string, options: ReplayCommandOptions): Promise<void> {
  if ((options.rules?.length || options.profile?.length) && !options.current) {
    const option = options.rules?.length ? '--rules' : '--profile';
    usageError('OPTION_CONFLICT', `${option} chooses the current rule sets; use it with --current (pinned replays use the rule sets stored with the log)`);
  }
  const verification = verifyLog(log);
  if (verification.problems.length) {
    process.stdout.write(formatProblems(verification.problems) + '\nthe log does not verify; nothing was replayed\n');
    throw new Exit(verification.problems.some((p) => p.code === 'FILE_UNREADABLE') ? EXIT.input : EXIT.audit);
  }
  const current = options.current ? await loadRulesOrExit(options.rules, [], options.profile) : undefined;
  const counts = { identical: 0, different: 0, failed: 0 };
  // Only the records verified: a line a writer appends meanwhile has not been checked.
  for await (const outcome of replayLog(log, { decisionId: options.id, current, verifiedLines: verification.records })) {
    counts[outcome.status]++;
    process.stdout.write(formatOutcome(outcome, options.allDifferences ? Infinity : MAX_LISTED));
  }
  const total = counts.identical + counts.different + counts.failed;
  if (options.id !== undefined && total === 0) {
    // The log verified: the id asked for is the input at fault, as for `report --id` (exit 2, not 3).
    process.stdout.write(formatProblems([{ code: 'AUDIT_RECORD_NOT_FOUND', severity: 'error', message: `no record has decisionId ${options.id}`, file: log, line: 1, column: 1 }]) + '\n');
    throw new Exit(EXIT.input);
  }
  const against = current ? 'the current rule sets' : 'their pinned rule sets';
  process.stdout.write(`${total} replayed on ${against}: ${counts.identical} identical, ${counts.different} different, ${counts.failed} failed\n`);
  if (counts.failed > 0) throw new Exit(EXIT.audit);
  if (counts.different > 0 && !current) throw new Exit(EXIT.replayDiffers);
}

function formatOutcome(outcome: ReplayOutcome, shown: number): string {
  const current = engineIdentity();
  const by = outcome.recordedBy && outcome.status === 'different' ? ` (recorded by ${outcome.recordedBy.name} ${outcome.recordedBy.version}, replayed by ${current.name} ${current.version})` : '';
  const under = (names: string[]): string => (names.length ? `under profile ${names.join(', ')}` : 'without a profile');
  // The differences of a decision taken under a profile, replayed without it, are the profile's changes.
  const profiles = outcome.profiles && outcome.status === 'different' ? ` (recorded ${under(outcome.profiles.recorded)}, replayed ${under(outcome.profiles.current)}; ${likeWithLike(outcome.profiles)})` : '';
  const head = `${outcome.decisionId} (line ${outcome.line}) ${outcome.status}${by}${profiles}\n`;
  if (outcome.status === 'failed') return head + indent(formatProblems(outcome.problems));
  const listed = outcome.differences.slice(0, shown).map(formatDifference);
  const more = outcome.differences.length - listed.length;
  if (more > 0) listed.push(`… and ${more} more difference${more === 1 ? '' : 's'} (--all-differences lists them)`);
  return head + (listed.length ? indent(listed.join('\n')) : '');
}

/** What would replay the decision under the profile it was taken under (the advice named --profile even where it was given). */
function likeWithLike({ recorded, current }: { recorded: string[]; current: string[] }): string {
  if (current.length === 0) return '--profile with the profile recorded replays like with like';
  if (recorded.length === 0) return 'without --profile it replays like with like';
  return 'the profiles differ: --profile with the one recorded replays like with like';
}

function formatDifference({ path, recorded, replayed }: Difference): string {
  return `${path}: ${showChange(recorded, replayed, 80, '(absent)')}`;
}

const indent = (text: string): string => text.replace(/^/gm, '  ') + '\n';
