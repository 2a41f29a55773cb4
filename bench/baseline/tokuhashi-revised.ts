/**
 * Revised Tokuhashi (Tokuhashi 2005, as CLINICAL-REFERENCE.md gives it): six parameters, total 0-15;
 * 0-8 predicts survival under 6 months, 9-11 six months or more, 12-15 a year or more.
 */
import { Bands, type ScoreOutcome } from './outcomes.js';
import type { PatientFacts } from './patient-facts.js';
import { groupTable, plus, pointOf, pointsFor, pointsOf, pointTable, type PointSet } from './point-set.js';

export type TokuhashiComponent = 'generalCondition' | 'extraspinalBone' | 'vertebralBody' | 'majorOrgans' | 'primarySite' | 'palsy';

const [P0, P1, P2] = [pointOf(0), pointOf(1), pointOf(2)];
const ANY_0_TO_2 = pointsOf(0, 1, 2);

/** Karnofsky 10-40% 0, 50-70% 1, 80-100% 2 (the patient contract starts at 10, as the table does). */
function generalCondition(karnofsky: number | undefined): PointSet {
  if (karnofsky === undefined) return ANY_0_TO_2;
  if (karnofsky >= 80) return P2;
  if (karnofsky > 40) return P1;
  return karnofsky >= 10 ? P0 : ANY_0_TO_2;
}

/** Extraspinal bone metastasis foci: 3 or more 0, 1-2 1, none 2. */
function extraspinalBone(count: number | undefined): PointSet {
  if (count === undefined) return ANY_0_TO_2;
  if (count >= 3) return P0;
  if (count >= 1 && count <= 2) return P1;
  return count === 0 ? P2 : ANY_0_TO_2;
}

/** Metastases in the vertebral body: 3 or more 0, 2 1, 1 2; over every count from the least to the most. */
function vertebralBody(counts: readonly [number, number] | undefined): PointSet {
  if (counts === undefined) return ANY_0_TO_2;
  let points = 0;
  for (let count = Math.min(counts[0], 3); count <= Math.min(counts[1], 3); count++) points |= count >= 3 ? P0 : count === 2 ? P1 : P2;
  return points;
}

/** Metastases to the major internal organs: unremovable 0, removable 1, none 2. */
const MAJOR_ORGANS = pointTable({ unremovable: 0, removable: 1, none: 2 });
/** The same with visceral metastases present, where the patient contract leaves only removable or unremovable. */
const MAJOR_ORGANS_WITH_VISCERAL = pointTable({ unremovable: 0, removable: 1 });

/**
 * Primary site: 0 lung, stomach, bladder, esophagus, pancreas; 1 liver, unidentified; 2 others; 3 kidney,
 * uterus; 5 thyroid, breast, prostate (carcinoid); colorectal by its site (rectum 4; colon is not named,
 * so "others" 2). sarcoma is 0 or 2 (osteosarcoma 0, other sarcomas "others"). neuroendocrine and other
 * have no row (carcinoid is 5 but other neuroendocrine carcinomas are not): like a missing histology they
 * leave the class open, colorectal included.
 */
const PRIMARY_SITE = groupTable([
  [0, ['lung_nsclc', 'lung_sclc', 'gastric', 'bladder', 'esophageal', 'pancreatic']],
  [1, ['hepatocellular', 'unknown_primary']],
  [2, ['melanoma', 'myeloma', 'lymphoma', 'seminoma', 'ovarian', 'head_neck']],
  [3, ['renal_cell', 'uterine']],
  [5, ['thyroid', 'breast', 'prostate']],
]);
const COLORECTAL_SITE = pointTable({ colon: 2, rectum: 4 });

function primarySite(patient: PatientFacts): PointSet {
  const primary = patient.primaryTumor;
  const colorectal = pointsFor(COLORECTAL_SITE, patient.colorectalSite);
  if (primary === 'colorectal') return colorectal;
  if (primary === 'sarcoma') return pointsOf(0, 2);
  return (primary === undefined ? undefined : PRIMARY_SITE.of.get(primary)) ?? (PRIMARY_SITE.any | colorectal);
}

/** Palsy (Frankel): A, B 0; C, D 1; E 2. */
const PALSY = pointTable({ A: 0, B: 0, C: 1, D: 1, E: 2 });

const TOKUHASHI_BANDS = new Bands([
  { category: 'under_6_months', min: 0, max: 8 },
  { category: 'at_least_6_months', min: 9, max: 11 },
  { category: 'at_least_1_year', min: 12, max: 15 },
]);

export function tokuhashiRevised(patient: PatientFacts): ScoreOutcome<TokuhashiComponent> {
  const components = {
    generalCondition: generalCondition(patient.karnofsky),
    extraspinalBone: extraspinalBone(patient.extraspinalBoneMetastasisCount),
    vertebralBody: vertebralBody(patient.spinalMetastasisCount),
    majorOrgans: pointsFor(patient.visceralMetastases === true ? MAJOR_ORGANS_WITH_VISCERAL : MAJOR_ORGANS, patient.visceralMetastasesResectability),
    primarySite: primarySite(patient),
    palsy: pointsFor(PALSY, patient.frankelGrade),
  };
  const total = plus(plus(plus(components.generalCondition, components.extraspinalBone), plus(components.vertebralBody, components.majorOrgans)), plus(components.primarySite, components.palsy));
  return TOKUHASHI_BANDS.outcome(total, components);
}
