import { evaluatePatient } from '../engine/evaluate-patient.js';
import { loadPatientFile } from '../patient/load-patient.js';
import { formatProblems } from '../problems/format.js';
import { sortProblems } from '../problems/problem.js';
import { EXIT, Exit } from './exit-codes.js';
import { formatEvaluation } from './format-text.js';
import { loadRulesOrExit } from './load-rules.js';
import { openRecorder, type RecordOptions } from './record-decision.js';

export interface EvaluateOptions extends RecordOptions {
  format: 'text' | 'json';
  rules?: string[];
  ruleset?: string[];
}

export async function evaluateCommand(file: string, options: EvaluateOptions): Promise<void> {
  const recorder = openRecorder(options);
  const { patient, problems } = loadPatientFile(file);
  if (!patient) {
    process.stderr.write(formatProblems(sortProblems(problems)) + '\n');
    throw new Exit(EXIT.input);
  }
  const rulesets = await loadRulesOrExit(options.rules, options.ruleset);
  const evaluation = await evaluatePatient(patient, rulesets);
  // Recorded durably before the result is shown: no decision goes out without its record.
  await recorder?.record(patient, evaluation, rulesets);
  process.stdout.write(options.format === 'json' ? JSON.stringify(evaluation, null, 2) + '\n' : formatEvaluation(evaluation, rulesets));
  recorder?.report();
}
