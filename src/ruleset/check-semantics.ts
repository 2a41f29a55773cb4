import type { Problem } from '../problems/problem.js';
import type { SourceDocument } from '../source/source-document.js';
import { checkContext, hintFrom } from './check-context.js';
import { checkInputs } from './check-inputs.js';
import { checkParts } from './check-parts.js';
import type { FactInfo } from './fact-model.js';
import { mayBeUnreadableOutput, outputNames } from './outputs.js';
import type { RuleSetDocument } from './types.js';

/**
 * Checks what JSON Schema cannot, within one rule file: that names resolve (facts, tables, references,
 * patient fields), that values lie in their facts' domains, that ids are unique, that bands tile the
 * achievable totals and that declared outputs exist. Checks across files are in check-links.
 */
export function checkSemantics(doc: RuleSetDocument, facts: ReadonlyMap<string, FactInfo>, source: SourceDocument, lenient = false): Problem[] {
  const problems: Problem[] = [];
  const ctx = checkContext(doc, source, problems, lenient);
  ctx.guard(() => {
    if (!doc.changelog.some((c) => c.version === doc.version)) {
      ctx.at(['changelog'], 'CHANGELOG_MISSING_VERSION', `the changelog has no entry for version ${doc.version}`);
    }
    doc.changelog.forEach((entry, i) => {
      if (doc.changelog.findIndex((c) => c.version === entry.version) < i) ctx.at(['changelog', i, 'version'], 'DUPLICATE_ID', `the changelog has another entry for version ${entry.version}`);
    });
  });
  checkInputs(ctx);
  ctx.guard(() => checkParts(ctx, facts));
  // With neither a score nor classifications (the schema's SCHEMA_REQUIRED, often for a misspelt key)
  // it produces nothing, and every declared output would be reported again.
  if (!doc.score && !doc.classifications) return problems;
  const producible = outputNames(doc);
  // A name that is no string is the schema's problem alone, and so is one a part with an unreadable id may give.
  const unknown = (name: unknown): name is string => typeof name === 'string' && !producible.has(name) && !mayBeUnreadableOutput(doc, name);
  ctx.guard(() => doc.outputs.forEach((output, i) => {
    if (unknown(output.name)) ctx.at(['outputs', i, 'name'], 'UNKNOWN_OUTPUT', `"${output.name}" is not produced by this rule set${hintFrom(output.name, [...producible])}`);
  }));
  ctx.guard(() => doc.summary?.forEach((name, i) => {
    if (unknown(name)) ctx.at(['summary', i], 'UNKNOWN_OUTPUT', `"${name}" is not an output of this rule set${hintFrom(name, [...producible])}`);
  }));
  return problems;
}
