/**
 * A lesion's inputs read once into one object shape (SINS and NOMS read them); like patients, lesions
 * arrive in many shapes, so the keys present are visited rather than each field looked up (see
 * patient-facts.ts).
 */
import type { PipelineLesion } from './patient.js';

type Field<K extends keyof PipelineLesion> = PipelineLesion[K];

export class LesionFacts {
  readonly level: Field<'level'> = undefined;
  readonly pain: Field<'pain'> = undefined;
  readonly boneLesion: Field<'boneLesion'> = undefined;
  readonly alignment: Field<'alignment'> = undefined;
  readonly collapse: Field<'collapse'> = undefined;
  readonly posterolateral: Field<'posterolateral'> = undefined;
  readonly bilskyGrade: Field<'bilskyGrade'> = undefined;
  readonly myelopathy: boolean | undefined = undefined;

  constructor(lesion: PipelineLesion) {
    for (const key in lesion) {
      const value = (lesion as Record<string, unknown>)[key] as never;
      if (value === undefined) continue;
      switch (key) {
        case 'level': this.level = value; break;
        case 'pain': this.pain = value; break;
        case 'boneLesion': this.boneLesion = value; break;
        case 'alignment': this.alignment = value; break;
        case 'collapse': this.collapse = value; break;
        case 'posterolateral': this.posterolateral = value; break;
        case 'bilskyGrade': this.bilskyGrade = value; break;
        case 'myelopathy': this.myelopathy = value; break;
        default: // id, and fields no rule set here reads
      }
    }
  }
}
