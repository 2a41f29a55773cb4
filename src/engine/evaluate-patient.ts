import { orderByRequires } from '../ruleset/dependencies.js';
import type { LoadedRuleSet } from '../ruleset/types.js';
import type { EngineOptions } from './evaluate-parts.js';
import { evaluateRuleSet, type RuleSetEvaluation } from './evaluate-ruleset.js';
import type { Record_ } from './read-inputs.js';
import { profileUses } from './profile-use.js';
import { withTraceLevel } from './trace-level.js';
import type { Evaluation, LesionEvaluation, RuleSetIdentity } from './types.js';
import { runSteps, type Steps } from './steps.js';
import { unreadFields } from './unread-fields.js';
import { emptyUpstream } from './upstream.js';

/**
 * Evaluates a validated patient against every rule set, each after the rule sets it requires:
 * patient-scope rule sets once, lesion-scope rule sets once per listed lesion. The output depends only
 * on the patient and the rule sets' content.
 */
export function evaluatePatient(patient: Record_, rulesets: readonly LoadedRuleSet[], options: EngineOptions = {}): Promise<Evaluation> {
  return runSteps(evaluationSteps(patient, rulesets, options));
}

function* evaluationSteps(patient: Record_, rulesets: readonly LoadedRuleSet[], options: EngineOptions): Steps<Evaluation> {
  const ordered = orderOf(rulesets);
  // The profile changes used are read from the full trace (unfired rules too), so with a profile the
  // evaluation builds it all and trims it to the level at the end.
  const profiled = ordered.some((r) => r.document.profile);
  const level = options.trace ?? 'full';
  const engineOptions: EngineOptions = profiled ? { ...options, trace: 'full' } : options;
  const listed = Array.isArray(patient.lesions);
  const lesions = listed ? (patient.lesions as Record_[]) : [];
  const upstream = emptyUpstream(lesions.length);
  const evaluation: Evaluation = {
    patient: { id: typeof patient.id === 'string' ? patient.id : null, lesionsListed: listed },
    results: {},
    lesions: lesions.map(lesionEvaluation),
    rulesets: ordered.map(identity),
    traceLevel: level,
    trace: [],
    missing: [],
    warnings: [],
  };

  for (const ruleset of ordered) {
    const id = ruleset.document.id;
    if (ruleset.document.scope === 'patient') {
      const outcome = yield* evaluateRuleSet(ruleset, { patient, upstream }, engineOptions);
      evaluation.results[id] = outcome.result;
      upstream.patient.set(id, outcome.exports);
      collect(evaluation, outcome);
      continue;
    }
    for (const [index, lesion] of lesions.entries()) {
      const outcome = yield* evaluateRuleSet(ruleset, { patient, lesion, lesionIndex: index, upstream }, engineOptions);
      const target = evaluation.lesions[index];
      if (target) target.results[id] = outcome.result;
      upstream.lesions[index]?.set(id, outcome.exports);
      collect(evaluation, outcome);
    }
  }
  for (const ruleset of ordered) {
    if (ruleset.review && (ruleset.document.scope === 'patient' || lesions.length > 0)) evaluation.warnings.push(...ruleset.review);
  }
  const unread = unreadFields(patient, rulesets);
  if (unread.length) evaluation.unread = unread;
  if (!profiled) return evaluation;
  const evaluated = new Set(ordered.filter((r) => r.document.scope === 'patient' || lesions.length > 0).map((r) => r.document.id));
  evaluation.profiles = profileUses(ordered, evaluated, evaluation.trace);
  return withTraceLevel(evaluation, level);
}

/** By assignment in key order (level, id, results): a conditional spread took V8's slow copy path for every lesion. */
function lesionEvaluation(lesion: Record_): LesionEvaluation {
  const evaluation = { level: typeof lesion.level === 'string' ? lesion.level : null } as LesionEvaluation;
  if (typeof lesion.id === 'string') evaluation.id = lesion.id;
  evaluation.results = {};
  return evaluation;
}

/** The evaluation order of a list of rule sets: worked out once per list (a batch passes the same list for every patient). */
function orderOf(rulesets: readonly LoadedRuleSet[]): LoadedRuleSet[] {
  const cached = orders.get(rulesets);
  // The members are compared too, in case the caller changed its list since.
  if (cached && cached.members.length === rulesets.length && cached.members.every((r, i) => r === rulesets[i])) return cached.ordered;
  const ordered = orderByRequires(rulesets).ordered;
  orders.set(rulesets, { members: [...rulesets], ordered });
  return ordered;
}
const orders = new WeakMap<readonly LoadedRuleSet[], { members: LoadedRuleSet[]; ordered: LoadedRuleSet[] }>();

/** A rule set's identity in results; built once per rule set (results are output, never changed). */
function identity(ruleset: LoadedRuleSet): RuleSetIdentity {
  let built = identities.get(ruleset);
  if (!built) identities.set(ruleset, (built = buildIdentity(ruleset)));
  return built;
}
const identities = new WeakMap<LoadedRuleSet, RuleSetIdentity>();

function buildIdentity({ document, sha256 }: LoadedRuleSet): RuleSetIdentity {
  const { profile } = document;
  return {
    id: document.id,
    version: document.version,
    sha256,
    title: document.title,
    ...(profile ? { profile: { id: profile.id, version: profile.version, sha256: profile.sha256 } } : {}),
  };
}

function collect(evaluation: Evaluation, outcome: RuleSetEvaluation): void {
  evaluation.trace.push(...outcome.trace);
  evaluation.missing.push(...outcome.missing);
  evaluation.warnings.push(...outcome.warnings);
}
