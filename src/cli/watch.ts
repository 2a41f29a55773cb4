import { resolve } from 'node:path';
import { watch as watchFiles, type FSWatcher } from 'chokidar';
import { unknownRuleSetProblems } from '../cases/case-references.js';
import { collectCases, type CaseCollection } from '../cases/collect-cases.js';
import { caseFilesBeside, ruleRootsOf, runPaths } from '../cases/load-cases.js';
import { runCases, type CaseScope } from '../cases/run-cases.js';
import { compareOutputs, resultOutputs, type OutputValue } from '../diff/result-outputs.js';
import { evaluatePatient } from '../engine/evaluate-patient.js';
import { loadPatientFile } from '../patient/load-patient.js';
import { formatProblems } from '../problems/format.js';
import { ProblemsError, sortProblems, type Problem } from '../problems/problem.js';
import { requiredBy } from '../ruleset/dependencies.js';
import { linksBack } from '../source/folder-walk.js';
import { LiveRuleSets, type LiveRuleSetsOptions, type RuleSetsSnapshot } from '../ruleset/live-rule-sets.js';
import { BUNDLED_RULES_DIR, isCaseFile, isRuleSetFile } from '../ruleset/load-rulesets.js';
import { formatCaseResult, formatTally } from './format-cases.js';
import { wholeNumber } from './usage-error.js';

/** How long a stop signal waits for the watchers to close before the process exits anyway. */
const STOP_GRACE_MS = 2000;

export interface WatchOptions {
  profile?: string[];
  patient?: string;
  debounce: string;
}

/**
 * Instant feedback for rule authors: on every save of a rule file, profile or test case, re-validate,
 * re-run the cases that could have changed, and with --patient re-evaluate and show what changed in
 * the result since the last good version. A broken save prints its positioned problems and the last
 * good rule sets stay in use; the fix is picked up without a restart. Runs until interrupted.
 */
export async function watchCommand(paths: string[], options: WatchOptions): Promise<void> {
  const profiles = options.profile ?? [];
  // As test and validate read them: a profile's case file runs on the bundled rules, a rule set's brings its folder.
  const given = runPaths(paths, profiles, BUNDLED_RULES_DIR);
  const { roots, profileCases } = given;
  const debounceMs = wholeNumber(options.debounce, '--debounce', 0, 60_000);
  const out = (text: string): void => void process.stdout.write(text);
  const stamp = (): string => new Date().toISOString().slice(11, 19);

  const live = await firstLoad({ paths: ruleRootsOf(roots), library: [BUNDLED_RULES_DIR], profiles, debounceMs }, out, stamp);
  let lastResult: OutputValue[] | undefined;
  let previous = live.current();

  const runAffected = async (snapshot: RuleSetsSnapshot, include?: (c: CaseScope) => boolean): Promise<void> => {
    const collection = collectCases(roots, profiles, { run: given });
    // As test says it: a case file naming a rule set that is not loaded, once, at its `ruleset:`.
    const problems = [...collection.problems, ...unknownRuleSetProblems(collection.cases, snapshot.rulesets, { complete: true })].filter(inScope(collection, include));
    if (problems.length) out(formatProblems(sortProblems(problems)) + '\n');
    const run = await runCases(collection, snapshot.rulesets, { profiles: snapshot.profiles, ...(include ? { include } : {}) });
    for (const result of run.results) if (!('passed' in result) || !result.passed) out(formatCaseResult(result));
    out(`cases: ${formatTally(run)}\n`);
  };

  const evaluate = async (snapshot: RuleSetsSnapshot): Promise<void> => {
    if (!options.patient) return;
    const { patient, problems } = loadPatientFile(options.patient);
    if (!patient) {
      out(formatProblems(sortProblems(problems)) + '\n');
      return;
    }
    const now = resultOutputs(await evaluatePatient(patient, snapshot.rulesets));
    if (!lastResult) {
      out(`patient ${options.patient}:\n${now.map((v) => `  ${label(v)} ${v.value}`).join('\n')}\n`);
    } else {
      const changes = compareOutputs(lastResult, now);
      out(changes.length ? `patient ${options.patient} changed:\n${changes.map((c) => `  ${label(c)} ${c.from} -> ${c.to}`).join('\n')}\n` : `patient ${options.patient}: no change in the result\n`);
    }
    lastResult = now;
  };

  live.on('reloaded', (snapshot, changed, warnings) => {
    void serially(async () => {
      out(`\n[${stamp()}] reloaded (generation ${snapshot.generation}): ${changed.map(shortName).join(', ')}\n`);
      if (warnings.length) out(formatProblems(sortProblems(warnings)) + '\n');
      const touched = changedRuleSets(previous, snapshot);
      previous = snapshot;
      // A case file that does not read names no rule set: it is the touched rule files' by its place beside them.
      const beside = new Set(snapshot.rulesets.filter((r) => touched.has(r.document.id)).flatMap((r) => caseFilesBeside(r.file)).map((f) => resolve(f)));
      if (touched.size) await runAffected(snapshot, (c) => (c.ruleset !== undefined ? touched.has(c.ruleset) : beside.has(resolve(c.file))));
      else out('no rule set content changed; no case to re-run\n');
      await evaluate(snapshot);
    });
  });
  live.on('rejected', (problems: Problem[], changed) => {
    void serially(async () => {
      out(`\n[${stamp()}] rejected ${changed.map(shortName).join(', ')}; still using generation ${live.current().generation}\n`);
      out(formatProblems(problems) + '\n');
    });
  });

  // Test cases and the patient file are not rule sets: their own watcher re-runs or re-evaluates.
  const others: FSWatcher = watchFiles([...roots, ...profileCases, ...profiles.map((p) => resolve(p, '..')), ...(options.patient ? [options.patient] : [])], {
    ignoreInitial: true,
    ignored: (path, stats) => (stats?.isFile() === true && !isCaseFile(path) && resolve(path) !== resolve(options.patient ?? '\0')) || linksBack(path),
  });
  let timer: NodeJS.Timeout | undefined;
  const touchedFiles = new Set<string>();
  for (const event of ['add', 'change', 'unlink'] as const) {
    others.on(event, (path: string) => {
      touchedFiles.add(path);
      clearTimeout(timer);
      timer = setTimeout(() => {
        const files = [...touchedFiles];
        touchedFiles.clear();
        void serially(async () => {
          out(`\n[${stamp()}] ${files.map(shortName).join(', ')} changed\n`);
          const snapshot = live.current();
          const caseFiles = new Set(files.filter(isCaseFile).map((f) => resolve(f)));
          if (caseFiles.size) await runAffected(snapshot, (c) => caseFiles.has(resolve(c.file)));
          if (options.patient && files.some((f) => resolve(f) === resolve(options.patient ?? ''))) await evaluate(snapshot);
        });
      }, debounceMs);
    });
  }
  others.on('error', () => undefined);
  // Ready before the first report, so a save right after it is never missed.
  await new Promise<void>((ready) => others.once('ready', ready));

  out(`watching ${roots.join(', ')}${profiles.length ? ` with ${profiles.join(', ')}` : ''} (generation 1, ${previous.rulesets.length} rule sets)\n`);
  // As on every reload: the warnings validate would give (a requirement taken from the library, a threshold not followed).
  if (live.initialWarnings.length) out(formatProblems(sortProblems(live.initialWarnings)) + '\n');
  await runAffected(previous);
  await evaluate(previous);

  await new Promise<void>((done) => {
    const stop = (): void => {
      // Closing is best effort: chokidar can throw from inside close() (a closer run twice, after an
      // editor replaced a file two watchers shared; seen once by a QA run, not reproduced), and the
      // process is ending either way, so that must not become a stack trace.
      void Promise.allSettled([live.close(), (async () => others.close())()]).then(() => done());
      // Nor may a close that never settles, or a watcher left open, keep it running after the signal
      // (QA runs twice needed a second one after files were replaced; not reproduced since): it exits
      // within two seconds whatever is still open. Unreferenced, the timer keeps nothing alive itself.
      setTimeout(() => process.exit(process.exitCode ?? 0), STOP_GRACE_MS).unref();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/**
 * Whether a case file's problem belongs to a partial re-run: the tally counts only the files and rule
 * sets it covers, so the problems shown are theirs, not those of every other case file once more.
 */
function inScope(collection: CaseCollection, include: ((c: CaseScope) => boolean) | undefined): (problem: Problem) => boolean {
  if (!include) return () => true;
  const rulesetOf = new Map<string, string>();
  for (const { file, ruleset } of [...collection.cases, ...collection.unrunnable, ...collection.invalid]) if (ruleset !== undefined) rulesetOf.set(file, ruleset);
  return ({ file }) => {
    const ruleset = file === undefined ? undefined : rulesetOf.get(file);
    return file !== undefined && include({ file, ...(ruleset !== undefined ? { ruleset } : {}) });
  };
}

let queue: Promise<void> = Promise.resolve();
/** Reports never interleave: each reaction waits for the one before it. */
function serially(task: () => Promise<void>): Promise<void> {
  queue = queue.then(task, task);
  return queue;
}

/** Rule sets whose content changed between two snapshots, and every rule set that requires them. */
function changedRuleSets(before: RuleSetsSnapshot, after: RuleSetsSnapshot): Set<string> {
  const old = new Map(before.rulesets.map((r) => [r.document.id, r.sha256]));
  const changed = after.rulesets.filter((r) => old.get(r.document.id) !== r.sha256).map((r) => r.document.id);
  return requiredBy(changed, after.rulesets);
}

const label = (v: { output: string; lesion?: number }): string => `${v.output}${v.lesion !== undefined ? `[lesion ${v.lesion + 1}]` : ''}:`;
const shortName = (file: string): string => file.replace(`${process.cwd()}/`, '');

/**
 * The rule sets as watch starts on them; when they do not load, their problems are shown and every save
 * is tried again until they do, as after any broken save (there is just no last good version yet).
 */
async function firstLoad(options: LiveRuleSetsOptions, out: (text: string) => void, stamp: () => string): Promise<LiveRuleSets> {
  const attempt = async (): Promise<LiveRuleSets | undefined> => {
    try {
      return await LiveRuleSets.start(options);
    } catch (err) {
      if (!(err instanceof ProblemsError)) throw err;
      out(`${formatProblems(err.problems)}\n${stamp()} the rule sets do not load yet; watching for a fix\n`);
      return undefined;
    }
  };
  const watcher = watchFiles([...options.paths, ...(options.profiles ?? [])], {
    ignoreInitial: true,
    ignored: (path, stats) => (stats?.isFile() === true && !isRuleSetFile(path)) || linksBack(path),
  });
  // A folder it cannot read (the loader says which) must not end the process: the other folders are still watched.
  watcher.on('error', () => undefined);
  await new Promise<void>((ready) => watcher.once('ready', ready));
  try {
    let live = await attempt();
    while (!live) {
      await new Promise<void>((saved) => watcher.once('all', () => saved()));
      // Let an editor's burst of events for one save settle before loading.
      await new Promise((settle) => setTimeout(settle, options.debounceMs ?? 50));
      live = await attempt();
    }
    return live;
  } finally {
    await watcher.close();
  }
}
