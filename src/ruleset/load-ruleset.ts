import type { Problem, ProblemCode } from '../problems/problem.js';
import { hasErrors } from '../problems/problem.js';
import { problemsOfDocument } from '../source/every-reading.js';
import { documentSchemaProblems } from '../source/schema-problems.js';
import { isPlainObject } from '../source/plain-object.js';
import { fromPointer, lazySourceDocument, parseSource, readSourceText, toPointer, type PathSegment, type SourceDocument } from '../source/source-document.js';
import { checkedRuleSet } from './check-cache.js';
import type { checkSemantics as CheckSemantics } from './check-semantics.js';
import { buildFactModel } from './fact-model.js';
import { allParts, type Part } from './parts.js';
import { isProfileSource, profileAsRuleSet } from './profile-file.js';
import { placedScores } from './score-paths.js';
import type { LoadedRuleSet, RuleSetDocument } from './types.js';

type FactModel = ReturnType<typeof buildFactModel>;

/** Errors that say nothing of the facts, domains or conditions the coverage check runs on. */
const COVERAGE_STILL_SOUND: ReadonlySet<ProblemCode> = new Set<ProblemCode>(['UNKNOWN_REFERENCE', 'BAND_GAP', 'BAND_OVERLAP', 'BAND_OUT_OF_RANGE', 'BAND_LABEL_MISMATCH', 'CHANGELOG_MISSING_VERSION']);

/** Errors that lie within one part's conditions and leave every other part sound. */
const PART_LOCAL: ReadonlySet<ProblemCode> = new Set<ProblemCode>(['VALUE_NOT_IN_DOMAIN', 'UNKNOWN_FACT', 'UNKNOWN_OPERATOR']);

/** Whether the problem at `pointer` lies in the part at `path`. */
function inside(pointer: string | undefined, path: readonly PathSegment[]): boolean {
  const at = toPointer(path);
  return pointer !== undefined && (pointer === at || pointer.startsWith(`${at}/`));
}

export interface RuleSetLoad {
  ruleset?: LoadedRuleSet;
  /** The id the file declares, when it could be read even though the rule set has errors. */
  id?: string;
  /** With `id`: the document as read, so that what links it to other rule sets (requires) is still checked. */
  source?: SourceDocument;
  /** Every problem found; warnings may accompany a loaded rule set, errors never do. */
  problems: Problem[];
}

export async function loadRuleSetFile(file: string): Promise<RuleSetLoad> {
  const text = readSourceText(file);
  if (typeof text === 'string') {
    const checked = checkedRuleSet(text);
    if (checked) return { ruleset: { ...assemble(checked.document, lazySourceDocument(text, file)), sha256: checked.sha256 }, problems: [] };
  }
  const source = typeof text === 'string' ? parseSource(text, file) : text;
  if (isProfileSource(source)) return { problems: [profileAsRuleSet(source)] };
  const load = await loadRuleSetSource(source);
  const id = source.scalarAt(['id']);
  return typeof id === 'string' && !load.ruleset ? { ...load, id, source } : load;
}

/**
 * Parse → JSON Schema → names and domains → exhaustive coverage. Name and domain checks run even when
 * the schema fails, and both on each value of a repeated key, so an author sees every problem at once;
 * coverage runs on every part that is sound and reads nothing a broken part decides.
 */
export async function loadRuleSetSource(source: SourceDocument): Promise<RuleSetLoad> {
  if (source.data === undefined) return { problems: source.problems };
  // The checks load with the first file that needs them: a bundled file checked at build time does not.
  const [{ checkSemantics }, { checkCoverage }, { contentHash }] = await Promise.all([import('./check-semantics.js'), import('./check-coverage.js'), import('./hash.js')]);
  const document = source.data as RuleSetDocument;
  // The fact model the checks build for the document (when its schema passes) is the one assembled.
  let facts: FactModel | undefined;
  const factsOf = (read: RuleSetDocument): FactModel => (read === document ? (facts ??= buildFactModel(read)) : buildFactModel(read));
  const semantic = problemsOfDocument(source, (reading) => documentProblems(checkSemantics, reading, factsOf));
  // Coverage needs sound facts and conditions; errors only in citations, bands or the changelog leave
  // them so, and the author then sees a component's gap in the same run as a band's. A mistake inside
  // one component, classification or recommendation (a misspelt value, an unknown fact) leaves the
  // others sound: they are still checked, so one typo does not hide another part's gap.
  // The same holds of the schema's problems within one part (a condition without its value, an
  // alternative without its label): that part, and what reads its outcome, wait; the others are checked.
  // A problem in one input's, derived fact's or table's declaration puts those facts in doubt, and only
  // the parts reading them wait.
  const blocking = semantic.filter((p) => p.severity === 'error' && !COVERAGE_STILL_SOUND.has(p.code) && !inCitations(p.path));
  const inDoubt = new Set<string>();
  const inParts: Problem[] = [];
  for (const problem of blocking) {
    const declared = declaredFacts(problem.path, document);
    if (declared) declared.forEach((fact) => inDoubt.add(fact));
    else if (PART_LOCAL.has(problem.code) || problem.code.startsWith('SCHEMA_')) inParts.push(problem);
    else return { problems: semantic };
  }
  const schemaValid = !semantic.some((p) => p.code.startsWith('SCHEMA_'));
  const draft = schemaValid ? assemble(document, source, factsOf(document)) : assembleInvalid(document, source);
  if (!draft) return { problems: semantic };
  const broken = new Set(inParts.map((p) => draft.parts.find((part) => inside(p.path, part.path))));
  if (broken.has(undefined)) return { problems: semantic };
  const checkable = soundParts(broken as Set<Part>, inDoubt, draft);
  const coverage = await checkCoverage(checkable.length === draft.parts.length ? draft : { ...draft, parts: checkable }, source);
  const problems = [...semantic, ...coverage];
  if (hasErrors(problems)) return { problems };
  return { ruleset: { ...draft, sha256: contentHash(document) }, problems };
}

/**
 * Citations, the changelog and words for the reader (a reference key, a label, a text): a schema problem
 * there leaves every part's conditions and domains sound.
 */
function inCitations(pointer: string | undefined): boolean {
  return pointer !== undefined && (/^\/(references|changelog)(\/|$)/.test(pointer) || /\/(reference|label|text|description|note|title|unconfirmed)$/.test(pointer));
}

/** A document the schema rejected, assembled as far as it reads (undefined where its shapes cannot be). */
function assembleInvalid(document: RuleSetDocument, source: SourceDocument): Omit<LoadedRuleSet, 'sha256'> | undefined {
  try {
    return assemble(document, source);
  } catch {
    return undefined;
  }
}

/**
 * The facts whose declaration holds the problem at `pointer`: an input, a derived fact, or a table (every
 * derived fact looking it up); undefined for a problem anywhere else.
 */
function declaredFacts(pointer: string | undefined, document: RuleSetDocument): string[] | undefined {
  const [section, name] = pointer === undefined ? [] : fromPointer(pointer);
  if (typeof name !== 'string') return undefined;
  if (section === 'inputs' || section === 'derived') return [name];
  if (section !== 'tables') return undefined;
  // The schema may have rejected the document: read its derived facts as far as they are mappings.
  const derived: unknown = document.derived;
  return isPlainObject(derived) ? Object.keys(derived).filter((fact) => isPlainObject(derived[fact]) && derived[fact].lookup === name) : [];
}

/**
 * The inputs and derived facts not in doubt. A derived fact's values are its table's image of its key's
 * (the coverage check reads them so), so it is in doubt with its key or its override input, and when
 * its lookup names no table the file has (a table's name line deleted reads its keys as tables).
 */
function soundFacts(inDoubt: ReadonlySet<string>, facts: LoadedRuleSet['facts'], document: RuleSetDocument): Set<string> {
  const tables: unknown = document.tables;
  const sound = new Set<string>();
  for (const { name, kind } of facts.values()) {
    if (inDoubt.has(name)) continue;
    if (kind === 'input') sound.add(name);
    if (kind !== 'derived') continue;
    const derived: unknown = document.derived?.[name];
    if (!isPlainObject(derived) || !isPlainObject(tables)) continue;
    const { key, override, lookup } = derived;
    const doubted = (fact: unknown): boolean => typeof fact === 'string' && inDoubt.has(fact);
    if (!doubted(key) && !doubted(override) && typeof lookup === 'string' && isPlainObject(tables[lookup]) && Array.isArray(tables[lookup].values)) sound.add(name);
  }
  return sound;
}

/**
 * The parts that are not broken and read only what sound sources decide: the inputs and derived facts
 * not in doubt, a score all of whose components are sound, a classification that is sound. A part reading what
 * a broken part decides, or a name no sound part gives (a classification whose own id is in doubt),
 * waits with it: its domains are not what the file means.
 */
function soundParts(broken: ReadonlySet<Part>, inDoubt: ReadonlySet<string>, { parts, facts, document }: Pick<LoadedRuleSet, 'parts' | 'facts' | 'document'>): Part[] {
  const known = soundFacts(inDoubt, facts, document);
  const sound = new Set<Part>();
  const scoreSound = (score: string): boolean => parts.every((p) => p.kind !== 'component' || p.group !== score || sound.has(p));
  for (let grew = true; grew; ) {
    grew = false;
    for (const part of parts) {
      if (sound.has(part) || broken.has(part) || ![...part.facts, ...(part.firstOf ?? [])].every((fact) => known.has(fact))) continue;
      sound.add(part);
      grew = true;
      if (part.kind === 'classification') known.add(part.id);
      if (part.kind === 'component' && scoreSound(part.group)) known.add(part.group);
    }
  }
  return parts.filter((part) => sound.has(part));
}

/** The schema's problems, and those of names and domains (on a document the schema rejected, as far as they can read it). */
function documentProblems(checkSemantics: typeof CheckSemantics, source: SourceDocument, factsOf: (document: RuleSetDocument) => FactModel): Problem[] {
  const document = source.data as RuleSetDocument;
  const schema = documentSchemaProblems(source, 'ruleset');
  if (schema.length) return [...schema, ...semanticProblemsOfInvalid(checkSemantics, document, source, schema)];
  return checkSemantics(document, factsOf(document), source);
}

/** A rule set as the engine uses it, from its document: the facts, the parts and the scores. */
function assemble(document: RuleSetDocument, source: SourceDocument, facts = buildFactModel(document)): Omit<LoadedRuleSet, 'sha256'> {
  return { document, file: source.file, source, facts, parts: allParts(document), scores: placedScores(document).map((p) => p.score) };
}

/**
 * On a document the schema rejected, the name checks may meet shapes they cannot read (`firstOf: 7`):
 * each element's check gives up alone (lenient), so a value of the wrong type in one place hides no
 * mistake in another. Where what every check reads first (the parts, the fact model) cannot be built,
 * they are run again on the document without the keys holding what the schema rejected; only if that
 * fails too is nothing more said than the schema's problems.
 */
function semanticProblemsOfInvalid(checkSemantics: typeof CheckSemantics, document: RuleSetDocument, source: SourceDocument, schema: readonly Problem[]): Problem[] {
  for (const read of [() => document, () => withoutRejected(document, schema)]) {
    try {
      const readable = read();
      return checkSemantics(readable, buildFactModel(readable), source, true);
    } catch {
      // Read again without the rejected values, or give up (below).
    }
  }
  return [];
}

/**
 * A copy of `document` without the object key nearest each rejected value (an array's entries keep their
 * places, so every other problem keeps its path): `/classifications/2/firstOf/1` drops that `firstOf`.
 */
function withoutRejected(document: RuleSetDocument, schema: readonly Problem[]): RuleSetDocument {
  const copy = structuredClone(document);
  for (const problem of schema) {
    const path = problem.path ? fromPointer(problem.path) : [];
    let holder: unknown;
    let key: PathSegment | undefined;
    let node: unknown = copy;
    for (const segment of path) {
      if (isPlainObject(node)) [holder, key] = [node, segment];
      node = (node as Record<PathSegment, unknown> | undefined)?.[segment];
      if (node === undefined || node === null) break;
    }
    if (isPlainObject(holder) && key !== undefined) delete holder[String(key)];
  }
  return copy;
}
