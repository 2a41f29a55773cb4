import type { Evaluation, RuleSetResult } from '../engine/types.js';
import { describeGap, gapsOf, splitByGap, type LookupGap } from '../engine/lookup-gaps.js';
import { profileReviewSummary } from '../explain/profile-review.js';
import type { LoadedRuleSet } from '../ruleset/types.js';

/** One rule set's columns: which of its results, in which order. */
interface RuleSetColumns {
  id: string;
  names: string[];
}

/**
 * The CSV output's columns, fixed before the first row so the file can be streamed: `line`, `id`,
 * `error`, `caution` where a profile is not followed everywhere (profile-review.ts), then per patient-scope rule set its score (`score`, `min`, `max`, `category`), each
 * classification's value, the recommendations that apply, those that may apply (missing inputs leave
 * them open), the missing inputs and the facts the team decides (a table with no row for the key given);
 * then `lesions` and, per lesion group 1..lesionCount, `level`, `id`
 * and the same columns of each lesion-scope rule set.
 */
export interface ResultColumns {
  header: string[];
  /** A rule set carries the review of a profile: each row says what it means for its results. */
  caution: boolean;
  patient: RuleSetColumns[];
  lesion: RuleSetColumns[];
  lesionCount: number;
}

export function resultColumns(rulesets: readonly LoadedRuleSet[], lesionCount: number): ResultColumns {
  const columnsOf = (r: LoadedRuleSet): RuleSetColumns => ({
    id: r.document.id,
    names: [
      ...(r.document.score ? ['score', 'min', 'max', 'category'] : []),
      ...(r.document.classifications ?? []).map((c) => c.id),
      ...(r.document.recommendations?.length ? ['recommendations', 'possibleRecommendations'] : []),
      'missing',
      'teamDecides',
    ],
  });
  const patient = rulesets.filter((r) => r.document.scope === 'patient').map(columnsOf);
  const lesion = rulesets.filter((r) => r.document.scope === 'lesion').map(columnsOf);
  const named = (prefix: string, sets: RuleSetColumns[]) => sets.flatMap((s) => s.names.map((n) => `${prefix}${s.id}.${n}`));
  const caution = rulesets.some((r) => r.review?.length);
  const header = ['line', 'id', 'error', ...(caution ? ['caution'] : []), ...named('', patient), 'lesions'];
  for (let k = 1; k <= lesionCount; k++) header.push(`lesion${k}.level`, `lesion${k}.id`, ...named(`lesion${k}.`, lesion));
  return { header, caution, patient, lesion, lesionCount };
}

/**
 * A row of cells for an evaluated patient; empty cells are missing or undetermined values, the number of
 * lesions among them when the patient gives no list of lesions (it is then unknown, not 0).
 */
export function resultCells(line: number, evaluation: Evaluation, columns: ResultColumns): string[] {
  const gaps = gapsOf(evaluation.warnings);
  const caution = columns.caution ? [profileReviewSummary(evaluation.warnings) ?? ''] : [];
  const cells = [String(line), evaluation.patient.id ?? '', '', ...caution, ...columns.patient.flatMap((s) => ruleSetCells(evaluation.results[s.id], s, gaps, undefined)), evaluation.patient.lesionsListed ? String(evaluation.lesions.length) : ''];
  for (let k = 0; k < columns.lesionCount; k++) {
    const lesion = evaluation.lesions[k];
    cells.push(lesion?.level ?? '', lesion?.id ?? '', ...columns.lesion.flatMap((s) => ruleSetCells(lesion?.results[s.id], s, gaps, k)));
  }
  return cells;
}

/** A row for an input row that could not be evaluated: its line and the problems, in the `error` column. */
export function errorCells(line: number, id: string | undefined, message: string, columns: ResultColumns): string[] {
  const cells = new Array<string>(columns.header.length).fill('');
  cells[0] = String(line);
  cells[1] = id ?? '';
  cells[2] = message;
  return cells;
}

function ruleSetCells(result: RuleSetResult | undefined, columns: RuleSetColumns, gaps: readonly LookupGap[], lesion: number | undefined): string[] {
  if (!result) return columns.names.map(() => '');
  // A fact whose table has no row for the key given is not an input anyone can provide: the team decides it.
  const { provide, decide } = gaps.length ? splitByGap(result.missing, gaps, lesion) : { provide: result.missing, decide: [] };
  return columns.names.map((name) => {
    switch (name) {
      case 'score':
        return cell(result.score);
      case 'min':
        return cell(result.range?.[0]);
      case 'max':
        return cell(result.range?.[1]);
      case 'recommendations':
        return recommendationIds(result, 'applies');
      case 'possibleRecommendations':
        // Those that missing inputs leave open: left out, they would read as not applying.
        return recommendationIds(result, 'possible');
      case 'missing':
        return provide.join(' ');
      case 'teamDecides':
        return decide.map((gap) => `${gap.fact}: ${describeGap(gap)}`).join('; ');
      default:
        return cell(result[name]);
    }
  });
}

function recommendationIds(result: RuleSetResult, status: 'applies' | 'possible'): string {
  return (result.recommendations ?? []).filter((r) => r.status === status).map((r) => r.id).join(' ');
}

function cell(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}
