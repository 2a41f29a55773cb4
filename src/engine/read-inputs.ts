import { patientField } from '../patient/patient-fields.js';
import type { LoadedRuleSet, Scalar } from '../ruleset/types.js';
import type { FactStates } from './fact-state.js';
import { lesionField } from './lesion-field.js';
import type { InputTrace } from './types.js';

export type Record_ = Record<string, unknown>;

/** The patient (and, for lesion-scope rule sets, one of its lesions) being evaluated. */
export interface ScopeInstance {
  patient: Record_;
  lesion?: Record_;
  lesionIndex?: number;
}

/**
 * Reads every declared input from the patient or lesion: as given, defaulted as the input declares, or
 * converted into the rule set's unit. An absent value stays missing — never a zero.
 */
export function readInputs(ruleset: LoadedRuleSet, instance: ScopeInstance): { facts: FactStates; trace: InputTrace[] } {
  const { document } = ruleset;
  const facts: FactStates = new Map();
  const trace: InputTrace[] = [];
  const lesions = Array.isArray(instance.patient.lesions) ? instance.patient.lesions : undefined;
  for (const [name, input] of Object.entries(document.inputs)) {
    const from = input.from ?? document.scope;
    const container = from === 'lesion' ? instance.lesion : instance.patient;
    const raw = container?.[name];
    const base = { kind: 'input' as const, ruleset: document.id, ...lesionField(instance.lesionIndex), input: name };

    if (raw === undefined) {
      if (input.default?.countOf === 'lesions' && lesions && lesions.length > 0) {
        facts.set(name, { present: true, value: lesions.length });
        trace.push({ ...base, value: lesions.length, source: 'default', note: `absent; taken as the number of lesions listed (${lesions.length})` });
      } else {
        facts.set(name, { present: false, because: [name] });
        trace.push({ ...base, value: null, source: 'missing' });
      }
      continue;
    }

    const quantity = asQuantity(raw, patientField(from, name)?.unit);
    if (!quantity || !input.unit || quantity.unit === input.unit) {
      const value = (quantity ? quantity.value : raw) as Scalar;
      facts.set(name, { present: true, value });
      trace.push({ ...base, value, source: 'given', ...(input.unit ? { unit: input.unit } : {}) });
      continue;
    }
    const conversion = input.conversions?.find((c) => c.from === quantity.unit);
    if (!conversion) {
      // The loader checks that every unit the patient contract admits has a conversion; this is a guard.
      facts.set(name, { present: false, because: [name] });
      trace.push({ ...base, value: null, source: 'missing', given: raw, note: `no conversion from ${quantity.unit} to ${input.unit}` });
      continue;
    }
    // Rounded so that, e.g., 35 g/L × 0.1 compares equal to the 3.5 g/dL threshold despite binary floating point.
    const value = Math.round(quantity.value * conversion.factor * 1e10) / 1e10;
    facts.set(name, { present: true, value });
    const citation = document.references[conversion.reference]?.citation ?? conversion.reference;
    trace.push({ ...base, value, source: 'converted', given: raw, unit: input.unit, conversion: { ...conversion, reference: citation } });
  }
  return { facts, trace };
}

function asQuantity(raw: unknown, bareUnit: string | undefined): { value: number; unit: string } | undefined {
  if (typeof raw === 'number' && bareUnit) return { value: raw, unit: bareUnit };
  if (raw && typeof raw === 'object' && 'value' in raw && 'unit' in raw) {
    const q = raw as { value: unknown; unit: unknown };
    if (typeof q.value === 'number' && typeof q.unit === 'string') return { value: q.value, unit: q.unit };
  }
  return undefined;
}
