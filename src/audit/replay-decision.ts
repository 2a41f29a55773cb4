// Two functions, not the whole of semver (its index loads every module it has).
import lt from 'semver/functions/lt.js';
import valid from 'semver/functions/valid.js';
import { evaluatePatient } from '../engine/evaluate-patient.js';
import type { TraceEntry } from '../engine/types.js';
import { isReviewWarning } from '../ruleset/profile-types.js';
import { checkPatient } from '../patient/load-patient.js';
import type { Problem } from '../problems/problem.js';
import type { LoadedRuleSet } from '../ruleset/types.js';
import { parseSource } from '../source/source-document.js';
import { recordedOutputs, type DecisionRecord } from './decision-record.js';
import { diffValues, type Difference } from './diff-values.js';
import { pinRuleSet, rulesetsUsed } from './pinned-ruleset.js';

/**
 * Re-evaluates a recorded input and compares everything recorded with what comes out now: the rule
 * sets (id, version, hash), the outputs, and the trace. Hashed ids stay hashed on both sides, since
 * the input carries them as given to the engine.
 */
export async function replayDecision(record: DecisionRecord, rulesets: readonly LoadedRuleSet[]): Promise<{ differences: Difference[]; problems: Problem[] }> {
  // The input passes the patient contract again: the engine relies on it, and the contract may have moved on.
  const { patient, problems } = checkPatient(parseSource(JSON.stringify(record.input), 'input'));
  if (!patient) return { differences: [], problems };
  const evaluation = await evaluatePatient(patient, rulesets);
  // Compared as the record holds it: through JSON.
  const replayed = JSON.parse(
    JSON.stringify({
      rulesets: rulesetsUsed(evaluation, rulesets).map(pinRuleSet),
      outputs: recordedOutputs(evaluation),
      trace: evaluation.trace,
    }),
  ) as Pick<DecisionRecord, 'rulesets' | 'outputs' | 'trace'>;
  // What an engine version added to the records is left out where a record written before it lacks it.
  // Only there: a record written since is compared in full, so one stripped of its profile and re-sealed
  // does not pass as an older one (helper-59); a version that is not one is compared in full.
  const written = valid(record.engine.version);
  const before = (version: string): boolean => written !== null && lt(written, version);
  // `profile`, `profiles` and `unread` came with 0.4.0 (the content hash beside them pins the profile).
  if (before('0.4.0')) {
    replayed.rulesets.forEach((r, i) => {
      if (!record.rulesets[i]?.profile) delete r.profile;
    });
    if (!('profiles' in record.outputs)) delete replayed.outputs.profiles;
    if (!('unread' in record.outputs)) delete replayed.outputs.unread;
  }
  // What an aggregate combines by came with 0.4.4 (its values are compared still).
  if (before('0.4.4') && !record.trace.some((t) => t.kind === 'input' && t.aggregate && AGGREGATE_KEYS_OF_0_4_4.some((key) => key in (t.aggregate ?? {})))) {
    for (const t of replayed.trace) if (t.kind === 'input' && t.aggregate) for (const key of AGGREGATE_KEYS_OF_0_4_4) delete t.aggregate[key];
  }
  // A possible band's own source and unconfirmed note, and the values explored for a missing input, came
  // with 0.4.6 (the band's edges and the input's value are compared still).
  const added046 = (t: TraceEntry): boolean => (t.kind === 'band' && (t.possibleBands ?? []).some((b) => POSSIBLE_BAND_KEYS_OF_0_4_6.some((key) => key in b))) || (t.kind === 'input' && 'explored' in t);
  if (before('0.4.6') && !record.trace.some(added046)) {
    for (const t of replayed.trace) {
      if (t.kind === 'band') for (const b of t.possibleBands ?? []) for (const key of POSSIBLE_BAND_KEYS_OF_0_4_6) delete b[key];
      if (t.kind === 'input') delete t.explored;
    }
  }
  // The review of the profiles is of the profile files beside the rule sets, which the store does not
  // keep (it keeps each rule set as patched): it explains, it decides nothing, and is not compared.
  const recorded = { ...record.outputs, warnings: record.outputs.warnings.filter((w) => !isReviewWarning(w)) };
  replayed.outputs.warnings = replayed.outputs.warnings.filter((w) => !isReviewWarning(w));
  const differences = [
    ...diffValues(record.rulesets, replayed.rulesets, 'rulesets'),
    ...diffValues(recorded, replayed.outputs),
    ...diffValues(record.trace, replayed.trace, 'trace'),
  ];
  return { differences, problems: [] };
}

const AGGREGATE_KEYS_OF_0_4_4 = ['given', 'matches', 'order'] as const;
const POSSIBLE_BAND_KEYS_OF_0_4_6 = ['reference', 'unconfirmed'] as const;
