/**
 * A patient's inputs read once, in the units the rule sets' thresholds use, into one object shape that
 * every rule set reads; defaults are those the rule files declare.
 *
 * Why a reader at all: patients arrive as JSON objects of many shapes (any field may be absent; 2,000
 * generated patients have some 1,700 key sets), and reading a named field of such objects misses V8's
 * inline caches every time, an absent one most of all: about 5 µs a patient for the fields the pipeline
 * reads, 20 times the cost of the rule sets themselves. Visiting the keys the object has (`for...in`,
 * whose `object[key]` V8 loads by index) costs a fraction of that, and the counts five scores share are
 * worked out once.
 */
import { inUnit, type PipelinePatient, type Quantity } from './patient.js';
import { EITHER, FALSE, TRUE, type Truth } from './truth.js';

type Field<K extends keyof PipelinePatient> = PipelinePatient[K];

// Factors into the units the thresholds are stated in (nesms.yaml and katagiri-revised.yaml cite each).
const ALBUMIN = { 'g/L': 0.1 };
const PLATELETS = { '10^9/L': 1, '/µL': 0.001 };
const CALCIUM = { 'mmol/L': 4.008 };
const BILIRUBIN = { 'µmol/L': 0.05848 };
const CRP = { 'mg/L': 0.1 };
const LDH = { 'U/L': 1 };

export class PatientFacts {
  readonly primaryTumor: Field<'primaryTumor'> = undefined;
  readonly colorectalSite: Field<'colorectalSite'> = undefined;
  readonly hormoneDependent: Field<'hormoneDependent'> = undefined;
  readonly molecularTargetedTherapy: Field<'molecularTargetedTherapy'> = undefined;
  readonly radiosensitivity: Field<'radiosensitivity'> = undefined;
  readonly ambulatoryStatus: Field<'ambulatoryStatus'> = undefined;
  readonly frankelGrade: Field<'frankelGrade'> = undefined;
  readonly karnofsky: Field<'karnofsky'> = undefined;
  readonly ecog: Field<'ecog'> = undefined;
  /** As given, else implied by a grade given instead. */
  readonly visceralMetastases: Field<'visceralMetastases'> = undefined;
  /** Tokuhashi's input; "none" when visceralMetastases is false (or implied false) and it is not given. */
  readonly visceralMetastasesResectability: Field<'visceralMetastasesResectability'> = undefined;
  /** Tomita's input; "none" when visceralMetastases is false (or implied false) and it is not given. */
  readonly visceralMetastasesTreatability: Field<'visceralMetastasesTreatability'> = undefined;
  readonly visceralMetastasesPattern: Field<'visceralMetastasesPattern'> = undefined;
  readonly previousChemotherapy: Field<'previousChemotherapy'> = undefined;
  readonly toleratesSurgery: Field<'toleratesSurgery'> = undefined;
  readonly srsAvailable: Field<'srsAvailable'> = undefined;
  readonly estimatedSurvivalMonths: Field<'estimatedSurvivalMonths'> = undefined;
  /**
   * Vertebrae involved, least and most: as given, else the vertebrae the lesions list, each level once
   * (a lesion without a level at a listed one, or at its own); none listed: unknown.
   */
  readonly spinalMetastasisCount: readonly [number, number] | undefined = undefined;
  readonly extraspinalBoneMetastasisCount: number | undefined = undefined;
  /**
   * One vertebra and no bone metastasis outside the spine (NESMS, modified Bauer, Tomita, Katagiri, en
   * bloc). Either count alone rules it out. The patient contract keeps the counts at least 1 and 0.
   */
  readonly solitarySkeletal: Truth;
  /** g/dL; a bare number is g/dL. */
  readonly albumin: number | undefined;
  /** 10^3/µL. */
  readonly platelets: number | undefined;
  /** mg/dL. */
  readonly calcium: number | undefined;
  /** mg/dL. */
  readonly bilirubin: number | undefined;
  /** mg/dL. */
  readonly crp: number | undefined;
  /** IU/L. */
  readonly ldh: number | undefined;

  constructor(patient: PipelinePatient) {
    let listed: readonly [number, number] | undefined;
    let albumin: Field<'albumin'>;
    let platelets: Quantity | undefined;
    let calcium: Quantity | undefined;
    let bilirubin: Quantity | undefined;
    let crp: Quantity | undefined;
    let ldh: Quantity | undefined;
    for (const key in patient) {
      const value = (patient as Record<string, unknown>)[key] as never;
      if (value === undefined) continue; // a key present with no value is missing too
      switch (key) {
        case 'primaryTumor': this.primaryTumor = value; break;
        case 'colorectalSite': this.colorectalSite = value; break;
        case 'hormoneDependent': this.hormoneDependent = value; break;
        case 'molecularTargetedTherapy': this.molecularTargetedTherapy = value; break;
        case 'radiosensitivity': this.radiosensitivity = value; break;
        case 'ambulatoryStatus': this.ambulatoryStatus = value; break;
        case 'frankelGrade': this.frankelGrade = value; break;
        case 'karnofsky': this.karnofsky = value; break;
        case 'ecog': this.ecog = value; break;
        case 'visceralMetastases': this.visceralMetastases = value; break;
        case 'visceralMetastasesResectability': this.visceralMetastasesResectability = value; break;
        case 'visceralMetastasesTreatability': this.visceralMetastasesTreatability = value; break;
        case 'visceralMetastasesPattern': this.visceralMetastasesPattern = value; break;
        case 'previousChemotherapy': this.previousChemotherapy = value; break;
        case 'toleratesSurgery': this.toleratesSurgery = value; break;
        case 'srsAvailable': this.srsAvailable = value; break;
        case 'estimatedSurvivalMonths': this.estimatedSurvivalMonths = value; break;
        case 'spinalMetastasisCount': this.spinalMetastasisCount = [value, value]; break;
        case 'extraspinalBoneMetastasisCount': this.extraspinalBoneMetastasisCount = value; break;
        case 'lesions': listed = Array.isArray(value) ? vertebraeListed(value as Array<{ level?: string }>) : undefined; break;
        case 'albumin': albumin = value; break;
        case 'platelets': platelets = value; break;
        case 'calcium': calcium = value; break;
        case 'bilirubin': bilirubin = value; break;
        case 'crp': crp = value; break;
        case 'ldh': ldh = value; break;
        default: // fields no rule set here reads
      }
    }
    // The patient contract ties both grades and Katagiri's pattern to visceralMetastases (none: no; a
    // grade or a nodular pattern: yes; a disseminated pattern: either), so each answers for the others
    // when they are not given; a grade or pattern absent with the answer known stays open, narrowed.
    const grade = this.visceralMetastasesResectability ?? this.visceralMetastasesTreatability;
    if (grade !== undefined) this.visceralMetastases ??= grade !== 'none';
    const pattern = this.visceralMetastasesPattern;
    if (pattern === 'none' || pattern === 'nodular') this.visceralMetastases ??= pattern === 'nodular';
    if (this.visceralMetastases === false) {
      this.visceralMetastasesResectability ??= 'none';
      this.visceralMetastasesTreatability ??= 'none';
    }
    if (this.spinalMetastasisCount === undefined && listed) this.spinalMetastasisCount = listed;
    const spinal = this.spinalMetastasisCount;
    const extraspinal = this.extraspinalBoneMetastasisCount;
    this.solitarySkeletal = (spinal !== undefined && spinal[0] > 1) || (extraspinal !== undefined && extraspinal > 0) ? FALSE : spinal?.[1] === 1 && extraspinal === 0 ? TRUE : EITHER;
    this.albumin = typeof albumin === 'number' ? albumin : inUnit(albumin, 'g/dL', ALBUMIN);
    this.platelets = inUnit(platelets, '10^3/µL', PLATELETS);
    this.calcium = inUnit(calcium, 'mg/dL', CALCIUM);
    this.bilirubin = inUnit(bilirubin, 'mg/dL', BILIRUBIN);
    this.crp = inUnit(crp, 'mg/dL', CRP);
    this.ldh = inUnit(ldh, 'IU/L', LDH);
  }
}

/** Each level once; a lesion without a level at a listed one (the least) or on its own (the most); none listed: unknown. */
function vertebraeListed(lesions: ReadonlyArray<{ level?: string }>): readonly [number, number] | undefined {
  const levels = new Set<string>();
  let unplaced = 0;
  for (const l of lesions) {
    if (typeof l?.level === 'string') levels.add(l.level);
    else unplaced++;
  }
  const most = levels.size + unplaced;
  return most === 0 ? undefined : [levels.size || 1, most];
}
