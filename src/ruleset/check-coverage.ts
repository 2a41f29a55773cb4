import { runParts } from '../engine/part-runs.js';
import { DEFAULT_EVALUATOR } from '../engine/run-rules.js';
import { scenarios } from '../engine/scenarios.js';
import { imageOf } from '../engine/derive.js';
import type { Problem } from '../problems/problem.js';
import type { SourceDocument } from '../source/source-document.js';
import { APPLIES } from './parts.js';
import type { LoadedRuleSet, Scalar } from './types.js';

/** Exhaustive checking stops here; past it the component is reported as not checked. */
const MAX_CHECKED_COMBINATIONS = 20000;

/**
 * Runs each component, classification and recommendation over every combination of its facts' declared values (thresholds and one value
 * either side for numbers) with json-rules-engine, and reports an alternative that can never hold, and
 * a combination where no alternative or more than one holds — with an example, so the author sees it.
 */
export async function checkCoverage(ruleset: Omit<LoadedRuleSet, 'sha256'>, source: SourceDocument): Promise<Problem[]> {
  const problems: Problem[] = [];
  const { document, facts } = ruleset;
  for (const part of ruleset.parts) {
    // A precedence list has no rows to cover: several of its sources may well be decided at once.
    if (part.firstOf) continue;
    const domains = new Map<string, Scalar[]>();
    for (const fact of part.facts) {
      const derived = document.derived?.[fact];
      const keyValues = derived ? facts.get(derived.key)?.representatives : undefined;
      domains.set(fact, derived ? imageOf(ruleset as LoadedRuleSet, derived.lookup, keyValues) : [...(facts.get(fact)?.representatives ?? [])]);
    }
    const assignments = scenarios(domains, MAX_CHECKED_COMBINATIONS);
    if (!assignments) {
      problems.push(source.problemAt(part.path, 'DOMAIN_TOO_LARGE', `${part.id}: too many combinations of input values to check exhaustively`, { severity: 'warning' }));
      continue;
    }
    const reached = new Set<string>();
    let gap: Record<string, Scalar> | undefined;
    let overlap: { assignment: Record<string, Scalar>; ids: string[] } | undefined;
    for (const assignment of assignments) {
      // Only which alternatives fire matters here: compiled tests, json-rules-engine only where they fall back.
      const running = runParts([part], assignment, DEFAULT_EVALUATOR);
      const [run] = running instanceof Promise ? await running : running;
      const fired = part.alternatives.filter((_, i) => run?.fired[i]).map((a) => a.id);
      fired.forEach((id) => reached.add(id));
      if (fired.length === 0) gap ??= assignment;
      if (fired.length > 1) overlap ??= { assignment, ids: fired };
    }
    if (part.kind === 'recommendation') {
      if (!reached.has(APPLIES)) problems.push(source.problemAt([...part.path, 'when'], 'UNREACHABLE_ALTERNATIVE', `recommendation ${part.id} can never apply for the declared input values`));
      continue;
    }
    part.alternatives.forEach((alternative, i) => {
      if (!reached.has(alternative.id)) {
        problems.push(source.problemAt([...part.path, 'alternatives', i, 'when'], 'UNREACHABLE_ALTERNATIVE', `${part.id}.${alternative.id} can never hold for the declared input values`));
      }
    });
    if (gap) problems.push(source.problemAt([...part.path, 'alternatives'], 'COMPONENT_GAP', `${part.id}: no alternative holds when ${describe(gap)}`));
    if (overlap) {
      // At the second alternative that holds: the first of them is where the reader is sent otherwise, and it may be fine.
      const second = part.alternatives.findIndex((a) => a.id === overlap.ids[1]);
      problems.push(source.problemAt([...part.path, 'alternatives', second, 'when'], 'COMPONENT_OVERLAP', `${part.id}: ${overlap.ids.join(' and ')} both hold when ${describe(overlap.assignment)}`));
    }
  }
  return problems;
}

function describe(assignment: Record<string, Scalar>): string {
  return Object.entries(assignment).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(', ') || 'no facts are given';
}
