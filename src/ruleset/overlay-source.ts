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
  const changeAt = (path: readonly PathSegment[]): PathSegment[] | undefined => {
    let best: { change: AppliedChange; depth: number } | undefined;
    for (const change of applied) {
      const depth = commonPrefix(change.touched, path);
      // The problem lies inside what the change wrote, or the change wrote inside the element at fault.
      if (depth !== change.touched.length && depth !== path.length) continue;
      if (!best || depth > best.depth) best = { change, depth };
    }
    if (!best) return undefined;
    const inside = path.length > best.change.touched.length ? path.slice(best.change.touched.length) : [];
    // Within an added element the problem's own position in the profile can be given exactly.
    return best.change.written.length > 2 && inside.length && isAddition(best.change, profile) ? [...best.change.written, ...inside] : best.change.written;
  };
  return {
    file: base.file,
    data: document,
    problems: [],
    locate: (path, options) => {
      const target = changeAt(path);
      return target ? profile.source.locate(target, options) : base.locate(path, options);
    },
    scalarAt: (path) => base.scalarAt(path),
    problemAt: (path, code, message, options = {}): Problem => {
      const target = changeAt(path);
      if (!target) return base.problemAt(path, code, message + suffix, options);
      return profile.source.problemAt(target, code, message + suffix, options);
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
