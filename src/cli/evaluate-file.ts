import { evaluatePatient } from '../engine/evaluate-patient.js';
import type { TraceLevel } from '../engine/trace-level.js';
import type { Evaluation } from '../engine/types.js';
import { loadPatientInput, type Patient } from '../patient/load-patient.js';
import { formatProblems } from '../problems/format.js';
import { sortProblems } from '../problems/problem.js';
import type { LoadedRuleSet } from '../ruleset/types.js';
import { EXIT, Exit } from './exit-codes.js';
import { loadRulesOrExit } from './load-rules.js';

/** One patient file (`-`: standard input) through the selected rule sets, with the trace at `trace` (default full); a bad file prints its problems and exits 2. */
export async function evaluateFile(file: string, options: { rules?: string[]; ruleset?: string[]; profile?: string[]; trace?: TraceLevel }): Promise<{ patient: Patient; rulesets: LoadedRuleSet[]; evaluation: Evaluation }> {
  const { patient, problems } = await loadPatientInput(file);
  if (!patient) {
    process.stderr.write(formatProblems(sortProblems(problems)) + '\n');
    throw new Exit(EXIT.input);
  }
  const rulesets = await loadRulesOrExit(options.rules, options.ruleset, options.profile);
  return { patient, rulesets, evaluation: await evaluatePatient(patient, rulesets, { trace: options.trace ?? 'full' }) };
}
