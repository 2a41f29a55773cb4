import type { Problem } from '../problems/problem.js';
import type { SourceDocument } from '../source/source-document.js';

/** A profile names itself with a top-level `profile:`; a rule set with `id:`. */
export const isProfileSource = (source: SourceDocument): boolean => source.scalarAt(['profile']) !== undefined;

/**
 * A profile where a rule file was expected gets this one problem instead of the rule-set schema's
 * complaints about every key a profile has and a rule set does not, which do not say what to do.
 */
export const profileAsRuleSet = (source: SourceDocument): Problem =>
  source.problemAt(['profile'], 'PROFILE_AS_RULESET', `this is an institution profile, not a rule set; apply it to the rule sets with --profile ${source.file}`, { key: true });

/** The profiles found among the rule files (PROFILE_AS_RULESET): the cases beside them are theirs, not a rule set's. */
export const misplacedProfiles = (problems: readonly Problem[]): string[] => problems.flatMap((p) => (p.code === 'PROFILE_AS_RULESET' && p.file ? [p.file] : []));
