import type { Problem } from '../problems/problem.js';
import type { SourceDocument } from '../source/source-document.js';
import { hintFrom } from './check-context.js';
import { orderByRequires } from './dependencies.js';
import { outputValues } from './outputs.js';
import type { InputSpec, LoadedRuleSet, RuleSetDocument } from './types.js';
import { isPlainObject } from '../source/plain-object.js';

/**
 * Checks across rule sets: every required rule set is loaded, requirements form no cycle, and each
 * upstream input reads an output its rule set declares, from a compatible scope, with the same values.
 * A recommendation restates recommendations of required rule sets of its scope that exist.
 * A rule set requiring one that failed to load (`failed`, already reported) is `blocked`, not reported again;
 * its upstream inputs are still checked against the outputs the failed file declares (`failedOutputs`,
 * as far as they read), and a failed file's own upstream inputs (`failedSources`) against what they read,
 * so that a mistake on each side is reported in one run.
 */
export function checkLinks(rulesets: readonly LoadedRuleSet[], failed: ReadonlySet<string> = new Set(), failedOutputs: ReadonlyMap<string, readonly string[]> = new Map(), failedSources: readonly SourceDocument[] = []): { problems: Problem[]; blocked: Set<string> } {
  const problems: Problem[] = [];
  const blocked = new Set<string>();
  const byId = new Map(rulesets.map((r) => [r.document.id, r]));
  for (const consumer of rulesets) {
    const { document, source } = consumer;
    (document.requires ?? []).forEach((id, i) => {
      if (failed.has(id)) blocked.add(document.id);
      else if (!byId.has(id)) problems.push(missingRequirement(source, i, id));
    });
    problems.push(...upstreamProblems(document, source, byId, failedOutputs));
  }
  // A rule file with errors of its own still has its upstream inputs checked, as far as they read:
  // a narrowed enum is named at the input, beside the condition it leaves without a value.
  for (const source of failedSources) {
    const document = linkedDocument(source);
    if (document) problems.push(...upstreamProblems(document, source, byId, failedOutputs));
  }
  for (const consumer of rulesets) checkRestates(consumer, byId, problems);
  for (const cycle of orderByRequires(rulesets).cycles) {
    for (const id of new Set(cycle)) {
      const member = byId.get(id);
      if (member) problems.push(member.source.problemAt(['requires'], 'DEPENDENCY_CYCLE', `rule sets require each other in a cycle: ${cycle.join(' → ')}`, { key: true }));
    }
  }
  // Blocking is transitive: what requires a blocked rule set cannot run either.
  let grew = true;
  while (grew) {
    grew = false;
    for (const r of rulesets) {
      if (!blocked.has(r.document.id) && (r.document.requires ?? []).some((id) => blocked.has(id))) {
        blocked.add(r.document.id);
        grew = true;
      }
    }
  }
  return { problems, blocked };
}

/** Each upstream input of a rule set reads an output its rule set declares, from a compatible scope, with the same values. */
function upstreamProblems(document: Pick<RuleSetDocument, 'inputs' | 'scope'>, source: SourceDocument, byId: ReadonlyMap<string, LoadedRuleSet>, failedOutputs: ReadonlyMap<string, readonly string[]>): Problem[] {
  const problems: Problem[] = [];
  for (const [name, input] of Object.entries(document.inputs)) {
    if (!input.upstream) continue;
    const path = ['inputs', name, 'upstream'];
    const provider = byId.get(input.upstream.ruleset);
    const declared = provider ? provider.document.outputs.map((o) => o.name) : failedOutputs.get(input.upstream.ruleset);
    if (declared && !declared.includes(input.upstream.output)) {
      problems.push(source.problemAt([...path, 'output'], 'UNKNOWN_OUTPUT', `${input.upstream.ruleset} does not declare the output "${input.upstream.output}" (it declares ${declared.join(', ')})`));
      continue;
    }
    if (!provider) continue;
    const perLesion = provider.document.scope === 'lesion';
    if (perLesion && document.scope === 'patient' && input.from !== 'lesions') {
      problems.push(source.problemAt(path, 'SCOPE_MISMATCH', `${provider.document.id} is evaluated per lesion; a patient-scope rule set reads it with from: lesions and an aggregate`));
    }
    if (!perLesion && input.from === 'lesions') {
      problems.push(source.problemAt(path, 'SCOPE_MISMATCH', `${provider.document.id} is evaluated per patient; there is one value, not one per lesion`));
    }
    const values = outputValues(provider.document, input.upstream.output);
    if (!values || input.aggregate === 'count' || input.aggregate === 'contiguous') continue;
    if (values.type === 'enum' && input.type === 'string') {
      const declared = new Set(input.enum ?? []);
      const offered = new Set(values.values.map(String));
      if (declared.size !== offered.size || [...offered].some((v) => !declared.has(v))) {
        problems.push(source.problemAt(['inputs', name, 'enum'], 'INPUT_DOMAIN_MISMATCH', `${provider.document.id}.${input.upstream.output} takes the values ${[...offered].join(', ')}`));
      }
    } else if (values.type === 'integer' && (input.type === 'integer' || input.type === 'number')) {
      const outside = values.values.filter((v) => (input.minimum !== undefined && Number(v) < input.minimum) || (input.maximum !== undefined && Number(v) > input.maximum));
      if (outside.length) problems.push(source.problemAt(['inputs', name], 'INPUT_DOMAIN_MISMATCH', `${provider.document.id}.${input.upstream.output} can be ${outside.join(', ')}, outside the declared range`, { key: true }));
    } else {
      problems.push(source.problemAt(['inputs', name, 'type'], 'INPUT_DOMAIN_MISMATCH', `${provider.document.id}.${input.upstream.output} is ${values.type === 'enum' ? 'one of a list of values (type: string with enum)' : 'a number (type: integer)'}`));
    }
  }
  return problems;
}

/**
 * The inputs and scope of a rule file that failed its own checks, keeping only the upstream inputs that
 * read as such (a rule set and an output named, an enum a list): what the link check needs.
 */
function linkedDocument(source: SourceDocument): Pick<RuleSetDocument, 'inputs' | 'scope'> | undefined {
  const data = source.data as { inputs?: unknown; scope?: unknown } | null | undefined;
  if (!isPlainObject(data?.inputs) || typeof data?.scope !== 'string') return undefined;
  const inputs: RuleSetDocument['inputs'] = {};
  for (const [name, input] of Object.entries(data.inputs)) {
    if (!isPlainObject(input) || !isPlainObject(input.upstream) || typeof input.upstream.ruleset !== 'string' || typeof input.upstream.output !== 'string') continue;
    if (input.enum !== undefined && !Array.isArray(input.enum)) continue;
    inputs[name] = input as unknown as InputSpec;
  }
  return { inputs, scope: data.scope as RuleSetDocument['scope'] };
}

/** Each `restates` names a recommendation of a rule set this one requires, evaluated per the same patient or lesion. */
function checkRestates({ document, source }: LoadedRuleSet, byId: ReadonlyMap<string, LoadedRuleSet>, problems: Problem[]): void {
  for (const [i, recommendation] of (document.recommendations ?? []).entries()) {
    for (const [j, target] of (recommendation.restates ?? []).entries()) {
      const path = ['recommendations', i, 'restates', j];
      const [id = '', restated = ''] = target.split('.');
      if (!(document.requires ?? []).includes(id)) {
        problems.push(source.problemAt(path, 'UNDECLARED_REQUIREMENT', `rule set "${id}" is named here but not listed in requires`));
        continue;
      }
      // A required rule set that is not loaded is reported once, as MISSING_REQUIREMENT.
      const provider = byId.get(id);
      if (!provider) continue;
      if (provider.document.scope !== document.scope) {
        problems.push(source.problemAt(path, 'SCOPE_MISMATCH', `${id} is evaluated per ${provider.document.scope} and this rule set per ${document.scope}: a restated recommendation must apply to the same patient or lesion`));
      }
      const ids = (provider.document.recommendations ?? []).map((r) => r.id);
      if (!ids.includes(restated)) problems.push(source.problemAt(path, 'UNKNOWN_RECOMMENDATION', `${id} has no recommendation "${restated}"${hintFrom(restated, ids)}`));
    }
  }
}

/** MISSING_REQUIREMENT at the `requires` entry, for a loaded rule set and for one that failed its own checks. */
export function missingRequirement(source: SourceDocument, index: number, id: string): Problem {
  return source.problemAt(['requires', index], 'MISSING_REQUIREMENT', `required rule set "${id}" is not loaded`);
}
