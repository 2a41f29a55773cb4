import { implicationsOf } from '../ruleset/input-implications.js';
import type { LoadedRuleSet } from '../ruleset/types.js';
import type { Record_ } from './read-inputs.js';

/** The fields every evaluation reads whatever the rule sets: who the patient is, the lesions, which vertebra. */
const ALWAYS_READ = { patient: ['id', 'lesions'], lesion: ['id', 'level'] } as const;

/**
 * The fields a patient gives that no rule set in use reads (a lesion's as `lesions[].field`), so that a
 * value entered and never considered is said, not silently dropped: `egfrMutation` without the profile
 * that reads it. A rule set reads a field as an input, through an implication or narrowing of one, or by
 * counting the lesions.
 */
export function unreadFields(patient: Record_, rulesets: readonly LoadedRuleSet[]): string[] {
  const lesions = Array.isArray(patient.lesions) ? (patient.lesions as Record_[]) : [];
  // Without a lesion, a per-lesion rule set is not evaluated: the patient fields only it reads are unread.
  const read = fieldsRead(rulesets, lesions.length > 0);
  const unread = Object.keys(patient).filter((field) => patient[field] !== undefined && !read.patient.has(field));
  for (const lesion of lesions) {
    for (const field of Object.keys(lesion)) {
      const name = `lesions[].${field}`;
      if (lesion[field] !== undefined && !read.lesion.has(field) && !unread.includes(name)) unread.push(name);
    }
  }
  return unread;
}

interface FieldsRead {
  patient: Set<string>;
  lesion: Set<string>;
}

/** Worked out once per list of rule sets (a batch evaluates every patient on one), with and without lesions. */
function fieldsRead(rulesets: readonly LoadedRuleSet[], withLesions: boolean): FieldsRead {
  let cached = byList.get(rulesets);
  if (!cached) byList.set(rulesets, (cached = new Map()));
  let read = cached.get(withLesions);
  if (read) return read;
  read = { patient: new Set(ALWAYS_READ.patient), lesion: new Set(ALWAYS_READ.lesion) };
  for (const { document } of rulesets) {
    if (!withLesions && document.scope === 'lesion') continue;
    for (const [name, input] of Object.entries(document.inputs)) {
      if (input.upstream) continue;
      const from = input.from ?? document.scope;
      const scope = from === 'patient' ? read.patient : read.lesion;
      if (input.aggregate !== 'count') scope.add(input.field ?? name);
      // What counts the lesions (a count's default, a combination over them that counts those not listed) reads whether they may be partial.
      if ((input.default && 'countOf' in input.default) || input.countedBy !== undefined) read.patient.add('lesionsIncomplete');
      for (const implied of implicationsOf(input)) scope.add(implied.whenField);
      for (const narrowing of input.possible ?? []) scope.add(narrowing.whenField);
    }
  }
  cached.set(withLesions, read);
  return read;
}
const byList = new WeakMap<readonly LoadedRuleSet[], Map<boolean, FieldsRead>>();
