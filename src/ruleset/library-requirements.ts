import { relative } from 'node:path';
import type { Problem } from '../problems/problem.js';
import type { LoadedRuleSet } from './types.js';

/**
 * A rule set taken from the library (the bundled rules, for the CLI) because a given one requires it is
 * said, once per rule set taken, at the `requires` entry of the first rule set that asked for it: the
 * results then rest on a file the user did not name, which must never be silent.
 */
export function libraryNotices(taken: readonly LoadedRuleSet[], rulesets: readonly LoadedRuleSet[]): Problem[] {
  return taken.flatMap((library) => {
    const { id, version } = library.document;
    const requirers = rulesets.filter((r) => r.document.requires?.includes(id));
    const first = requirers[0];
    if (!first) return [];
    const names = requirers.map((r) => r.document.id).join(', ');
    const message = `${id} is not among the rule sets given; ${id} ${version} is taken from ${relative(process.cwd(), library.file)}, as ${names} ${requirers.length === 1 ? 'requires' : 'require'} it`;
    return [first.source.problemAt(['requires', first.document.requires?.indexOf(id) ?? 0], 'REQUIREMENT_FROM_LIBRARY', message, { severity: 'warning' })];
  });
}
