import { disabledRules } from '../ruleset/parts.js';
import type { LoadedRuleSet, ProfileMark } from '../ruleset/types.js';
import type { ProfileUse, TraceEntry } from './types.js';

/**
 * The profile changes that touched an evaluation: every changed or added rule, band and table row the
 * trace shows was used, plus what a profile changed by its mere presence (a disabled rule, an added
 * input). Read from the full trace before any trace level trims it, so `--trace none` names the same.
 */
export function profileUses(rulesets: readonly LoadedRuleSet[], evaluated: ReadonlySet<string>, trace: readonly TraceEntry[]): ProfileUse[] {
  const uses: ProfileUse[] = [];
  for (const ruleset of rulesets) {
    const profile = ruleset.document.profile;
    if (!profile || !evaluated.has(ruleset.document.id)) continue;
    const changes = new Map<string, ProfileUse['changes'][number]>();
    // With the citation the changed element carries: what the institution's value rests on.
    const add = (mark: ProfileMark | undefined, reference?: string): void => void (mark && !changes.has(mark.change) && changes.set(mark.change, { ...mark, ruleset: ruleset.document.id, ...(reference ? { reference } : {}) }));
    for (const entry of trace) {
      if (entry.ruleset !== ruleset.document.id) continue;
      if (entry.kind === 'rule' || entry.kind === 'lookup') {
        add(entry.overridden, entry.reference);
        add(entry.added, entry.reference);
      } else if (entry.kind === 'band') {
        add(entry.overridden, entry.reference);
        // An open category is open across these bands: a profile's edge among them shaped it.
        for (const possible of entry.possibleBands ?? []) add(possible.overridden);
      }
    }
    for (const mark of presentMarks(ruleset)) add(mark);
    uses.push({
      ruleset: ruleset.document.id,
      profile: `${profile.id}@${profile.version}`,
      title: profile.title,
      ...(profile.institution ? { institution: profile.institution } : {}),
      sha256: profile.sha256,
      changes: [...changes.values()].sort((a, b) => a.change.localeCompare(b.change)),
    });
  }
  return uses;
}

const present = new WeakMap<LoadedRuleSet, ProfileMark[]>();

/** Marks that apply whenever the rule set runs: rules disabled and inputs added. */
function presentMarks(ruleset: LoadedRuleSet): ProfileMark[] {
  let marks = present.get(ruleset);
  if (!marks) {
    const doc = ruleset.document;
    marks = [...disabledRules(doc).map((rule) => rule.mark), ...Object.values(doc.inputs).flatMap((i) => i.added ?? [])];
    present.set(ruleset, marks);
  }
  return marks;
}
