import type { Problem } from '../problems/problem.js';
import type { PathSegment, SourceDocument } from '../source/source-document.js';
import type { AppliedChange } from './apply-profile.js';
import type { LoadedProfile } from './profile-types.js';
import type { RuleSetDocument } from './types.js';

/**
 * The source of a rule set with a profile applied. A problem inside what a change wrote (a band edge
 * that now leaves a gap, an added component's unknown fact) is reported at that change in the profile
 * file; a problem elsewhere at its place in the base rule file, saying the profile was applied.
 */
export function overlaySource(base: SourceDocument, profile: LoadedProfile, document: RuleSetDocument, applied: readonly AppliedChange[]): SourceDocument {
  const suffix = ` (rule set ${document.id} ${document.version} with profile ${profile.document.profile} ${profile.document.version} applied)`;
  /**
   * A score's bands that no change wrote into can still be at fault because of a change: one that added a
   * component, or changed or disabled a component's alternative, moved the totals the bands must cover.
   * The last such change of that score is where the profile's author can act (or add a set-band change).
   */
  const totalsMovedBy = (path: readonly PathSegment[]): AppliedChange | undefined => {
    if (path[path.length - 1] !== 'bands') return undefined;
    const components = [...path.slice(0, -1), 'components'];
    return [...applied].reverse().find((change) => commonPrefix(change.touched, components) === components.length);
  };
  const changeAt = (path: readonly PathSegment[], key = false): { target: PathSegment[]; atKey: boolean; movedTotals?: boolean } | undefined => {
    let best: { change: AppliedChange; depth: number } | undefined;
    for (const change of applied) {
      const depth = commonPrefix(change.touched, path);
      // The problem lies inside what the change wrote, or the change wrote inside the element at fault.
      if (depth !== change.touched.length && depth !== path.length) continue;
      if (!best || depth > best.depth) best = { change, depth };
    }
    if (!best) {
      const moved = totalsMovedBy(path);
      return moved && { target: moved.written, atKey: false, movedTotals: true };
    }
    const { change } = best;
    // A problem about the element's key (a table row's key, an input's name) is where the change names it.
    if (key && change.keyWritten && path.length === change.touched.length) return { target: change.keyWritten, atKey: true };
    const inside = path.length > change.touched.length ? path.slice(change.touched.length) : [];
    // Within an added element the problem's own position in the profile can be given exactly.
    return { target: change.written.length > 2 && inside.length && isAddition(change, profile) ? [...change.written, ...inside] : change.written, atKey: false };
  };
  return {
    file: base.file,
    data: document,
    problems: [],
    locate: (path, options) => {
      const found = changeAt(path, options?.key);
      if (!found) return base.locate(path, options);
      return profile.source.locate(found.target, found.atKey ? { ...options, key: false } : options);
    },
    scalarAt: (path) => base.scalarAt(path),
    problemAt: (path, code, message, options = {}): Problem => {
      const found = changeAt(path, options.key) ?? (options.also && changeAt(options.also));
      if (!found) return base.problemAt(path, code, message + suffix, options);
      const moved = found.movedTotals ? '; this change moves the score\'s achievable totals, which the published bands do not cover (a set-band change can extend them)' : '';
      return profile.source.problemAt(found.target, code, message + moved + suffix, found.atKey ? { ...options, key: false } : options);
    },
  };
}

function commonPrefix(a: readonly PathSegment[], b: readonly PathSegment[]): number {
  let i = 0;
  while (i < a.length && i < b.length && String(a[i]) === String(b[i])) i++;
  return i;
}

function isAddition(change: AppliedChange, profile: LoadedProfile): boolean {
  return profile.document.changes[change.index]?.op.startsWith('add-') ?? false;
}
