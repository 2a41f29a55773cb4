/**
 * The full pipeline written by hand: what `withRequirements(['sins', 'nesms', 'noms', 'plan'])` evaluates
 * (SINS and NOMS per lesion; NESMS, modified Bauer, revised Tokuhashi, Tomita, revised Katagiri and the
 * plan per patient), with the outputs the engine's results give, keyed by rule-set id like them. It shares
 * no code with src/ and reads no rule file: the "same logic written by hand" the benchmark compares with.
 */
import { katagiriRevised, type KatagiriComponent } from './katagiri-revised.js';
import { modifiedBauer, type BauerComponent } from './modified-bauer.js';
import { nesms, type NesmsOutcome } from './nesms.js';
import { noms, type NomsOutcome } from './noms.js';
import type { ScoreOutcome } from './outcomes.js';
import type { PipelineLesion, PipelinePatient } from './patient.js';
import { LesionFacts } from './lesion-facts.js';
import { PatientFacts } from './patient-facts.js';
import { plan, type PlanOutcome } from './plan.js';
import { sins, type SinsOutcome } from './sins.js';
import { tokuhashiRevised, type TokuhashiComponent } from './tokuhashi-revised.js';
import { tomita, type TomitaComponent } from './tomita.js';

export interface PipelineOutcome {
  results: {
    nesms: NesmsOutcome;
    'modified-bauer': ScoreOutcome<BauerComponent>;
    'tokuhashi-revised': ScoreOutcome<TokuhashiComponent>;
    tomita: ScoreOutcome<TomitaComponent>;
    'katagiri-revised': ScoreOutcome<KatagiriComponent>;
    plan: PlanOutcome;
  };
  /** One entry per listed lesion, in order. */
  lesions: Array<{ sins: SinsOutcome; noms: NomsOutcome }>;
}

export function evaluatePipeline(input: PipelinePatient): PipelineOutcome {
  const patient = new PatientFacts(input);
  const listed = input.lesions ?? [];
  const lesions: PipelineOutcome['lesions'] = new Array(listed.length);
  for (let i = 0; i < listed.length; i += 1) {
    const lesion = new LesionFacts(listed[i] as PipelineLesion);
    const score = sins(lesion);
    lesions[i] = { sins: score, noms: noms(patient, lesion, score) };
  }
  const tokuhashi = tokuhashiRevised(patient);
  const tomitaScore = tomita(patient);
  return {
    results: {
      nesms: nesms(patient),
      'modified-bauer': modifiedBauer(patient),
      'tokuhashi-revised': tokuhashi,
      tomita: tomitaScore,
      'katagiri-revised': katagiriRevised(patient),
      plan: plan(patient, tokuhashi, tomitaScore),
    },
    lesions,
  };
}
