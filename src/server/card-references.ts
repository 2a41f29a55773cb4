import type { Problem } from '../problems/problem.js';
import { hintFrom } from '../ruleset/check-context.js';
import { namesRange, publishedRange } from '../ruleset/check-band-wording.js';
import { outputValues } from '../ruleset/outputs.js';
import { classificationParts } from '../ruleset/parts.js';
import type { Band, LoadedRuleSet, RuleSetDocument } from '../ruleset/types.js';
import type { SourceDocument } from '../source/source-document.js';
import type { CdsConfig, OutputRef } from './cds-config.js';

/** The one placeholder a reason may hold: the score range of the bands its indicator names, as served. */
const PLACEHOLDER = /\{([^{}]*)\}/g;

/**
 * What config/cds-hooks.yaml's card names, against the rule sets served (at start and at each reload):
 * a misspelt category in an indicator (`in: [unstabel]`) would never raise the card for an unstable
 * spine, and a reason naming a band's published range ("SINS 7-12") would stand beside results computed
 * under a profile that moved it. Errors for names the rule sets do not have; warnings for a rule set not
 * served (left out of the card) and for a published range a profile moved.
 */
export function cardReferenceProblems(source: SourceDocument, card: CdsConfig['card'], rulesets: readonly LoadedRuleSet[], library: readonly string[] = []): Problem[] {
  const problems: Problem[] = [];
  const known = [...new Set([...rulesets.map((r) => r.document.id), ...library])];
  const served = (ref: OutputRef, path: Array<string | number>, effect: string): RuleSetDocument | undefined => {
    const doc = rulesets.find((r) => r.document.id === ref.ruleset)?.document;
    // A name no rule set has (`sinz`) is a mistake; a rule set the service does not serve (`--rules` a subset) is a choice.
    if (!doc && !known.includes(ref.ruleset)) problems.push(source.problemAt([...path, 'ruleset'], 'CARD_UNKNOWN_RULESET', `no rule set is called ${ref.ruleset}${hintFrom(ref.ruleset, known)}: ${effect}`));
    else if (!doc) problems.push(source.problemAt([...path, 'ruleset'], 'CARD_RULESET_NOT_SERVED', `the card names ${ref.ruleset}, which is not served: ${effect}`, { severity: 'warning' }));
    return doc;
  };
  card.summary.forEach((ref, i) => {
    const doc = served(ref, ['card', 'summary', i], 'it is left out of the summary');
    if (doc && !shownOutputs(doc).includes(ref.output)) problems.push(unknownOutput(source, ['card', 'summary', i, 'output'], doc, ref.output, shownOutputs(doc)));
  });
  card.indicators.forEach((indicator, i) => {
    const path = ['card', 'indicators', i];
    const doc = served(indicator.when, [...path, 'when'], 'this indicator never raises the card');
    const when = doc ? whenProblems(source, [...path, 'when'], doc, indicator.when) : [];
    // A reason's placeholder is read against the output named: a misspelt one is its own problem only.
    problems.push(...when, ...reasonProblems(source, [...path, 'because'], indicator, when.length ? undefined : doc, rulesets));
  });
  return problems;
}

/** The reason as the card gives it: `{band}` is the score range of the indicator's bands in the rule set served. */
export function reasonText(indicator: CdsConfig['card']['indicators'][number], rulesets: readonly LoadedRuleSet[]): string {
  const doc = rulesets.find((r) => r.document.id === indicator.when.ruleset)?.document;
  const ranges = doc ? bandsOf(doc, indicator.when.in).map((b) => `${b.min}-${b.max}`) : [];
  // Checked at start and reload (cardReferenceProblems): a placeholder left is one the served rule sets cannot fill.
  return ranges.length ? indicator.because.replace(PLACEHOLDER, (whole, name: string) => (name === 'band' ? ranges.join(' or ') : whole)) : indicator.because;
}

/** What the summary can show of a result: its score, its category, a classification. */
function shownOutputs(doc: RuleSetDocument): string[] {
  return [...(doc.score ? ['score'] : []), ...(doc.score?.bands ? ['category'] : []), ...classificationParts(doc).map((c) => c.id)];
}

function whenProblems(source: SourceDocument, path: Array<string | number>, doc: RuleSetDocument, when: OutputRef & { in: string[] }): Problem[] {
  // A score is no indicator's output: its values are totals, and a card is raised by a category or a classification.
  const decided = shownOutputs(doc).filter((o) => o !== 'score');
  if (!decided.includes(when.output)) return [unknownOutput(source, [...path, 'output'], doc, when.output, decided)];
  const values = (outputValues(doc, when.output)?.values ?? []).map(String);
  return when.in.flatMap((value, j) =>
    values.includes(value) ? [] : [source.problemAt([...path, 'in', j], 'CARD_UNKNOWN_VALUE', `"${value}" is not a value of ${doc.id} ${when.output} (${values.join(', ')})${hintFrom(value, values)}: the indicator would never hold for it`)],
  );
}

function unknownOutput(source: SourceDocument, path: Array<string | number>, doc: RuleSetDocument, output: string, outputs: readonly string[]): Problem {
  return source.problemAt(path, 'CARD_UNKNOWN_OUTPUT', `${doc.id} has no output "${output}" a card can name (${outputs.join(', ') || 'none'})${hintFrom(output, outputs)}`);
}

function reasonProblems(source: SourceDocument, path: Array<string | number>, indicator: CdsConfig['card']['indicators'][number], doc: RuleSetDocument | undefined, rulesets: readonly LoadedRuleSet[]): Problem[] {
  const problems: Problem[] = [];
  for (const [whole, name] of indicator.because.matchAll(PLACEHOLDER)) {
    if (name !== 'band') problems.push(source.problemAt(path, 'CARD_PLACEHOLDER_INVALID', `${whole} is not a placeholder a reason can hold; {band} is (the score range of the bands in "in")`));
    else if (doc && (indicator.when.output !== 'category' || !doc.score?.bands?.length)) problems.push(source.problemAt(path, 'CARD_PLACEHOLDER_INVALID', `{band} needs an indicator on a score's category; ${doc.id} ${indicator.when.output} has no bands`));
  }
  // A range written out is the published one; under a profile that moved it the card would contradict its own results.
  for (const r of rulesets) {
    for (const band of r.document.score?.bands ?? []) {
      const published = publishedRange(band);
      if (published && namesRange(indicator.because, published)) {
        problems.push(source.problemAt(path, 'PROFILE_STALE_LABEL', `"${indicator.because}" names ${r.document.id} ${published.join('-')}, the published range of band ${band.category}, which profile ${band.overridden?.profile ?? ''} (change "${band.overridden?.change ?? ''}") made ${band.min}-${band.max}: write {band} for the range in use`, { severity: 'warning' }));
      }
    }
  }
  return problems;
}

function bandsOf(doc: RuleSetDocument, categories: readonly string[]): Band[] {
  return (doc.score?.bands ?? []).filter((b) => categories.includes(b.category));
}
