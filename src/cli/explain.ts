import { explainEvaluation } from '../explain/explain.js';
import { evaluateFile } from './evaluate-file.js';

/** Each score and decision told in plain language, derived from the trace and the rule sets' labels. */
export async function explainCommand(file: string, options: { rules?: string[]; ruleset?: string[]; profile?: string[] }): Promise<void> {
  const { rulesets, evaluation } = await evaluateFile(file, options);
  process.stdout.write(explainEvaluation(evaluation, rulesets).join('\n') + '\n');
}
