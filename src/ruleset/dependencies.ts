import type { LoadedRuleSet } from './types.js';

/**
 * Rule sets in an order where each comes after the ones it requires (ties by id, for determinism),
 * and the cycles found, each as the ids along it. Requirements not loaded are ignored here; the
 * link check reports them.
 */
export function orderByRequires(rulesets: readonly LoadedRuleSet[]): { ordered: LoadedRuleSet[]; cycles: string[][] } {
  const byId = new Map(rulesets.map((r) => [r.document.id, r]));
  const ordered: LoadedRuleSet[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const cycles: string[][] = [];
  const visit = (ruleset: LoadedRuleSet, path: string[]): void => {
    const id = ruleset.document.id;
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      cycles.push([...path.slice(path.indexOf(id)), id]);
      return;
    }
    state.set(id, 'visiting');
    for (const required of [...(ruleset.document.requires ?? [])].sort()) {
      const dependency = byId.get(required);
      if (dependency) visit(dependency, [...path, id]);
    }
    state.set(id, 'done');
    ordered.push(ruleset);
  };
  // Ids match ^[a-z][a-z0-9-]*$ (the rule-set schema), where code-unit order is localeCompare's order;
  // the first localeCompare call loads ICU's collator, about 10 ms of a one-patient evaluate.
  for (const ruleset of [...rulesets].sort((a, b) => (a.document.id < b.document.id ? -1 : a.document.id > b.document.id ? 1 : 0))) visit(ruleset, []);
  return { ordered, cycles };
}

/** The rule sets needed to evaluate `targets`: the targets and everything they require, transitively. */
export function withRequirements(targets: readonly LoadedRuleSet[], available: readonly LoadedRuleSet[]): LoadedRuleSet[] {
  const byId = new Map(available.map((r) => [r.document.id, r]));
  const needed = new Map<string, LoadedRuleSet>();
  const add = (r: LoadedRuleSet): void => {
    if (needed.has(r.document.id)) return;
    needed.set(r.document.id, r);
    for (const id of r.document.requires ?? []) {
      const dependency = byId.get(id);
      if (dependency) add(dependency);
    }
  };
  targets.forEach(add);
  return [...needed.values()];
}

/** `ids` and every rule set that requires one of them, transitively: what a change to `ids` can affect. */
export function requiredBy(ids: readonly string[], available: readonly LoadedRuleSet[]): Set<string> {
  const affected = new Set(ids);
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of available) {
      if (!affected.has(r.document.id) && (r.document.requires ?? []).some((id) => affected.has(id))) {
        affected.add(r.document.id);
        grew = true;
      }
    }
  }
  return affected;
}
