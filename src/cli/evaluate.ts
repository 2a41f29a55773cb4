import { evaluatePatient } from '../engine/evaluate-patient.js';
import { loadPatientFile } from '../patient/load-patient.js';
import { formatProblems } from '../problems/format.js';
import { sortProblems } from '../problems/problem.js';
import { EXIT, Exit } from './exit-codes.js';
import { formatEvaluation } from './format-text.js';
import { loadRulesOrExit } from './load-rules.js';

export interface EvaluateOptions {
  format: 'text' | 'json';
  rules?: string[];
}

export async function evaluateCommand(file: string, options: EvaluateOptions): Promise<void> {
  const { patient, problems } = loadPatientFile(file);
  if (!patient) {
    process.stderr.write(formatProblems(sortProblems(problems)) + '\n');
    throw new Exit(EXIT.input);
  }
  const rulesets = await loadRulesOrExit(options.rules);
  const evaluation = await evaluatePatient(patient, rulesets);
  process.stdout.write(options.format === 'json' ? JSON.stringify(evaluation, null, 2) + '\n' : formatEvaluation(evaluation, rulesets));
}
