import type { Condition, LoadedRuleSet } from '../ruleset/types.js';
import { readSchema } from '../source/schemas.js';

/** One field of the clinician form, derived from the patient schema and the rule sets' own labels. */
export interface FieldModel {
  name: string;
  label: string;
  help?: string;
  kind: 'choice' | 'boolean' | 'number' | 'quantity' | 'text';
  options?: Array<{ value: string; label: string }>;
  units?: string[];
  min?: number;
  max?: number;
  step?: number;
}

export interface FormModel {
  patient: FieldModel[];
  lesion: FieldModel[];
}

type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema>; $ref?: string; then?: JsonSchema; enum?: unknown[]; type?: string };

/**
 * The form follows the contract: every field of schemas/patient.schema.json, with the wording of the
 * rule set that reads it — a choice's label is the label of the alternative that tests it ("Yes
 * (mechanical pain)", ">50% collapse"), a field's label the component's ("Vertebral body collapse").
 */
export function formModel(rulesets: readonly LoadedRuleSet[]): FormModel {
  const schema = readSchema('patient') as JsonSchema;
  const defs = (schema.$defs ?? {}) as Record<string, JsonSchema>;
  const resolve = (s: JsonSchema): JsonSchema => (s.$ref ? (defs[s.$ref.replace('#/$defs/', '')] ?? s) : s);
  const labels = ruleSetLabels(rulesets);
  const fields = (properties: Record<string, JsonSchema>): FieldModel[] =>
    Object.entries(properties)
      .filter(([name, s]) => name !== 'lesions' && s.type !== 'array')
      .map(([name, s]) => field(name, s, resolve, labels));
  const lesion = resolve((schema.properties?.lesions?.items ?? {}) as JsonSchema);
  return { patient: fields(schema.properties ?? {}), lesion: fields(lesion.properties ?? {}) };
}

/**
 * Each field's label on the form, by name: the card names what to provide by it, as the page names what
 * is missing. Worked out once per set of rule sets (a snapshot's list), not on every call.
 */
export function fieldLabels(rulesets: readonly LoadedRuleSet[]): ReadonlyMap<string, string> {
  let labels = labelsByRuleSets.get(rulesets);
  if (!labels) {
    const { patient, lesion } = formModel(rulesets);
    labels = new Map([...patient, ...lesion].map((f) => [f.name, f.label]));
    labelsByRuleSets.set(rulesets, labels);
  }
  return labels;
}
const labelsByRuleSets = new WeakMap<readonly LoadedRuleSet[], ReadonlyMap<string, string>>();

interface Labels {
  fields: Map<string, string>;
  options: Map<string, string>;
}

function field(name: string, s: JsonSchema, resolve: (s: JsonSchema) => JsonSchema, labels: Labels): FieldModel {
  const description = typeof s.description === 'string' ? s.description : '';
  // The rule sets' own label, else the schema's title, else the description's opening words, else the name in words.
  const title = typeof s.title === 'string' ? s.title : undefined;
  const base = { name, label: labels.fields.get(name) ?? title ?? shortLabel(description) ?? humanise(name), ...(description ? { help: description } : {}) };
  const quantity = s.then ? resolve(s.then) : s.type === 'object' ? s : undefined;
  const unit = quantity?.properties?.unit;
  if (quantity && unit?.enum) return { ...base, kind: 'quantity', units: unit.enum.map(String), min: 0 };
  if (s.enum) return { ...base, kind: 'choice', options: s.enum.map((v) => ({ value: String(v), label: labels.options.get(`${name}=${String(v)}`) ?? String(v).replace(/_/g, ' ') })) };
  if (s.type === 'boolean') return { ...base, kind: 'boolean' };
  if (s.type === 'number' || s.type === 'integer') {
    return { ...base, kind: 'number', ...num('min', s.minimum), ...num('max', s.maximum), step: typeof s.multipleOf === 'number' ? s.multipleOf : s.type === 'integer' ? 1 : 0.1 };
  }
  return { ...base, kind: 'text' };
}

function num(key: 'min' | 'max', value: unknown): Partial<FieldModel> {
  return typeof value === 'number' ? { [key]: value } : {};
}

/**
 * Component labels for the lesion field a component tests alone; alternative labels for `field equal
 * value`. Lesion scope only: a patient-scope component often tests a derived reading of its field
 * ("primary tumor is not lung"), which is no name for the field itself.
 */
function ruleSetLabels(rulesets: readonly LoadedRuleSet[]): Labels {
  const fields = new Map<string, string>();
  const options = new Map<string, string>();
  for (const ruleset of rulesets.filter((r) => r.document.scope === 'lesion')) {
    for (const part of ruleset.parts) {
      if (part.kind !== 'component' || part.facts.length !== 1) continue;
      const [fact] = part.facts;
      const input = fact ? ruleset.document.inputs[fact] : undefined;
      if (!fact || !input || input.upstream || input.from === 'lesions') continue;
      const name = input.field ?? fact;
      if (!fields.has(name)) fields.set(name, part.label);
      for (const alternative of part.alternatives) {
        const test = equalTest(alternative.when);
        if (test?.fact === fact && !options.has(`${name}=${test.value}`)) options.set(`${name}=${test.value}`, alternative.label);
      }
    }
  }
  return { fields, options };
}

function equalTest(condition: Condition): { fact: string; value: string } | undefined {
  return 'fact' in condition && condition.operator === 'equal' && typeof condition.value !== 'object' ? { fact: condition.fact, value: String(condition.value) } : undefined;
}

/** The contract's own wording, up to its first qualification: "C-reactive protein: {value, unit} in ..." → "C-reactive protein". */
function shortLabel(description: string): string | undefined {
  const head = description.split(/[:;,.(]/)[0]?.trim() ?? '';
  return head.length >= 3 && head.length <= 50 ? head : undefined;
}

/** `ambulatoryStatus` → "Ambulatory status". */
function humanise(name: string): string {
  const words = name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
