import { EventEmitter } from 'node:events';
import { dirname, resolve } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { within } from '../source/files-under.js';
import { hasErrors, ProblemsError, sortProblems, type Problem } from '../problems/problem.js';
import { linksBack } from '../source/folder-walk.js';
import { isRuleSetFile, loadRuleSets } from './load-rulesets.js';
import type { LoadedProfile } from './profile-types.js';
import type { VersionPick } from './select-versions.js';
import type { LoadedRuleSet } from './types.js';

/** What one request evaluates with: taken once, used throughout, never changed under it. */
export interface RuleSetsSnapshot {
  readonly rulesets: readonly LoadedRuleSet[];
  /** The institution profiles applied to them (a case's `overrides` names their changes). */
  readonly profiles: readonly LoadedProfile[];
  /** 1 for the first load, one more for each accepted reload. */
  readonly generation: number;
  readonly loadedAt: string;
}

export interface LiveRuleSetsOptions {
  /** Rule-set files or folders, as for loadRuleSets; they and the library are watched. */
  paths: readonly string[];
  pick?: readonly VersionPick[];
  library?: readonly string[];
  /** Institution profile files, applied as loadRuleSets applies them; watched like the rule files. */
  profiles?: readonly string[];
  /** Quiet time after the last change before reloading: an editor's save is several events. */
  debounceMs?: number;
  /**
   * Decisions are made from these rule sets (serve): a file edited under the version it was in use at is
   * then said (RULESET_VERSION_REUSED). Not in an author's editing loop (watch), where every draft save is one.
   */
  warnEditsInPlace?: boolean;
  /**
   * What else must hold of rule sets before they are served (serve: the CDS card's names): its errors
   * refuse the first load and reject a reload as a broken rule file does; its warnings go with the load's.
   */
  check?: (rulesets: readonly LoadedRuleSet[]) => Problem[];
}

/** What became of the latest reload: what the service's /health tells a probe, since a rejected one leaves the last good set serving. */
export interface ReloadOutcome {
  readonly status: 'accepted' | 'rejected';
  readonly at: string;
  /** The problems that came with it: a rejection's errors and warnings, an accepted reload's warnings. */
  readonly problems: number;
  /** Their codes, each once, in order. */
  readonly codes: readonly string[];
}

export interface LiveRuleSetsEvents {
  reloaded: [snapshot: RuleSetsSnapshot, changedFiles: string[], warnings: Problem[]];
  rejected: [problems: Problem[], changedFiles: string[]];
}

/**
 * Rule sets that follow their files: a valid change replaces the snapshot atomically (one assignment,
 * so a request sees the old set or the new one, never a mix); an invalid change is reported with its
 * positioned problems and the last good snapshot keeps serving. Profiles are watched and applied like
 * the rule files. Used by `serve` (and `watch`).
 */
export class LiveRuleSets extends EventEmitter<LiveRuleSetsEvents> {
  private snapshot: RuleSetsSnapshot;
  /** The snapshot's rule sets as their files read (see `Loaded`). */
  private files: readonly LoadedRuleSet[];
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private pending = new Set<string>();
  private reloading: Promise<void> | undefined;
  private closed = false;
  private outcome: ReloadOutcome | undefined;

  private constructor(
    private readonly options: LiveRuleSetsOptions,
    first: Loaded,
    /** Warnings of the first load, for the caller to show once. */
    readonly initialWarnings: Problem[],
  ) {
    super();
    this.snapshot = freeze(first, 1);
    this.files = first.files;
  }

  /** Loads once and starts watching; a first load with errors throws ProblemsError (data, not a crash). */
  static async start(options: LiveRuleSetsOptions): Promise<LiveRuleSets> {
    const { problems, ...first } = await load(options);
    if (hasErrors(problems)) throw new ProblemsError(sortProblems(problems));
    const live = new LiveRuleSets(options, first, problems);
    await live.watch();
    return live;
  }

  current(): RuleSetsSnapshot {
    return this.snapshot;
  }

  /** undefined until the first reload: the rule files loaded at start are the ones serving. */
  lastReload(): ReloadOutcome | undefined {
    return this.outcome;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.watcher?.close();
    await this.reloading;
  }

  private async watch(): Promise<void> {
    const roots = [...new Set([...this.options.paths, ...(this.options.library ?? []), ...(this.options.profiles ?? [])].map((p) => resolve(p)))];
    // Each root is watched from the folder it sits in: a watched file or folder that is deleted and
    // created again (a save that is not a rename, a folder moved away and copied back) stops being
    // watched, and its later edits would never be served.
    const parents = [...new Set(roots.map((root) => dirname(root)))];
    const relevant = (path: string): boolean => parents.includes(path) || roots.some((root) => within(path, root));
    this.watcher = watch(parents, {
      ignoreInitial: true,
      // Only rule files under the roots matter; test cases, editor temporaries and the roots' neighbours do not.
      // Nor is a link back to a folder that holds it followed (the loader reports it): it would never end.
      ignored: (path, stats) => !relevant(path) || (stats?.isFile() === true && !isRuleSetFile(path)) || linksBack(path),
    });
    for (const event of ['add', 'change', 'unlink'] as const) this.watcher.on(event, (path: string) => this.changed(path));
    // A folder of rule files moved away or back: what it holds changed, whatever file events come with it.
    for (const event of ['addDir', 'unlinkDir'] as const) this.watcher.on(event, (path: string) => this.changed(path, true));
    // A watcher error (a folder removed, too many files) must not end the process; the next change retries.
    this.watcher.on('error', () => undefined);
    await new Promise<void>((ready) => this.watcher?.once('ready', ready));
  }

  private changed(file: string, folder = false): void {
    if (this.closed || (!folder && !isRuleSetFile(file))) return;
    this.pending.add(file);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.reload(), this.options.debounceMs ?? 50);
  }

  /** One reload at a time; changes that arrive during one are taken when it ends. */
  private reload(): void {
    if (this.reloading) return;
    this.reloading = this.drain().finally(() => {
      this.reloading = undefined;
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.size && !this.closed) {
      const changedFiles = [...this.pending].sort();
      this.pending.clear();
      await this.apply(changedFiles);
    }
  }

  private async apply(changedFiles: string[]): Promise<void> {
    let loaded: Loaded;
    let problems: Problem[];
    try {
      ({ problems, ...loaded } = await load(this.options));
    } catch (err) {
      // A loader bug on odd content must not stop the service; it is reported like any rejection.
      problems = [{ code: 'INTERNAL_ERROR', severity: 'error', message: `reload failed: ${(err as Error).message}` }];
      loaded = { rulesets: [], profiles: [], files: [] };
    }
    const { rulesets } = loaded;
    if (this.closed) return;
    if (!hasErrors(problems)) problems.push(...withdrawn(this.snapshot.rulesets, rulesets, this.options.paths));
    if (hasErrors(problems)) {
      this.outcome = reloadOutcome('rejected', problems);
      this.emit('rejected', sortProblems(problems), changedFiles);
      return;
    }
    if (this.options.warnEditsInPlace) problems.push(...editedInPlace(this.files, loaded.files));
    this.snapshot = freeze(loaded, this.snapshot.generation + 1);
    this.files = loaded.files;
    this.outcome = reloadOutcome('accepted', problems);
    this.emit('reloaded', this.snapshot, changedFiles, problems);
  }
}

function reloadOutcome(status: ReloadOutcome['status'], problems: readonly Problem[]): ReloadOutcome {
  return { status, at: new Date().toISOString(), problems: problems.length, codes: [...new Set(problems.map((p) => p.code))].sort() };
}

/**
 * Rule sets served from the given rule files whose file is gone: the bundled version would take the
 * institution's place, or the rule set would stop being served, on a file deleted or moved by mistake.
 * Like a broken edit, that does not replace the last good rule sets; a restart serves what is there.
 */
function withdrawn(served: readonly LoadedRuleSet[], next: readonly LoadedRuleSet[], paths: readonly string[]): Problem[] {
  const fromPaths = (r: LoadedRuleSet): boolean => paths.some((root) => within(r.file, root));
  const problems: Problem[] = [];
  for (const id of new Set(served.filter(fromPaths).map((r) => r.document.id))) {
    if (next.some((r) => r.document.id === id && fromPaths(r))) continue;
    const instead = next.find((r) => r.document.id === id);
    const file = served.find((r) => r.document.id === id)?.file ?? id;
    // Said where the rule set was (the file gone), in words for `serve` and `watch` alike.
    const message = instead
      ? `${id} was in use from this file, which is gone; ${instead.file} would take its place, so the last good rule sets stay in use (restart to use it)`
      : `${id} was in use from this file, which is gone, and would no longer be; the last good rule sets stay in use (restart to drop it)`;
    problems.push({ code: 'RULESET_WITHDRAWN', severity: 'error', message, file, line: 1, column: 1 });
  }
  return problems;
}

/**
 * A rule set whose content changed under the version it was in use at: decisions before and after the
 * reload name the same version for different content (the hash tells them apart). Taken, as any valid
 * edit is, and said, so that the author gives it a version of its own. Compared as the files read
 * (`Loaded.files`), so that a rule file a profile patches is compared too.
 */
function editedInPlace(served: readonly LoadedRuleSet[], next: readonly LoadedRuleSet[]): Problem[] {
  return next.flatMap((r) => {
    const before = served.find((s) => s.document.id === r.document.id && s.document.version === r.document.version && s.file === r.file);
    if (!before || before.sha256 === r.sha256) return [];
    return [r.source.problemAt(['version'], 'RULESET_VERSION_REUSED', `${r.document.id} ${r.document.version} changed and is still ${r.document.version} (sha256 ${before.sha256.slice(0, 12)}, now ${r.sha256.slice(0, 12)}): decisions before and after this reload name one version for two contents; give the change a version of its own, with its changelog entry`, { severity: 'warning' })];
  });
}

interface Loaded {
  rulesets: LoadedRuleSet[];
  profiles: LoadedProfile[];
  /**
   * Each of `rulesets` as its file reads, before any profile: the profile's changes are the profile's
   * version, so only the rule file's own content tells whether it was edited under its version.
   */
  files: LoadedRuleSet[];
}

async function load(options: LiveRuleSetsOptions): Promise<Loaded & { problems: Problem[] }> {
  const { rulesets, available, profiles, problems } = await loadRuleSets(options.paths, { library: options.library ?? [], pick: options.pick ?? [], profiles: options.profiles ?? [] });
  const files = rulesets.map((r) => available.find((a) => a.file === r.file && a.document.id === r.document.id && a.document.version === r.document.version) ?? r);
  if (!hasErrors(problems) && rulesets.length === 0) {
    problems.push({ code: 'NO_RULESETS', severity: 'error', message: `no rule set found in ${options.paths.join(', ')}` });
  }
  if (!hasErrors(problems) && options.check) problems.push(...options.check(rulesets));
  return { rulesets, profiles, files, problems };
}

function freeze({ rulesets, profiles }: Loaded, generation: number): RuleSetsSnapshot {
  return Object.freeze({ rulesets: Object.freeze([...rulesets]), profiles: Object.freeze([...profiles]), generation, loadedAt: new Date().toISOString() });
}
