'use strict';
// What the shown results rest on that is marked unconfirmed, read from the evaluation's trace and
// warnings, and how the page shows it: a marker beside the value, with the note behind it, and the
// warnings grouped by kind. It mirrors src/explain/unconfirmed-notes.ts, which the page cannot import.

/**
 * For one rule set (and lesion): `ofRules` the notes of the alternatives that hold or may hold and of the
 * table rows the facts they test came from; `ofClassification` those of a classification (a `firstOf`
 * one has the chosen candidate's, or every candidate's while none is); `ofBands` those of the bands its
 * scores fell in; `ruleSetWide` the warnings about the rule set as a whole or about no shown value.
 */
function unconfirmedNotes(entries, warnings) {
  const rows = new Map();
  for (const t of entries) if (t.kind === 'lookup' && t.unconfirmed) rows.set(t.fact, t.unconfirmed);
  const rules = entries.filter((t) => t.kind === 'rule');
  const distinct = (notes) => [...new Set(notes.filter((n) => n !== undefined))];

  const ofRules = (some) => distinct(some.filter((r) => r.fired === true || r.possible === true).flatMap((r) => [r.unconfirmed, ...r.conditions.map((c) => rows.get(c.fact))]));
  const ofClassification = (id) => {
    const precedence = entries.find((t) => t.kind === 'precedence' && t.classification === id);
    if (!precedence) return ofRules(rules.filter((r) => r.classification === id));
    return distinct((precedence.chosen ? [precedence.chosen] : precedence.candidates.map((c) => c.classification)).flatMap(ofClassification));
  };
  const ofBands = () => distinct(entries.map((t) => (t.kind === 'band' ? t.unconfirmed : undefined)));

  const shown = [...ofRules(rules), ...ofBands()];
  // A warning's message ends with the note it carries (after what it concerns), whatever the kind of element.
  const ruleSetWide = warnings.filter((w) => w.code === 'UNCONFIRMED_FRAMEWORK' || (w.code === 'UNCONFIRMED_SOURCE' && !shown.some((note) => w.message.endsWith(note))));
  return { ofRules, ofClassification, ofBands, ruleSetWide };
}

/** "Unconfirmed source" beside a value, in words (not colour alone), opening onto its notes; nothing when there are none. */
function unconfirmedMarker(notes, what = 'Unconfirmed source') {
  if (!notes.length) return null;
  return el('details', { class: 'unconfirmed', 'data-unconfirmed': '' }, el('summary', {}, what), ...notes.map((note) => el('p', {}, note)));
}

/** A warning about the rule set as a whole, as a marker under its heading. */
function ruleSetWideMarker(warning) {
  return unconfirmedMarker([warning.message], warning.code === 'UNCONFIRMED_FRAMEWORK' ? 'Unconfirmed framework' : 'Unconfirmed source');
}

/** The evaluation's warnings grouped by kind (`groups`: every code → its title, in order, from src/explain/warning-list.ts), each naming its rule set and lesion. */
function warningList(evaluation, groups) {
  if (!evaluation.warnings.length) return null;
  const titles = new Map(evaluation.rulesets.map((r) => [r.id, r.title]));
  const place = (w) => {
    const level = w.lesion === undefined ? undefined : evaluation.lesions[w.lesion]?.level;
    return `${titles.get(w.ruleset) ?? w.ruleset}${w.lesion === undefined ? '' : `, lesion ${w.lesion + 1}${level ? ` ${level}` : ''}`}`;
  };
  const section = el('section', { id: 'warnings', 'aria-labelledby': 'warnings-title' }, el('h3', { id: 'warnings-title' }, `Warnings (${evaluation.warnings.length})`));
  for (const [code, title] of Object.entries(groups)) {
    const group = evaluation.warnings.filter((w) => w.code === code);
    if (group.length) section.append(el('h4', {}, title), el('ul', { 'data-code': code }, ...group.map((w) => el('li', {}, `${place(w)}: ${w.message}`))));
  }
  return section;
}
