import type { Problem } from '../problems/problem.js';
import { closest } from '../source/closest.js';
import { toPointer, type PathSegment } from '../source/source-document.js';
import { profileName, type LoadedProfile, type ProfileReviewWarning } from './profile-types.js';
import { changeReferenceProblem, citeUncitedChange, mergeProfileReferences } from './profile-references.js';
import { findRule, ruleNames } from './rule-paths.js';
import { placedScores } from './score-paths.js';
import type { Condition, ProfileMark, RuleSetDocument, TableRow } from './types.js';
import { citationOf } from './citation.js';

export interface AppliedChange {
  /** Index of the change in the profile's `changes`. */
  index: number;
  /** Where in the patched rule set the change wrote; problems found there are reported at the change. */
  touched: PathSegment[];
  /** The profile path that holds what was written at `touched` (an added component's own YAML). */
  written: PathSegment[];
  /** The profile path that names `touched`'s key (a table row's `key`, an added input's `input`), for a problem about the key. */
  keyWritten?: PathSegment[];
}

export interface ProfileApplication {
  document: RuleSetDocument;
  applied: AppliedChange[];
  problems: Problem[];
  /** Wording of a changed element still naming the value replaced: for the evaluations, as the review's (review-profiles.ts). */
  stale: ProfileReviewWarning[];
}

type Element = Record<string, unknown>;

/**
 * Applies a profile's changes for one rule set to a copy of its document. Every changed or added
 * element carries a mark (profile, change, reason, author and, for an override, the base values), so
 * the patched document — which is what gets hashed, stored with decision records and evaluated —
 * says by itself what the institution changed. Whether the result still holds together (bands
 * without gaps, reachable alternatives, known facts) is checked afterwards like any rule file.
 */
export function applyProfile(base: RuleSetDocument, profile: LoadedProfile): ProfileApplication {
  const document = structuredClone(base);
  const { source } = profile;
  const problems: Problem[] = [];
  const applied: AppliedChange[] = [];
  const staleWords: ProfileReviewWarning[] = [];
  document.profile = {
    id: profile.document.profile,
    version: profile.document.version,
    title: profile.document.title,
    institution: profile.document.institution,
    sha256: profile.sha256,
  };
  problems.push(...mergeProfileReferences(document, profile));

  profile.document.changes.forEach((change, index) => {
    if (change.ruleset !== base.id) return;
    const unknownReference = changeReferenceProblem(document, profile, index);
    if (unknownReference) problems.push(unknownReference);
    const at = (...path: PathSegment[]): PathSegment[] => ['changes', index, ...path];
    const fail = (field: PathSegment, message: string, candidates: readonly string[] = [], wanted = ''): void => {
      const hint = closest(wanted, candidates);
      problems.push(source.problemAt(at(field), 'PROFILE_UNKNOWN_TARGET', `${message}${hint ? `; did you mean "${hint}"?` : ''}`));
    };
    const mark = (base?: Element): ProfileMark => ({
      profile: profileName(profile),
      change: change.id,
      op: change.op,
      reason: change.reason,
      author: change.author,
      ...(base ? { base } : {}),
    });
    // A value the institution wrote without a source must not keep the published element's citation:
    // it cites the change itself and is marked unconfirmed, so every result that rests on it says so.
    // What it replaced stays in the mark beside the published value: the published citation (as its
    // text: the advice a set-condition leaves still rests on it; an alternative's or row's own, else the
    // one it takes from its component, classification or table) and the published note.
    const cite = (element: Element, inherited?: string): void => {
      const published = { reference: element.reference ?? inherited, unconfirmed: element.unconfirmed };
      if (change.reference) element.reference = change.reference;
      const uncited = change.reference ? undefined : citeUncitedChange(document, profile, index);
      if (uncited) {
        element.reference = uncited.reference;
        problems.push(uncited.problem);
      }
      const unconfirmed = change.unconfirmed ?? uncited?.unconfirmed;
      if (unconfirmed) element.unconfirmed = unconfirmed;
      const base = (element.overridden as ProfileMark | undefined)?.base;
      if (!base) return;
      if (typeof published.reference === 'string' && element.reference !== published.reference) base.reference = citationOf(document, published.reference);
      if (published.unconfirmed !== undefined && element.unconfirmed !== published.unconfirmed) base.unconfirmed = published.unconfirmed;
    };
    const claim = (element: Element, key: 'overridden' | 'added' | 'disabled', value: ProfileMark, field: PathSegment): boolean => {
      const previous = (element.overridden ?? element.disabled) as ProfileMark | undefined;
      if (previous) {
        problems.push(source.problemAt(at(field), 'PROFILE_DUPLICATE_TARGET', `change "${previous.change}" already changes this element; make it one change`));
        return false;
      }
      element[key] = value;
      return true;
    };
    // The published wording often names the number a change replaces ("Unstable (SINS 13-18)"); kept
    // unchanged it would contradict the result it labels, so say so unless the change rewords it. A
    // change that gives the value already there (keeping a threshold on purpose) replaces nothing.
    const wording: { label?: string; text?: string } = change.op === 'set-condition' ? { label: change.label, text: change.text } : change.op === 'set-band' ? { label: change.label } : {};
    // So does a published `unconfirmed` note ("over 55 years here is not verified"), which the element
    // keeps unless the change gives its own (an uncited change always does: it is marked so).
    const given = { ...wording, unconfirmed: change.reference ? change.unconfirmed : 'uncited' };
    const checkWording = (element: Element, elementPath: PathSegment[], replaced: unknown, replacement: unknown, field: PathSegment): void => {
      if (typeof replaced !== 'number' || replaced === replacement) return;
      const number = new RegExp(`(?<![\\d.])${String(replaced).replace('.', '\\.')}(?!\\d|\\.\\d)`);
      const stale = (['label', 'text', 'unconfirmed'] as const).filter((key) => {
        const published = element[key];
        return typeof published === 'string' && number.test(published) && given[key] === undefined;
      });
      if (!stale.length) return;
      const named = stale.map((key) => `the ${key === 'unconfirmed' ? 'unconfirmed note' : key} "${String(element[key])}"`).join(' and ');
      const give = stale.map((key) => (key === 'unconfirmed' ? 'an unconfirmed note' : `a ${key}`)).join(' and ');
      const names = stale.length > 1 ? 'name' : 'names';
      problems.push(source.problemAt(at(field), 'PROFILE_STALE_LABEL', `${named} ${names} ${String(replaced)}, the value this change replaces; give the change ${give} that says the new value`, { severity: 'warning' }));
      // The reader of a result is told too: the words stand beside a result computed with the new value.
      staleWords.push({ code: 'PROFILE_STALE_LABEL', ruleset: base.id, profile: profileName(profile), change: change.id, at: toPointer(elementPath), message: `${named} ${names} ${String(replaced)}, which change "${change.id}" of institution profile ${profileName(profile)} replaced with ${String(replacement)}: the words are the published ones, the result follows the profile` });
    };
    // A new label or text replaces the published one, which the mark keeps beside the value replaced.
    const reworded = (element: Element): Element => {
      const published: Element = {};
      if (wording.label !== undefined) published.label = element.label;
      if (wording.text !== undefined) published.text = element.text;
      return published;
    };
    const reword = (element: Element): void => {
      if (wording.label !== undefined) element.label = wording.label;
      if (wording.text !== undefined) element.text = wording.text;
    };
    const record = (touched: PathSegment[], written: PathSegment[], keyWritten?: PathSegment[]): void => {
      applied.push({ index, touched, written: at(...written), ...(keyWritten ? { keyWritten: at(...keyWritten) } : {}) });
    };

    switch (change.op) {
      case 'set-points':
      case 'set-condition':
      case 'disable-rule': {
        const rule = findRule(document, change.rule);
        if (!rule) return fail('rule', `rule set ${base.id} has no rule "${change.rule}"`, ruleNames(document), change.rule);
        if (change.op === 'set-points') {
          if (rule.kind !== 'component') return fail('rule', `"${change.rule}" is a ${rule.kind} rule; only a component's alternatives have points`);
          if (!claim(rule.element, 'overridden', mark({ points: rule.element.points }), 'points')) return;
          rule.element.points = change.points;
          cite(rule.element, rule.inheritedReference);
          return record([...rule.path, 'points'], ['points']);
        }
        if (change.op === 'disable-rule') {
          if (!claim(rule.element, 'disabled', mark(), 'rule')) return;
          return record(rule.path, ['rule']);
        }
        const conditionPath = change.at === '' ? [] : change.at.split('/').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
        const leaf = conditionAt(rule.element.when as Condition, conditionPath);
        if (!leaf) return fail('at', `rule "${change.rule}" has no single fact test at "${change.at}" (give the position the trace shows, e.g. all/1)`);
        if (!claim(rule.element, 'overridden', mark({ condition: { at: change.at, fact: leaf.fact, operator: leaf.operator, value: leaf.value }, ...reworded(rule.element) }), 'value')) return;
        checkWording(rule.element, rule.path, leaf.value, change.value, 'value');
        leaf.value = change.value;
        reword(rule.element);
        cite(rule.element, rule.inheritedReference);
        return record([...rule.path, 'when', ...conditionPath], ['value']);
      }
      case 'set-band': {
        const scoreId = change.score ?? base.id;
        const placed = placedScores(document).find((p) => p.score.id === scoreId);
        if (!placed) return fail('score', `rule set ${base.id} has no score "${scoreId}"`, placedScores(document).map((p) => p.score.id), scoreId);
        const container = placed.path[0] === 'score' ? document.score : document.subscores?.[placed.path[1] as number];
        const bands = container?.bands ?? [];
        const index = bands.findIndex((b) => b.category === change.category);
        const band = bands[index];
        if (!band) return fail('category', `score "${scoreId}" has no band "${change.category}"`, bands.map((b) => b.category), change.category);
        const replaced: Element = {};
        if (change.min !== undefined) replaced.min = band.min;
        if (change.max !== undefined) replaced.max = band.max;
        if (!claim(band as unknown as Element, 'overridden', mark({ ...replaced, ...reworded(band as unknown as Element) }), change.min !== undefined ? 'min' : 'max')) return;
        const bandPath = [...placed.path, 'bands', index];
        if (change.min !== undefined) checkWording(band as unknown as Element, bandPath, band.min, change.min, 'min');
        if (change.max !== undefined) checkWording(band as unknown as Element, bandPath, band.max, change.max, 'max');
        if (change.min !== undefined) band.min = change.min;
        if (change.max !== undefined) band.max = change.max;
        reword(band as unknown as Element);
        cite(band as unknown as Element);
        // Each edge given is written at its own field: a gap or overlap at the edge the change moved is not
        // placed at the other edge it restates as published.
        for (const edge of ['min', 'max'] as const) if (change[edge] !== undefined) record([...bandPath, edge], [edge]);
        return;
      }
      case 'set-table': {
        const table = document.tables?.[change.table];
        if (!table) return fail('table', `rule set ${base.id} has no table "${change.table}"`, Object.keys(document.tables ?? {}), change.table);
        const existing = table.rows[change.key];
        const { possible: _possible, value: _value, ...kept } = typeof existing === 'object' ? existing : {};
        // A row that left the key between values (`possible`) is decided by the institution: its published values are kept in the mark.
        const published = existing === undefined ? undefined : typeof existing === 'string' ? { value: existing } : existing.possible ? { possible: existing.possible } : { value: existing.value };
        // The source left the key between some values: one outside them is not a reading of the source but a departure from it.
        if (typeof existing === 'object' && existing.possible && !existing.possible.includes(change.value)) {
          problems.push(source.problemAt(at('value'), 'PROFILE_OUTSIDE_PUBLISHED', `the published row leaves ${change.key} between ${existing.possible.join(' and ')}; ${change.value} is outside them, a departure from the source rather than a choice among its values`, { severity: 'warning' }));
        }
        const row: TableRow = { ...kept, value: change.value, ...(published ? { overridden: mark(published) } : { added: mark() }) };
        cite(row as unknown as Element, table.reference);
        table.rows[change.key] = row;
        return record(['tables', change.table, 'rows', change.key], ['value'], ['key']);
      }
      case 'add-input': {
        if (document.inputs[change.input]) return fail('input', `rule set ${base.id} already has an input "${change.input}"`);
        document.inputs[change.input] = { ...change.spec, added: mark() };
        return record(['inputs', change.input], ['spec'], ['input']);
      }
      case 'add-component': {
        const scoreId = change.score ?? base.id;
        const placed = placedScores(document).find((p) => p.score.id === scoreId);
        if (!placed) return fail('score', `rule set ${base.id} has no score "${scoreId}"`, placedScores(document).map((p) => p.score.id), scoreId);
        const container = placed.path[0] === 'score' ? document.score : document.subscores?.[placed.path[1] as number];
        if (!container) return;
        container.components.push({ ...change.component, added: mark() });
        return record([...placed.path, 'components', container.components.length - 1], ['component']);
      }
      case 'add-recommendation': {
        const recommendations = (document.recommendations ??= []);
        recommendations.push({ ...change.recommendation, added: mark() });
        return record(['recommendations', recommendations.length - 1], ['recommendation']);
      }
    }
  });
  return { document, applied, problems, stale: staleWords };
}

/** The fact test at `path` inside a condition (`all`, 1, ...), or undefined when there is none. */
function conditionAt(when: Condition, path: readonly PathSegment[]): { fact: string; operator: string; value: unknown } | undefined {
  let node: unknown = when;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node && typeof node === 'object' && 'fact' in node ? (node as { fact: string; operator: string; value: unknown }) : undefined;
}

