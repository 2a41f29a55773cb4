import { readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Patient } from '../patient/load-patient.js';
import type { Problem } from '../problems/problem.js';
import { hasErrors } from '../problems/problem.js';
import { walkFiles } from '../source/folder-walk.js';
import { isCaseFile, isRuleSetFile } from '../ruleset/load-rulesets.js';
import { problemsOfDocument } from '../source/every-reading.js';
import { documentSchemaProblems, schemaProblems } from '../source/schema-problems.js';
import { validator } from '../source/schemas.js';
import { readSourceFile, type PathSegment, type SourceDocument } from '../source/source-document.js';

export interface Expectation {
  score?: number | null;
  range?: [number, number] | null;
  category?: string | null;
  possibleCategories?: string[];
  components?: Record<string, number | null>;
  subscores?: Record<string, number | null>;
  missing?: string[];
  fired?: string[];
  warnings?: string[];
  classifications?: Record<string, string | null>;
  recommendations?: string[];
  possibleRecommendations?: string[];
  /** Profile change ids that touched the result. */
  overrides?: string[];
}

export interface TestCase {
  ruleset: string;
  name: string;
  file: string;
  line: number;
  /** The case's place in its file's `cases`, and where a path of the file stands in it (for positioned problems). */
  index: number;
  locate: SourceDocument['locate'];
  patient: Patient;
  lesionIndex: number;
  expect: Expectation;
}

export interface Supersession {
  case: string;
  reason: string;
  file: string;
  line: number;
  column: number;
}

interface CaseDocument {
  ruleset: string;
  supersedes?: Array<{ case: string; reason: string }>;
  cases: Array<{ name: string; patient?: Patient; lesion?: Patient; lesionIndex?: number; expect: Expectation }>;
}

/**
 * Test-case files under the given files or folders; for a rule file, the case files beside it
 * (`sins.yaml` → `sins.test.yaml`). Each file once, however often it is reached. A folder that cannot be
 * read is passed over: the rule sets are read from the same folders, and their loader says so there.
 */
export function findCaseFiles(paths: readonly string[]): string[] {
  const files = paths.flatMap((path) => (isRuleSetFile(path) ? caseFilesBeside(path) : walkFiles(path, isCaseFile).files));
  return [...new Map(files.map((file) => [resolve(file), file])).values()];
}

/**
 * The paths of a `test` or `validate` run, with the case files of the profiles given (`--profile`) set
 * apart: those are the profile's cases, run on the rule sets the profile applies to (the bundled ones
 * unless other paths are given), not a rule folder's. Without other paths the run reads the bundled rules.
 */
export function runPaths(paths: readonly string[], profiles: readonly string[], bundled: string): RunPaths {
  const beside = new Set(profiles.flatMap(caseFilesBeside).map((file) => resolve(file)));
  // Beside a profile given, or (copied, renamed) in a folder that holds no rule set: the profile's cases.
  const ofProfile = (path: string): boolean => beside.has(resolve(path)) || (profiles.length > 0 && isCaseFile(path) && !holdsRuleSet(dirname(path)));
  const profileCases = paths.filter(ofProfile);
  const rest = paths.filter((path) => !ofProfile(path));
  return { roots: rest.length ? rest : [bundled], profileCases, profileCasesOnly: profileCases.length > 0 && rest.length === 0 };
}

export interface RunPaths {
  /** Where rule sets and their cases are read (the bundled rules when only profile cases were given). */
  roots: string[];
  /** Profile case files named on the command line. */
  profileCases: string[];
  /** Only profile case files were named: those cases run, the base ones are read for the names they supersede. */
  profileCasesOnly: boolean;
}

/** A folder with a rule file in it: a YAML file that is neither test cases nor a profile (`*.profile.yaml`). */
function holdsRuleSet(folder: string): boolean {
  try {
    return readdirSync(folder).some((name) => isRuleSetFile(name) && !/\.profile\.ya?ml$/.test(name));
  } catch {
    return false; // an unreadable folder: its case file is reported unreadable by its loader
  }
}

/** Where to find the rule sets for `paths`: a case file given alone stands for the rule folder it sits in. */
export function ruleRootsOf(paths: readonly string[]): string[] {
  return [...new Set(paths.map((path) => (isCaseFile(path) ? dirname(path) : path)))];
}

/**
 * A rule file's or profile's cases sit beside it: `hospital.profile.yaml` → `hospital.profile.test.yaml`,
 * and for a profile one file per further rule set it affects, e.g. `hospital.profile.lmnop.test.yaml`.
 */
export function caseFilesBeside(file: string): string[] {
  const stem = basename(file).replace(/\.ya?ml$/, '');
  const folder = dirname(file);
  const ours = (name: string): boolean => name.startsWith(`${stem}.`) && /^(\.[a-z0-9-]+)?\.test\.ya?ml$/.test(name.slice(stem.length));
  try {
    return readdirSync(folder).filter(ours).sort().map((name) => join(folder, name));
  } catch {
    return []; // an unreadable rule file or profile is reported by its loader
  }
}

/**
 * Reads one case file; every case's patient is checked against the patient contract where it stands
 * in the file (a `lesion:` shorthand becomes a patient with that one lesion). A case the schema rejects,
 * or whose patient breaks the contract, is left out, the others run; a file the schema rejects outside
 * its cases and supersessions, or one with a repeated key (which of its values was meant?), runs none.
 */
export function loadCaseFile(file: string): { cases: TestCase[]; unrunnable: TestCase[]; supersedes: Supersession[]; problems: Problem[]; invalid: InvalidCases } {
  const source = readSourceFile(file);
  const data = source.data as { ruleset?: unknown; cases?: unknown } | null | undefined;
  // Named by the file's rule set when it reads as one, so that a partial re-run (watch) counts them too.
  const invalid = (count: number): InvalidCases => ({ file, ...(typeof data?.ruleset === 'string' ? { ruleset: data.ruleset } : {}), count });
  if (source.data === undefined) return { cases: [], unrunnable: [], supersedes: [], problems: source.problems, invalid: { ...invalid(0), unread: true } };
  // Each check runs once: the reading the data holds reuses it; only another reading of a repeated key checks anew.
  const checked = checkCaseFile(source);
  const problems = problemsOfDocument(source, (reading) => (reading === source ? checked : checkCaseFile(reading)).problems);
  // Cases left out are counted, so that a tally never reads as if the file held only those that ran.
  const written = Array.isArray(data?.cases) ? data.cases.length : 0;
  // A file with no list of cases to count (empty, or `case:` for `cases:`) is not read, as one that is not YAML.
  if (hasErrors(source.problems) || !checked.patients) return { cases: [], unrunnable: [], supersedes: [], problems, invalid: Array.isArray(data?.cases) ? invalid(written) : { ...invalid(0), unread: true } };
  const doc = source.data as CaseDocument;
  const asCase = (c: CaseDocument['cases'][number], i: number, patient: Patient): TestCase => ({ ruleset: doc.ruleset, name: c.name, file, line: source.locate(['cases', i]).line, index: i, locate: source.locate, patient, lesionIndex: c.lesionIndex ?? 0, expect: c.expect });
  const cases = doc.cases.flatMap((c, i): TestCase[] => {
    const patient = checked.patients?.[i];
    return patient ? [asCase(c, i, patient)] : [];
  });
  // A case whose patient the contract rejects does not run, but what it expects still names rules: those are checked too.
  const unrunnable = doc.cases.flatMap((c, i): TestCase[] => (checked.patients?.[i] || checked.badCases?.has(i) ? [] : [asCase(c, i, {})]));
  const supersedes = (doc.supersedes ?? []).flatMap((s, i) => (checked.badSupersessions?.has(i) ? [] : [{ ...s, file, ...source.locate(['supersedes', i, 'case']) }]));
  return { cases, unrunnable, supersedes, problems, invalid: invalid(written - cases.length) };
}

/** How many cases of a file were left out for their problems, and the rule set the file names (when it reads as one). */
export interface InvalidCases {
  file: string;
  ruleset?: string;
  count: number;
  /** The file does not read as YAML: how many cases it holds is not known, and the tally says so. */
  unread?: true;
}

/**
 * The cases schema's problems, else each case's patient's, placed where the case writes it, and a case
 * name used twice (supersedes and the test output name cases, so one name must be one case). With
 * them, each case's patient when it keeps the contract (`undefined` for one that does not), or no
 * patients at all when the schema rejects the file.
 */
function checkCaseFile(source: SourceDocument): { problems: Problem[]; patients?: Array<Patient | undefined>; badCases?: ReadonlySet<number>; badSupersessions?: ReadonlySet<number> } {
  const schema = documentSchemaProblems(source, 'cases');
  // A mistake inside one case (or one supersession) leaves that one out; the others are still checked and run.
  const within = (p: Problem): { list: string; index: number } | undefined => {
    const match = /^\/(cases|supersedes)\/(\d+)(?:\/|$)/.exec(p.path ?? '');
    return match ? { list: match[1] as string, index: Number(match[2]) } : undefined;
  };
  if (schema.some((p) => !within(p))) return { problems: schema };
  const badCases = new Set(schema.flatMap((p) => (within(p)?.list === 'cases' ? [within(p)?.index as number] : [])));
  const badSupersessions = new Set(schema.flatMap((p) => (within(p)?.list === 'supersedes' ? [within(p)?.index as number] : [])));
  const doc = source.data as CaseDocument;
  const validatePatient = validator('patient');
  const named = new Set<string>();
  const problems: Problem[] = [...schema];
  doc.cases.forEach((c, i) => {
    if (badCases.has(i)) return;
    if (named.has(c.name)) problems.push(source.problemAt(['cases', i, 'name'], 'DUPLICATE_ID', `another case of this file is named "${c.name}"`));
    named.add(c.name);
  });
  const patients = doc.cases.map((c, i) => {
    if (badCases.has(i)) return undefined;
    const patient = casePatient(c);
    if (validatePatient(patient)) return patient;
    const toSource = (path: PathSegment[]): PathSegment[] =>
      c.lesion && path[0] === 'lesions' && path[1] === 0 ? ['cases', i, 'lesion', ...path.slice(2)] : ['cases', i, 'patient', ...path];
    problems.push(...schemaProblems(validatePatient.errors ?? [], source, toSource));
    return undefined;
  });
  return { problems, patients, badCases, badSupersessions };
}

function casePatient(c: CaseDocument['cases'][number]): Patient {
  return { ...(c.patient ?? {}), ...(c.lesion ? { lesions: [c.lesion] } : {}) };
}
