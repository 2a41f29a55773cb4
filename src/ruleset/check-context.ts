import type { Problem } from '../problems/problem.js';
import { closest } from '../source/closest.js';
import type { PathSegment, SourceDocument } from '../source/source-document.js';
import type { RuleSetDocument } from './types.js';

/** What every semantic check needs: the document, and a way to record a problem at a place in it. */
export interface CheckContext {
  doc: RuleSetDocument;
  /** `also`: the other place the problem lies, where a profile change may have written it. */
  at(path: PathSegment[], code: Problem['code'], message: string, key?: boolean, also?: PathSegment[]): void;
  /** Records a warning: the rule set still loads. */
  warn(path: PathSegment[], code: Problem['code'], message: string): void;
  /** Records UNKNOWN_REFERENCE when `id` is not a key of `references`. */
  reference(id: string | undefined, path: PathSegment[]): void;
  /**
   * Runs one check of one element (an input, a table, a part, a band). On a document the schema rejected
   * (`lenient`), a shape the check cannot read (`firstOf: 7`, `when: 3`) ends that check alone: the schema
   * has said why, and every other element is still checked. On a valid document nothing is caught.
   */
  guard(check: () => void): void;
}

export function checkContext(doc: RuleSetDocument, source: SourceDocument, problems: Problem[], lenient = false): CheckContext {
  const at: CheckContext['at'] = (path, code, message, key = false, also) => problems.push(source.problemAt(path, code, message, also ? { key, also } : { key }));
  return {
    doc,
    at,
    warn: (path, code, message) => problems.push(source.problemAt(path, code, message, { severity: 'warning' })),
    reference(id, path) {
      if (id !== undefined && !doc.references[id]) at(path, 'UNKNOWN_REFERENCE', `reference "${id}" is not in references${hintFrom(id, Object.keys(doc.references))}`);
    },
    guard(check) {
      if (!lenient) return check();
      try {
        check();
      } catch {
        // The schema's problem at this element stands for it.
      }
    },
  };
}

/** `; did you mean "…"?` for the candidate closest to `word`, or nothing; `field`: the field `word` is a value of (closest). */
export function hintFrom(word: string, candidates: readonly string[], field?: string): string {
  const hint = closest(word, candidates, field);
  return hint ? `; did you mean "${hint}"?` : '';
}
