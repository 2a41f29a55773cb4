import { explainEvaluation } from '../explain/explain.js';
import { profileReviewSummary } from '../explain/profile-review.js';
import { evaluateFile } from './evaluate-file.js';

/** Each score and decision told in plain language, derived from the trace and the rule sets' labels. */
export async function explainCommand(file: string, options: { rules?: string[]; ruleset?: string[]; profile?: string[] }): Promise<void> {
  const { rulesets, evaluation } = await evaluateFile(file, options);
  // A profile not followed everywhere bears on how every line is read: said first (the card says it its own way).
  const review = profileReviewSummary(evaluation.warnings);
  process.stdout.write([...(review ? [`Caution: ${review}`, ''] : []), ...explainEvaluation(evaluation, rulesets)].join('\n') + '\n');
}
