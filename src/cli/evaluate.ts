import { withTraceLevel, type TraceLevel } from '../engine/trace-level.js';
import { evaluateFile } from './evaluate-file.js';
import { formatEvaluation } from './format-text.js';
import { openRecorder, type RecordOptions } from './record-decision.js';
import { sameFile } from './same-file.js';
import { usageError } from './usage-error.js';

export interface EvaluateOptions extends RecordOptions {
  format: 'text' | 'json';
  rules?: string[];
  ruleset?: string[];
  profile?: string[];
  trace?: TraceLevel;
}

export async function evaluateCommand(file: string, options: EvaluateOptions): Promise<void> {
  // As batch refuses it: appending records to the patient file would destroy the input.
  if (options.record !== undefined && sameFile(options.record, file)) usageError('OPTION_CONFLICT', `--record ${options.record} is the patient file being read; recording into it would destroy the input`);
  const recorder = openRecorder(options);
  // A decision record always keeps the full trace; otherwise only the level shown is built.
  const { patient, rulesets, evaluation } = await evaluateFile(file, { ...options, trace: recorder ? 'full' : options.trace });
  // Recorded durably before the result is shown: no decision goes out without its record.
  const decisionId = await recorder?.record(patient, evaluation, rulesets);
  const shown = withTraceLevel(evaluation, options.trace ?? 'full');
  // With --record the JSON output names its record, as the service's /evaluate does.
  process.stdout.write(options.format === 'json' ? JSON.stringify(decisionId ? { ...shown, decisionId } : shown, null, 2) + '\n' : formatEvaluation(shown, rulesets));
  recorder?.report();
}
