import { patientField } from '../patient/patient-fields.js';
import type { Problem } from '../problems/problem.js';
import { closest } from '../source/closest.js';
import type { PathSegment, SourceDocument } from '../source/source-document.js';
import { forEachLeaf } from './conditions.js';
import { achievableTotals, type FactInfo } from './fact-model.js';
import { isKnownOperator } from '../engine/run-rules.js';
import { placedScores } from './score-paths.js';
import type { LeafCondition, RuleSetDocument } from './types.js';

const NUMERIC_OPERATORS = new Set(['lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive']);
const LIST_OPERATORS = new Set(['in', 'notIn']);

/**
 * Checks what JSON Schema cannot: that names resolve (facts, tables, references, patient fields), that
 * values lie in their facts' domains, that ids are unique and that bands tile the achievable totals.
 */
export function checkSemantics(doc: RuleSetDocument, facts: ReadonlyMap<string, FactInfo>, source: SourceDocument): Problem[] {
  const problems: Problem[] = [];
  const at = (path: PathSegment[], code: Problem['code'], message: string, key = false): void => {
    problems.push(source.problemAt(path, code, message, { key }));
  };
  const reference = (id: string | undefined, path: PathSegment[]): void => {
    if (id !== undefined && !doc.references[id]) {
      const hint = closest(id, Object.keys(doc.references));
      at(path, 'UNKNOWN_REFERENCE', `reference "${id}" is not in references${hint ? `; did you mean "${hint}"?` : ''}`);
    }
  };

  if (!doc.changelog.some((c) => c.version === doc.version)) {
    at(['changelog'], 'CHANGELOG_MISSING_VERSION', `the changelog has no entry for version ${doc.version}`);
  }

  // Inputs: each names a field of the patient contract, with the same allowed values and a known unit.
  for (const [name, input] of Object.entries(doc.inputs)) {
    const from = input.from ?? doc.scope;
    if (from === 'lesion' && doc.scope === 'patient') {
      at(['inputs', name, 'from'], 'UNKNOWN_PATIENT_FIELD', 'a patient-scope rule set cannot read a lesion field');
      continue;
    }
    const field = patientField(from, name);
    if (!field) {
      at(['inputs', name], 'UNKNOWN_PATIENT_FIELD', `"${name}" is not a ${from} field of schemas/patient.schema.json`, true);
      continue;
    }
    if (input.type === 'string' && !input.enum) at(['inputs', name], 'INPUT_DOMAIN_MISMATCH', `string input "${name}" must list its allowed values (enum)`, true);
    if (input.enum && field.enum) {
      const declared = new Set(input.enum);
      const contract = new Set(field.enum.map(String));
      const extra = [...declared].filter((v) => !contract.has(v));
      const absent = [...contract].filter((v) => !declared.has(v));
      if (extra.length || absent.length) {
        at(['inputs', name, 'enum'], 'INPUT_DOMAIN_MISMATCH',
          `allowed values differ from the patient contract${extra.length ? `; not in the contract: ${extra.join(', ')}` : ''}${absent.length ? `; not handled here: ${absent.join(', ')}` : ''}`);
      }
    }
    for (const unit of field.units) {
      if (input.unit && unit !== input.unit && !input.conversions?.some((c) => c.from === unit)) {
        at(['inputs', name, 'unit'], 'UNIT_MISMATCH', `the patient contract admits ${name} in ${unit}, and there is no conversion from ${unit} to ${input.unit}`);
      }
    }
    input.conversions?.forEach((c, i) => reference(c.reference, ['inputs', name, 'conversions', i, 'reference']));
  }

  // Tables and the facts derived from them.
  for (const [name, table] of Object.entries(doc.tables ?? {})) {
    reference(table.reference, ['tables', name, 'reference']);
    for (const [key, row] of Object.entries(table.rows)) {
      const value = typeof row === 'string' ? row : row.value;
      if (!table.values.includes(value)) {
        at(['tables', name, 'rows', key], 'TABLE_VALUE_NOT_IN_DOMAIN', `"${value}" is not one of the table's values: ${table.values.join(', ')}`);
      }
      if (typeof row !== 'string') reference(row.reference, ['tables', name, 'rows', key, 'reference']);
    }
  }
  for (const [name, derived] of Object.entries(doc.derived ?? {})) {
    if (doc.inputs[name]) at(['derived', name], 'DUPLICATE_ID', `"${name}" is both an input and a derived fact`, true);
    const table = doc.tables?.[derived.lookup];
    if (!table) at(['derived', name, 'lookup'], 'UNKNOWN_TABLE', `no table named "${derived.lookup}"${hintFrom(derived.lookup, Object.keys(doc.tables ?? {}))}`);
    const key = doc.inputs[derived.key];
    if (!key) {
      at(['derived', name, 'key'], 'UNKNOWN_FACT', `the key "${derived.key}" is not an input${hintFrom(derived.key, Object.keys(doc.inputs))}`);
    } else if (table && key.enum) {
      for (const row of Object.keys(table.rows)) {
        if (!key.enum.includes(row)) at(['tables', derived.lookup, 'rows', row], 'TABLE_KEY_NOT_IN_DOMAIN', `"${row}" is not an allowed value of ${derived.key}${hintFrom(row, key.enum)}`, true);
      }
    }
  }

  // Scores: unique ids, resolvable conditions, references, bands.
  const componentIds = new Map<string, PathSegment[]>();
  const available = new Set([...Object.keys(doc.inputs), ...Object.keys(doc.derived ?? {})]);
  for (const { score, path } of placedScores(doc)) {
    if (path[0] === 'subscores' && available.has(score.id)) at([...path, 'id'], 'DUPLICATE_ID', `"${score.id}" is already the name of a fact`);
    reference(score.total?.reference, [...path, 'total', 'reference']);
    score.components.forEach((component, ci) => {
      const cPath = [...path, 'components', ci];
      if (componentIds.has(component.id)) at([...cPath, 'id'], 'DUPLICATE_ID', `component id "${component.id}" is used twice`);
      componentIds.set(component.id, cPath);
      reference(component.reference, [...cPath, 'reference']);
      const alternativeIds = new Set<string>();
      component.alternatives.forEach((alternative, ai) => {
        const aPath = [...cPath, 'alternatives', ai];
        if (alternativeIds.has(alternative.id)) at([...aPath, 'id'], 'DUPLICATE_ID', `alternative id "${alternative.id}" is used twice in ${component.id}`);
        alternativeIds.add(alternative.id);
        reference(alternative.reference, [...aPath, 'reference']);
        forEachLeaf(alternative.when, (leaf, leafPath) => checkLeaf(leaf, [...aPath, 'when', ...leafPath], available, facts, at));
      });
    });
    checkBands(score, path, at, reference);
    available.add(score.id);
  }

  const producible = producibleOutputs(doc);
  doc.outputs.forEach((output, i) => {
    if (!producible.has(output.name)) at(['outputs', i, 'name'], 'UNKNOWN_OUTPUT', `"${output.name}" is not produced by this rule set${hintFrom(output.name, [...producible])}`);
  });
  return problems;
}

type At = (path: PathSegment[], code: Problem['code'], message: string, key?: boolean) => void;

function checkLeaf(leaf: LeafCondition, path: PathSegment[], available: ReadonlySet<string>, facts: ReadonlyMap<string, FactInfo>, at: At): void {
  if (!available.has(leaf.fact)) {
    at([...path, 'fact'], 'UNKNOWN_FACT', `unknown fact "${leaf.fact}"${hintFrom(leaf.fact, [...available])}`);
    return;
  }
  if (!isKnownOperator(leaf.operator)) {
    at([...path, 'operator'], 'UNKNOWN_OPERATOR', `unknown operator "${leaf.operator}"${hintFrom(leaf.operator, ['equal', 'notEqual', 'in', 'notIn', 'lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive'])}`);
    return;
  }
  const info = facts.get(leaf.fact);
  if (!info || leaf.path !== undefined) return;
  const values = Array.isArray(leaf.value) ? leaf.value : [leaf.value];
  if (LIST_OPERATORS.has(leaf.operator) && !Array.isArray(leaf.value)) at([...path, 'value'], 'VALUE_NOT_IN_DOMAIN', `${leaf.operator} compares with a list of values`);
  if (!LIST_OPERATORS.has(leaf.operator) && Array.isArray(leaf.value)) at([...path, 'value'], 'VALUE_NOT_IN_DOMAIN', `${leaf.operator} compares with a single value, not a list`);
  const numeric = info.valueType === 'integer' || info.valueType === 'number';
  if (NUMERIC_OPERATORS.has(leaf.operator) && !numeric) {
    at([...path, 'operator'], 'VALUE_NOT_IN_DOMAIN', `${leaf.operator} needs a numeric fact; "${leaf.fact}" is ${info.valueType}`);
    return;
  }
  values.forEach((value, i) => {
    const valuePath = Array.isArray(leaf.value) ? [...path, 'value', i] : [...path, 'value'];
    if (info.valueType === 'enum' && !info.allowed?.includes(String(value))) {
      at(valuePath, 'VALUE_NOT_IN_DOMAIN', `${JSON.stringify(value)} is not a value of ${leaf.fact}${hintFrom(String(value), info.allowed ?? [])}; allowed: ${(info.allowed ?? []).join(', ')}`);
    } else if (info.valueType === 'boolean' && typeof value !== 'boolean') {
      at(valuePath, 'VALUE_NOT_IN_DOMAIN', `${leaf.fact} is true or false, not ${JSON.stringify(value)}`);
    } else if (numeric && typeof value !== 'number') {
      at(valuePath, 'VALUE_NOT_IN_DOMAIN', `${leaf.fact} is a number; ${JSON.stringify(value)} is not`);
    }
  });
}

function checkBands(score: ReturnType<typeof placedScores>[number]['score'], path: PathSegment[], at: At, reference: (id: string | undefined, path: PathSegment[]) => void): void {
  if (score.total?.floor !== undefined && score.total.ceiling !== undefined && score.total.floor > score.total.ceiling) {
    at([...path, 'total'], 'BAND_OUT_OF_RANGE', `floor ${score.total.floor} is above ceiling ${score.total.ceiling}`);
  }
  if (!score.bands) return;
  const order = score.bands.map((band, i) => ({ band, i })).sort((a, b) => a.band.min - b.band.min);
  const categories = new Set<string>();
  order.forEach(({ band, i }, k) => {
    const bPath = [...path, 'bands', i];
    reference(band.reference, [...bPath, 'reference']);
    if (categories.has(band.category)) at([...bPath, 'category'], 'DUPLICATE_ID', `category "${band.category}" is used twice`);
    categories.add(band.category);
    if (band.min > band.max) at(bPath, 'BAND_OUT_OF_RANGE', `band ${band.category} has min ${band.min} above max ${band.max}`);
    const previous = order[k - 1]?.band;
    if (previous && band.min > previous.max + 1) at([...bPath, 'min'], 'BAND_GAP', `no band covers ${span(previous.max + 1, band.min - 1)} (between ${previous.category} and ${band.category})`);
    if (previous && band.min <= previous.max) at([...bPath, 'min'], 'BAND_OVERLAP', `band ${band.category} starts at ${band.min}, inside ${previous.category} (${previous.min}–${previous.max})`);
  });
  const totals = achievableTotals(score);
  const lowest = order[0]?.band.min ?? 0;
  const highest = Math.max(...order.map((o) => o.band.max));
  const uncovered = totals.filter((t) => t < lowest || t > highest);
  if (uncovered.length) at([...path, 'bands'], 'BAND_OUT_OF_RANGE', `achievable totals ${uncovered.join(', ')} fall in no band (bands cover ${lowest}–${highest})`);
}

function span(from: number, to: number): string {
  return from === to ? String(from) : `${from}–${to}`;
}

function producibleOutputs(doc: RuleSetDocument): Set<string> {
  const names = new Set(['score', 'range', 'category', 'missing']);
  for (const c of doc.score.components) names.add(`components.${c.id}`);
  for (const s of doc.subscores ?? []) {
    for (const field of ['', '.score', '.range', '.category']) names.add(`subscores.${s.id}${field}`);
    for (const c of s.components) names.add(`subscores.${s.id}.components.${c.id}`);
  }
  return names;
}

function hintFrom(word: string, candidates: readonly string[]): string {
  const hint = closest(word, candidates);
  return hint ? `; did you mean "${hint}"?` : '';
}
