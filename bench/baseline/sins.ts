/**
 * SINS, one score per lesion (Fisher 2010 as printed in review Table 4; bands Fourney 2011; see
 * /work/shared/CLINICAL-REFERENCE.md). A missing component contributes every points value it has.
 */
import type { Level } from '../cohort.js';
import { Bands, type ScoreOutcome } from './outcomes.js';
import type { LesionFacts } from './lesion-facts.js';
import { groupTable, plus, pointsFor, pointTable } from './point-set.js';

export type SinsComponent = 'location' | 'pain' | 'boneLesion' | 'alignment' | 'collapse' | 'posterolateral';
export type SinsOutcome = ScoreOutcome<SinsComponent>;

/** Location: junctional occiput-C2, C7-T2, T11-L1, L5-S1 = 3; mobile C3-C6, L2-L4 = 2; semi-rigid T3-T10 = 1; rigid S2-S5 = 0. */
const LOCATION = groupTable([
  [3, ['occiput', 'C1', 'C2', 'C7', 'T1', 'T2', 'T11', 'T12', 'L1', 'L5', 'S1']],
  [2, ['C3', 'C4', 'C5', 'C6', 'L2', 'L3', 'L4']],
  [1, ['T3', 'T4', 'T5', 'T6', 'T7', 'T8', 'T9', 'T10']],
  [0, ['S2', 'S3', 'S4', 'S5']],
] satisfies Array<[number, Level[]]>);

const PAIN = pointTable({ mechanical: 3, occasional: 1, none: 0 });
const BONE_LESION = pointTable({ lytic: 2, mixed: 1, blastic: 0 });
const ALIGNMENT = pointTable({ subluxation: 4, de_novo_deformity: 2, normal: 0 });
const COLLAPSE = pointTable({ over_50: 3, under_50: 2, none_over_50_involved: 1, none: 0 });
const POSTEROLATERAL = pointTable({ bilateral: 3, unilateral: 1, none: 0 });

const SINS_BANDS = new Bands([
  { category: 'stable', min: 0, max: 6 },
  { category: 'potentially_unstable', min: 7, max: 12 },
  { category: 'unstable', min: 13, max: 18 },
]);

export function sins(lesion: LesionFacts): SinsOutcome {
  const location = pointsFor(LOCATION, lesion.level);
  const pain = pointsFor(PAIN, lesion.pain);
  const boneLesion = pointsFor(BONE_LESION, lesion.boneLesion);
  const alignment = pointsFor(ALIGNMENT, lesion.alignment);
  const collapse = pointsFor(COLLAPSE, lesion.collapse);
  const posterolateral = pointsFor(POSTEROLATERAL, lesion.posterolateral);
  const total = plus(plus(plus(location, pain), plus(boneLesion, alignment)), plus(collapse, posterolateral));
  return SINS_BANDS.outcome(total, { location, pain, boneLesion, alignment, collapse, posterolateral });
}
