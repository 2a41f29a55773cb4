import { patientField } from '../patient/patient-fields.js';
import type { Aggregate, InputSpec, LoadedRuleSet, Scalar } from '../ruleset/types.js';
import { aggregate } from './aggregate.js';
import { absentValue } from './implied-inputs.js';
import { FactStates, type FactState } from './fact-state.js';
import { lesionField } from './lesion-field.js';
import { keepsInput, type TraceLevel } from './trace-level.js';
import type { InputTrace } from './types.js';
import type { UpstreamResults } from './upstream.js';
import { listedVertebrae, placesOfUnplaced } from '../patient/listed-vertebrae.js';
import { citationOf } from '../ruleset/citation.js';

export type Record_ = Record<string, unknown>;

/** The patient (and, for lesion-scope rule sets, one of its lesions) being evaluated. */
export interface ScopeInstance {
  patient: Record_;
  lesion?: Record_;
  lesionIndex?: number;
  upstream: UpstreamResults;
}

/**
 * Reads every declared input: from the patient or lesion (as given, defaulted as declared, or converted
 * into the rule set's unit), from a required rule set's outputs, or combined over all lesions. An
 * absent value stays missing — never a zero. Only the input entries the trace level keeps are built.
 */
export function readInputs(ruleset: LoadedRuleSet, instance: ScopeInstance, level: TraceLevel = 'full'): { facts: FactStates; trace: InputTrace[] } {
  const facts = new FactStates(ruleset);
  const trace: InputTrace[] = [];
  // An aggregate's entry is taken from no other field, so the level alone says whether it is kept.
  const aggregatesTraced = keepsInput(level, AGGREGATED);
  for (const plan of inputPlans(ruleset)) {
    const { name, input } = plan;
    const read = plan.source === 'lesions' ? readAggregate(ruleset, plan, instance, aggregatesTraced) : plan.source === 'upstream' ? readUpstream(input, instance) : readField(ruleset, plan, instance);
    facts.set(name, read.state);
    if (keepsInput(level, read.trace)) trace.push(inputEntry(ruleset, instance.lesionIndex, name, read));
  }
  return { facts, trace };
}

/** The traces of a value used as given and of an absent one: shared, as the entry copies them. */
const GIVEN: Read['trace'] = { source: 'given' };
const MISSING: Read['trace'] = { source: 'missing' };
/** An aggregate's trace where the level keeps no aggregate entry: what it combined is not worked out. */
const AGGREGATED: Read['trace'] = { source: 'aggregate' };

/** An input's trace entry, by assignment in its key order (kind, ruleset, lesion, input, how it was read, value, possible or explored). */
function inputEntry(ruleset: LoadedRuleSet, lesion: number | undefined, input: string, read: Read): InputTrace {
  const { state, trace } = read;
  const entry = { kind: 'input', ruleset: ruleset.document.id } as InputTrace;
  if (lesion !== undefined) entry.lesion = lesion;
  entry.input = input;
  Object.assign(entry, trace);
  entry.value = state.present ? state.value : null;
  if (state.present) return entry;
  // The values the exploration of missing data tries for it (missing-values.ts), as it tries them.
  const explored = read.explored ?? (state.domain ? undefined : ruleset.facts.get(input)?.representatives);
  if (explored) entry.explored = explored;
  else if (state.domain) entry.possible = state.domain;
  return entry;
}

interface Read {
  state: FactState;
  trace: Omit<InputTrace, 'kind' | 'ruleset' | 'lesion' | 'input' | 'value'>;
  /** A number narrowed to a range: its domain stands for the range, so the entry lists it as explored, not as every value possible. */
  explored?: readonly Scalar[];
}

/**
 * How one declared input is read, worked out once per rule set. Every plan has one shape: the rule
 * file's input objects have a shape per combination of keys, and reading them for every input of every
 * patient went through V8's slow lookups across shapes.
 */
interface InputPlan {
  name: string;
  input: InputSpec;
  source: 'lesions' | 'upstream' | 'field';
  /** For a field: the record it is on, its name there and the unit it is read in. */
  from: 'lesion' | 'patient';
  field: string;
  unit: string | undefined;
}

/** The rule set's inputs in key order, as the content hash sees them: the same hash always gives the same trace. */
function inputPlans(ruleset: LoadedRuleSet): readonly InputPlan[] {
  let plans = plansByRuleSet.get(ruleset);
  if (!plans) {
    plans = sortedEntries(ruleset.document.inputs).map(([name, input]): InputPlan => ({
      name,
      input,
      source: input.from === 'lesions' ? 'lesions' : input.upstream ? 'upstream' : 'field',
      from: input.from === 'lesion' || (input.from === undefined && ruleset.document.scope === 'lesion') ? 'lesion' : 'patient',
      field: input.field ?? name,
      unit: input.unit,
    }));
    plansByRuleSet.set(ruleset, plans);
  }
  return plans;
}
const plansByRuleSet = new WeakMap<LoadedRuleSet, readonly InputPlan[]>();

function readField(ruleset: LoadedRuleSet, { name, input, from, field, unit }: InputPlan, instance: ScopeInstance): Read {
  const raw = (from === 'lesion' ? instance.lesion : instance.patient)?.[field];
  if (raw === undefined) {
    const lesions = Array.isArray(instance.patient.lesions) ? instance.patient.lesions : undefined;
    const fallback = input.default;
    if (fallback && 'countOf' in fallback && lesions && lesions.length > 0) {
      // Of a list that may be partial, the number listed is no count, only its least.
      if (mayBePartial(instance.patient)) return countAtLeastListed(ruleset, name, field, lesions);
      const { least, most, repeated } = listedVertebrae(lesions);
      const counted = least === most ? `${most} vertebra${most === 1 ? '' : 'e'}` : `${least} to ${most} vertebrae (a lesion without a level may be at a level listed already)`;
      const note = `the lesions listed involve ${counted}${repeated.length ? ` (${repeated.join(', ')} listed more than once, counted once)` : ''}`;
      if (least === most) return { state: { present: true, value: most }, trace: { source: 'default', takenFrom: ['lesions'], note } };
      // Still missing: giving the count (or the levels) decides it.
      const domain = Array.from({ length: most - least + 1 }, (_, i) => least + i);
      return { state: { present: false, because: [field], domain }, trace: { source: 'missing', takenFrom: ['lesions'], note } };
    }
    const placed = field === 'level' && from === 'lesion' ? placedByCount(instance.patient) : undefined;
    if (placed) return placed;
    const record = from === 'lesion' ? instance.lesion : instance.patient;
    const absent = absentValue(input, record);
    if (!absent) return { state: { present: false, because: [field] }, trace: MISSING };
    const { takenFrom, note } = absent;
    if ('value' in absent) return { state: { present: true, value: absent.value }, trace: { source: 'default', takenFrom, note } };
    // Still missing: only the values it may take are fewer (the trace entry lists them as `possible`),
    // or, when the other fields disagree, every value stays possible.
    const state: FactState = 'values' in absent ? { present: false, because: [field], domain: absent.values } : { present: false, because: [field] };
    return { state, trace: { source: 'missing', takenFrom, note } };
  }
  // Without a unit to convert into, only a {value, unit} form needs unwrapping (no field lookup).
  const quantity = unit ? asQuantity(raw, patientField(from, field)?.unit) : typeof raw === 'object' ? asQuantity(raw, undefined) : undefined;
  if (!quantity || !unit || quantity.unit === unit) {
    const value = (quantity ? quantity.value : raw) as Scalar;
    return { state: { present: true, value }, trace: unit ? { source: 'given', unit } : GIVEN };
  }
  const conversion = input.conversions?.find((c) => c.from === quantity.unit);
  if (!conversion) {
    // The loader checks that every unit the patient contract admits has a conversion; this is a guard.
    return { state: { present: false, because: [field] }, trace: { source: 'missing', given: raw, note: `no conversion from ${quantity.unit} to ${unit}` } };
  }
  // Rounded so that, e.g., 35 g/L × 0.1 compares equal to the 3.5 g/dL threshold despite binary floating point.
  const value = Math.round(quantity.value * conversion.factor * 1e10) / 1e10;
  const citation = citationOf(ruleset.document, conversion.reference);
  return { state: { present: true, value }, trace: { source: 'converted', given: raw, unit, conversion: { ...conversion, reference: citation } } };
}

/**
 * A count the lesions listed may fall short of (`lesionsIncomplete`): missing, but never fewer than the
 * vertebrae they involve (a lesion without a level may share a listed one), as a count below would be
 * a value the data rules out. The rule set's representatives above that least are explored, and the
 * least itself for the values between it and the next; the note gives the range they stand for.
 */
function countAtLeastListed(ruleset: LoadedRuleSet, name: string, field: string, lesions: readonly unknown[]): Read {
  const { least } = listedVertebrae(lesions);
  const { maximum } = patientField('patient', field) ?? {};
  const above = (ruleset.facts.get(name)?.representatives ?? []).filter((v) => typeof v === 'number' && v > least);
  const explored = [least, ...above];
  const note = `the lesions listed may not be all (lesionsIncomplete) and involve at least ${least} vertebra${least === 1 ? '' : 'e'}: ${field} is at least ${least}${maximum === undefined ? '' : ` (at most ${maximum})`}`;
  return { state: { present: false, because: [field], domain: explored }, trace: { source: 'missing', takenFrom: ['lesions', 'lesionsIncomplete'], note }, explored };
}

/** An output of a required rule set: of the same lesion when that rule set is per lesion, else the patient's. */
function readUpstream(input: InputSpec, instance: ScopeInstance): Read {
  const { ruleset, output } = input.upstream as NonNullable<InputSpec['upstream']>;
  const lesionExports = instance.lesionIndex === undefined ? undefined : instance.upstream.lesions[instance.lesionIndex]?.get(ruleset);
  const exports = lesionExports ?? instance.upstream.patient.get(ruleset);
  const state: FactState = exports?.get(output) ?? { present: false, because: [`${ruleset}.${output}`] };
  const lesion = lesionExports ? lesionField(instance.lesionIndex) : {};
  return { state, trace: { source: 'upstream', upstream: { ruleset, output, ...lesion } } };
}

/** One value per listed lesion (a lesion field or a lesion-scope rule set's output), combined. */
function readAggregate(ruleset: LoadedRuleSet, { name, input, field: lesionFieldName }: InputPlan, instance: ScopeInstance, traced: boolean): Read {
  const lesions = Array.isArray(instance.patient.lesions) ? (instance.patient.lesions as Record_[]) : undefined;
  const fn = input.aggregate ?? 'count';
  const field = input.upstream ? `${input.upstream.ruleset}.${input.upstream.output}` : lesionFieldName;
  if (!lesions) return { state: { present: false, because: ['lesions'] }, trace: { source: 'missing', note: 'no lesions listed' } };
  // A lesion without a level is at a listed one when the count leaves no vertebra of its own.
  const places = lesionFieldName === 'level' && !input.upstream ? placesOfUnplaced(instance.patient) : undefined;
  const states = lesions.map((lesion, i): FactState => {
    if (input.upstream) return instance.upstream.lesions[i]?.get(input.upstream.ruleset)?.get(input.upstream.output) ?? { present: false, because: [field] };
    const raw = lesion[lesionFieldName];
    if (raw === undefined && places) {
      const values = [...new Set(places.map((level): Scalar => (input.matches ? input.matches.includes(level) : level)))];
      return values.length === 1 ? { present: true, value: values[0] as Scalar } : { present: false, because: [lesionFieldName], domain: values };
    }
    if (raw === undefined) return { present: false, because: [lesionFieldName], ...(input.matches ? { domain: [true, false] } : {}) };
    return { present: true, value: input.matches ? input.matches.includes(String(raw)) : (raw as Scalar) };
  });
  const unlisted = input.countedBy === undefined ? NONE_UNLISTED : unlistedVertebrae(ruleset, input.countedBy, instance.patient, lesions);
  // A missing lesion value could be any value the contract allows for the field (or the input's own values).
  const fieldEnum = input.upstream ? undefined : (patientField('lesion', lesionFieldName)?.enum as Scalar[] | undefined);
  const candidates = fn === 'any' || fn === 'all' ? [true, false] : (fieldEnum ?? [...(ruleset.facts.get(name)?.representatives ?? [])]);
  const order: readonly Scalar[] = fn === 'contiguous' ? (fieldEnum ?? []) : (input.enum ?? []);
  // Each number of unlisted vertebrae the levels leave possible gives its combination; the fact is what they all give.
  const outcomes: FactState[] = [];
  for (let n = unlisted.least; n <= unlisted.most; n++) outcomes.push(aggregate(fn, [...states, ...Array<FactState>(n).fill(UNLISTED)], order, candidates));
  const state = outcomes.every((o) => sameState(o, outcomes[0] as FactState)) ? (outcomes[0] as FactState) : anyOf(outcomes, order, unlisted.decidedBy);
  if (!traced) return { state, trace: AGGREGATED };
  const values = [...states, ...Array<FactState>(unlisted.most).fill(UNLISTED)].map((s) => (s.present ? s.value : null));
  const trace: Read['trace'] = { source: 'aggregate', aggregate: aggregateTrace(fn, field, values, input, order, lesions, lesionFieldName, unlisted.most) };
  if (unlisted.most > 0) trace.note = unlistedNote(input.countedBy as string, unlisted, lesions.length);
  else if (lesions.length === 0 && !state.present) trace.note = 'no lesion is listed';
  // An open combination says what it may still be, as a missing input does (over no lesion at all: any value).
  if (!state.present) trace.possible = state.domain ?? (fn === 'any' || fn === 'all' || fn === 'contiguous' ? [true, false] : order.length ? order : candidates);
  return { state, trace };
}

/**
 * What an auditor needs to recompute the combination from the trace alone: with `matches`, the list and
 * each lesion's value as given (`values` are then whether it matched); with an ordering function, the
 * order (max/min rank by it, worst last; contiguous reads adjacency from it). These are the rule set's
 * and the patient contract's own arrays, shared, not copied.
 */
function aggregateTrace(fn: Aggregate, field: string, values: Array<Scalar | null>, input: InputSpec, order: readonly Scalar[], lesions: readonly Record_[], lesionFieldName: string, unlisted: number): NonNullable<InputTrace['aggregate']> {
  const trace: NonNullable<InputTrace['aggregate']> = { function: fn, field, values };
  if (input.matches) {
    trace.given = [...lesions.map((lesion) => (lesion[lesionFieldName] ?? null) as Scalar | null), ...Array<null>(unlisted).fill(null)];
    trace.matches = input.matches;
  }
  if (order.length > 0 && (fn === 'max' || fn === 'min' || fn === 'contiguous')) trace.order = order;
  return trace;
}

/**
 * A lesion's absent level, when the vertebrae counted are all listed: one of those levels (taken when
 * there is one), traced as taken from the count and the lesions.
 */
function placedByCount(patient: Record_): Read | undefined {
  const places = placesOfUnplaced(patient);
  if (!places) return undefined;
  const note = `spinalMetastasisCount ${String(patient.spinalMetastasisCount)} counts only the vertebrae the lesions list (${places.join(', ')})`;
  const takenFrom = ['spinalMetastasisCount', 'lesions'];
  if (places.length === 1) return { state: { present: true, value: places[0] as string }, trace: { source: 'default', takenFrom, note } };
  return { state: { present: false, because: ['level'], domain: places }, trace: { source: 'missing', takenFrom, note } };
}

/** A vertebra counted but not listed: its value is unknown, and listing it as a lesion would give it. */
const UNLISTED: FactState = { present: false, because: ['lesions'] };
const NONE_UNLISTED: Unlisted = { least: 0, most: 0, counted: false, decidedBy: 'lesions' };

interface Unlisted {
  least: number;
  most: number;
  /** The patient gives the count (else the lesions listed stand for it). */
  counted: boolean;
  /**
   * What, given, settles how many there are, named missing where that changes the fact: a lesion's level
   * (a count given), the count (a list that may be partial), the lesions (none listed).
   */
  decidedBy: string;
}

/**
 * How many vertebrae the count input (as the patient gives it) counts beyond those the lesions list: a
 * range when a lesion without a level may be at a level listed already.
 */
function unlistedVertebrae(ruleset: LoadedRuleSet, countedBy: string, patient: Record_, lesions: readonly unknown[]): Unlisted {
  const field = ruleset.document.inputs[countedBy]?.field ?? countedBy;
  const count = patient[field];
  if (typeof count !== 'number') {
    // Without a count the lesions listed are the count (its default), unless they may not be all; with
    // none listed, every involved vertebra is one the list leaves out, as many as the patient contract
    // lets the count be (one more than the least, should it give no maximum: enough to leave every
    // combination open). Of a list that may be partial, none to as many more as the count allows.
    const { minimum, maximum } = patientField('patient', field) ?? {};
    if (lesions.length > 0) {
      if (!mayBePartial(patient)) return NONE_UNLISTED;
      const listed = listedVertebrae(lesions).least;
      return { least: 0, most: Math.max(0, (maximum ?? listed + 1) - listed), counted: false, decidedBy: field };
    }
    const least = Math.max(1, minimum ?? 1);
    return { least, most: maximum ?? least + 1, counted: false, decidedBy: 'lesions' };
  }
  const listed = listedVertebrae(lesions);
  return { least: Math.max(0, count - listed.most), most: Math.max(0, count - listed.least), counted: true, decidedBy: 'level' };
}

function unlistedNote(countedBy: string, { least, most, counted }: Unlisted, listed: number): string {
  if (listed > 0 && !counted) return `the lesions listed may not be all (lesionsIncomplete) and ${countedBy} is missing: up to ${most} vertebrae more may be involved`;
  if (listed === 0) return counted ? `no lesion is listed; ${countedBy} counts ${most} vertebra${most === 1 ? '' : 'e'}, each unknown` : `no lesion is listed and ${countedBy} is missing: the ${least} to ${most} vertebrae involved are unknown`;
  if (least === most) return `${countedBy} counts ${most} vertebra${most === 1 ? '' : 'e'} more than the lesions list: the last ${most === 1 ? 'value is' : `${most} values are`} unknown`;
  return `${countedBy} counts ${least} to ${most} vertebrae more than the lesions list (a lesion without a level may be at a level listed already): the last ${most} values may be unknown vertebrae or none`;
}

/** The patient says the lesions listed may be only some of those involved (a record read in part). */
const mayBePartial = (patient: Record_): boolean => patient.lesionsIncomplete === true;

const sameState = (a: FactState, b: FactState): boolean =>
  a.present ? b.present && a.value === b.value : !b.present && String(a.domain) === String(b.domain) && String(a.because) === String(b.because);

/** The fact that is one of outcomes that differ: what settles how many vertebrae the list leaves out (a level, the count, the lesions themselves) decides which, so it is named. */
function anyOf(outcomes: readonly FactState[], order: readonly Scalar[], leftOut: string): FactState {
  const values = new Set<Scalar>();
  const because = new Set<string>([leftOut]);
  for (const o of outcomes) {
    if (o.present) values.add(o.value);
    else {
      for (const v of o.domain ?? []) values.add(v);
      for (const b of o.because) because.add(b);
    }
  }
  const rank = (v: Scalar): number => (order.length ? order.indexOf(v) : typeof v === 'number' ? v : 0);
  return { present: false, because: [...because], domain: [...values].sort((a, b) => rank(a) - rank(b)) };
}

function asQuantity(raw: unknown, bareUnit: string | undefined): { value: number; unit: string } | undefined {
  if (typeof raw === 'number' && bareUnit) return { value: raw, unit: bareUnit };
  if (raw && typeof raw === 'object' && 'value' in raw && 'unit' in raw) {
    const q = raw as { value: unknown; unit: unknown };
    if (typeof q.value === 'number' && typeof q.unit === 'string') return { value: q.value, unit: q.unit };
  }
  return undefined;
}

/**
 * Entries by key, independent of the order the keys were written in. A rule set's records do not change
 * once loaded, so each is sorted once, not once per patient.
 */
export function sortedEntries<T>(record: Readonly<Record<string, T>>): ReadonlyArray<[string, T]> {
  let sorted = sortedCache.get(record) as Array<[string, T]> | undefined;
  if (!sorted) {
    sorted = Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    sortedCache.set(record, sorted);
  }
  return sorted;
}
const sortedCache = new WeakMap<object, unknown>();
