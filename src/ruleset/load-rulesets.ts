import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Problem } from '../problems/problem.js';
import { within } from '../source/files-under.js';
import type { SourceDocument } from '../source/source-document.js';
import { checkLinks, missingRequirement } from './check-links.js';
import { folderIdProblem } from './folder-id.js';
import { pathKind, walkFiles, type FolderWalk } from '../source/folder-walk.js';
import { libraryNotices } from './library-requirements.js';
import { loadRuleSetFile } from './load-ruleset.js';
import { editedPublishedVersions } from './published-versions.js';
import { withReview, type LoadedProfile } from './profile-types.js';
import { selectVersions, type VersionPick } from './select-versions.js';
import type { LoadedRuleSet } from './types.js';

/** The rule sets shipped with the package. */
export const BUNDLED_RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));

/** Rule sets are YAML files; their test cases (`*.test.yaml`) sit beside them and are not rule sets. */
export function isRuleSetFile(path: string): boolean {
  return /\.ya?ml$/.test(path) && !isCaseFile(path);
}

/** A rule set's (or a profile's) test cases: `*.test.yaml` beside it. */
export function isCaseFile(path: string): boolean {
  return /\.test\.ya?ml$/.test(path);
}

/**
 * Rule-set files under the given files or folders, and a problem at each folder there that cannot be read
 * (walkFiles); test cases (`*.test.yaml`) sit beside them and are skipped.
 */
export function findRuleSetFiles(paths: readonly string[]): FolderWalk {
  const walks = paths.map((path): FolderWalk => {
    const { kind } = pathKind(path);
    // A path that does not exist, or cannot be looked at, is kept, for the loader to report as unreadable.
    return kind === 'missing' || kind === 'unreadable' ? { files: [path], problems: [] } : walkFiles(path, isRuleSetFile);
  });
  return { files: walks.flatMap((w) => w.files), problems: walks.flatMap((w) => w.problems) };
}

export interface RuleSetsOptions {
  library?: readonly string[];
  pick?: readonly VersionPick[];
  /** Institution profile files, applied in order to the selected versions. */
  profiles?: readonly string[];
}

export interface RuleSetsLoad {
  /** One version of each rule set: the picked one, else the newest. */
  rulesets: LoadedRuleSet[];
  /** Every version that loaded, including those not selected. */
  available: LoadedRuleSet[];
  /** The profiles that were read (those whose file had problems are not among them). */
  profiles: LoadedProfile[];
  problems: Problem[];
}

/**
 * Loads every rule set found, collecting all problems from all files; a rule set id may appear once,
 * and the rule sets must fit together (check-links). Only rule sets without errors are returned.
 *
 * A requirement not among `paths` is taken from `library` (the bundled rules, for the CLI), so a
 * folder holding only a NOMS variant still runs on the bundled SINS; a warning says so. Under a folder
 * given, a rule set's id must be its folder's name (folder-id.ts).
 */
export async function loadRuleSets(paths: readonly string[], options: RuleSetsOptions = {}): Promise<RuleSetsLoad> {
  const rulesets: LoadedRuleSet[] = [];
  const problems: Problem[] = [];
  const failed = new Set<string>();
  // Rule files with errors of their own, whose requirements are still checked: all problems at once.
  const failedSources: SourceDocument[] = [];
  // What those files declare as outputs, as far as it reads: what reads them is checked against it now.
  const failedOutputs = new Map<string, readonly string[]>();
  const add = async (file: string): Promise<void> => {
    const load = await loadRuleSetFile(file);
    problems.push(...load.problems);
    if (!load.ruleset) {
      if (load.id) failed.add(load.id);
      if (load.source) failedSources.push(load.source);
      const declared = load.source && declaredOutputs(load.source);
      if (load.id && declared) failedOutputs.set(load.id, declared);
      return;
    }
    const misplaced = folderIdProblem(load.ruleset, paths);
    if (misplaced) {
      problems.push(misplaced);
      failed.add(load.ruleset.document.id);
      failedSources.push(load.ruleset.source);
      failedOutputs.set(load.ruleset.document.id, load.ruleset.document.outputs.map((o) => o.name));
      return;
    }
    const twin = rulesets.find((r) => r.document.id === load.ruleset?.document.id && r.document.version === load.ruleset.document.version);
    if (twin) {
      // At the version that repeats the other file's, which is named as every file in a message is (as given).
      problems.push(load.ruleset.source.problemAt(['version'], 'DUPLICATE_RULESET', `rule set "${twin.document.id}" ${twin.document.version} is also defined in ${twin.file}`));
      return;
    }
    rulesets.push(load.ruleset);
  };
  const { files, problems: unread } = findRuleSetFiles(paths);
  problems.push(...unread);
  for (const file of files) await add(file);
  const library = libraryOf(options.library ?? []);
  problems.push(...(await reusedVersions(rulesets, library)));
  const taken = await addRequirementsFromLibrary(rulesets, failed, files, library);
  problems.push(...libraryNotices(taken, rulesets));
  problems.push(...editedPublishedVersions(rulesets, library.roots));
  // A broken file's requirement that the library holds would be taken once the file is fixed: not missing.
  // It is not taken now (nothing loaded needs it); the library's ids are its folder names (folder-id.ts).
  const libraryIds = failedSources.length ? library.files.map(fileId) : [];
  const loadedIds = new Set([...rulesets.map((r) => r.document.id), ...failed, ...libraryIds]);
  // A library folder that could not be read, once the library was listed; not twice when it is among the paths too.
  const said = new Set(problems.map((p) => `${p.code} ${resolve(p.file ?? '')}`));
  problems.push(...library.problems.filter((p) => !said.has(`${p.code} ${resolve(p.file ?? '')}`)));
  for (const source of failedSources) {
    requiresOf(source).forEach((id, i) => {
      if (id && !loadedIds.has(id)) problems.push(missingRequirement(source, i, id));
    });
  }

  const { selected: picked, problems: pickProblems } = selectVersions(rulesets, options.pick ?? []);
  problems.push(...pickProblems);
  // The profile modules load only when a profile is given: most commands run without one.
  const { rulesets: selected, profiles, problems: profileProblems } = options.profiles?.length
    ? await (await import('./apply-profiles.js')).applyProfiles(picked, options.profiles, failed)
    : { rulesets: picked, profiles: [], problems: [] };
  problems.push(...profileProblems);
  const links = checkLinks(selected, failed, failedOutputs, failedSources);
  problems.push(...links.problems);
  const broken = new Set(links.problems.filter((p) => p.severity === 'error').map((p) => p.file));
  const loaded = selected.filter((r) => !broken.has(r.file) && !links.blocked.has(r.document.id));
  if (!profiles.length) return { rulesets: loaded, available: rulesets, profiles, problems };
  // The profiles as a whole: where a change is not followed, the author is told, and every evaluation
  // using that rule set says so beside its results (a report must not read two thresholds silently).
  const findings = (await import('./review-profiles.js')).reviewProfiles(loaded, profiles);
  problems.push(...findings.map((f) => f.problem));
  // After the stale wording of a change (applyProfiles), at the element the change touched.
  const reviewed = loaded.map((r) => withReview(r, findings.filter((f) => f.warning.ruleset === r.document.id).map((f) => f.warning)));
  return { rulesets: reviewed, available: rulesets, profiles, problems };
}

/**
 * A rule set outside the library at the version the library has, with other content: results would name
 * "sins 1.1.0" for content that is not the published 1.1.0 (an edit of a copy, its version not bumped).
 * A warning at its version; the content hash tells them apart, a reader of "1.1.0" would not.
 */
async function reusedVersions(rulesets: readonly LoadedRuleSet[], library: Library): Promise<Problem[]> {
  const outside = rulesets.filter((r) => !library.roots.some((root) => within(r.file, root)));
  const problems: Problem[] = [];
  for (const ruleset of outside) {
    const { id, version } = ruleset.document;
    for (const file of library.files.filter((f) => fileId(f) === id)) {
      const published = await library.load(file);
      if (published?.document.version !== version || published.sha256 === ruleset.sha256) continue;
      problems.push(ruleset.source.problemAt(['version'], 'RULESET_VERSION_REUSED', `${id} ${version} here is not ${file}'s ${id} ${version} (sha256 ${ruleset.sha256.slice(0, 12)}, not ${published.sha256.slice(0, 12)}): give a changed rule set a version of its own, with its changelog entry, so that results naming ${id} ${version} mean one content`, { severity: 'warning' }));
    }
  }
  return problems;
}

/** The library's rule files, listed once, each loaded at most once per loadRuleSets (both uses of it may read the same file). */
interface Library {
  roots: readonly string[];
  files: readonly string[];
  /** The folders of the library that could not be read, once it has been listed. */
  problems: readonly Problem[];
  load(file: string): Promise<LoadedRuleSet | undefined>;
}

function libraryOf(roots: readonly string[]): Library {
  let listed: FolderWalk | undefined;
  const loads = new Map<string, Promise<LoadedRuleSet | undefined>>();
  return {
    roots,
    // Listed only when asked: most loads need nothing from the library.
    get files() {
      return (listed ??= findRuleSetFiles(roots)).files;
    },
    get problems() {
      return listed?.problems ?? [];
    },
    load(file) {
      let load = loads.get(file);
      if (!load) loads.set(file, (load = loadRuleSetFile(file).then((l) => l.ruleset)));
      return load;
    },
  };
}

/** A rule file's id as the library's layout gives it: its name (folder-id.ts). */
const fileId = (file: string): string => basename(file).replace(/\.ya?ml$/, '');

/**
 * The ids of the rule sets a library holds, as its layout names them (serve's CDS card may name one it
 * does not serve), and a problem at each of its folders that could not be read (an id there is not known).
 */
export function libraryIds(roots: readonly string[]): { ids: string[]; problems: Problem[] } {
  const { files, problems } = findRuleSetFiles(roots);
  return { ids: [...new Set(files.map(fileId))], problems };
}

/** Adds, transitively, the library's rule sets that loaded ones require and that were not loaded; returns those added. */
async function addRequirementsFromLibrary(rulesets: LoadedRuleSet[], failed: ReadonlySet<string>, loadedFiles: readonly string[], library: Library): Promise<LoadedRuleSet[]> {
  const missing = (): string[] => {
    const have = new Set([...rulesets.map((r) => r.document.id), ...failed]);
    return [...new Set(rulesets.flatMap((r) => r.document.requires ?? []))].filter((id) => !have.has(id));
  };
  const taken: LoadedRuleSet[] = [];
  if (!library.roots.length || missing().length === 0) return taken;
  const seen = new Set(loadedFiles.map((f) => resolve(f)));
  const candidates: LoadedRuleSet[] = [];
  for (const file of library.files) {
    if (seen.has(resolve(file))) continue;
    const ruleset = await library.load(file);
    if (ruleset) candidates.push(ruleset);
  }
  for (let wanted = missing(); wanted.length; wanted = missing()) {
    const found = candidates.filter((c) => wanted.includes(c.document.id));
    if (!found.length) return taken;
    rulesets.push(...found);
    taken.push(...found);
  }
  return taken;
}

/** The output names a rule file that failed its own checks declares, when its whole `outputs` list reads as names. */
function declaredOutputs(source: SourceDocument): string[] | undefined {
  const outputs = (source.data as { outputs?: unknown } | null | undefined)?.outputs;
  if (!Array.isArray(outputs)) return undefined;
  const names = outputs.map((o: unknown) => (o !== null && typeof o === 'object' && typeof (o as { name?: unknown }).name === 'string' ? (o as { name: string }).name : undefined));
  return names.every((n) => n !== undefined) ? (names as string[]) : undefined;
}

/** The `requires` of a rule file that failed its own checks, as far as it reads as ids ('' for an entry that is none, keeping indexes). */
function requiresOf(source: SourceDocument): string[] {
  const requires = (source.data as { requires?: unknown } | null | undefined)?.requires;
  return Array.isArray(requires) ? requires.map((id) => (typeof id === 'string' ? id : '')) : [];
}
