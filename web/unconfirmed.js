'use strict';
// How the page shows what the shown results rest on that is marked unconfirmed: a marker beside the
// value, with the note behind it, and the warnings grouped by kind. Which warnings stand beside which
// value comes from spinemetsNotes.evaluationNotes, src/explain/resting-marks.ts bundled for the
// page (the module explain uses, so the page and explain cannot disagree).

/** A marker in words (not colour alone), opening onto its notes; nothing when there are none. */
function unconfirmedMarker(notes, what, status) {
  if (!notes.length) return null;
  return el('details', { class: 'unconfirmed', 'data-unconfirmed': status }, el('summary', {}, what), ...notes.map((note) => el('p', {}, note)));
}

/** Beside a value: "Unconfirmed source" for the warnings that apply, "May rest on an unconfirmed source" for those missing data leaves open. */
function unconfirmedMarkers(marks) {
  const { applies, possible } = spinemetsNotes.notesByStatus(marks);
  return [unconfirmedMarker(applies, 'Unconfirmed source', 'applies'), unconfirmedMarker(possible, 'May rest on an unconfirmed source', 'possible')];
}

/**
 * Beside a value computed from values marked themselves (spinemetsNotes.evaluationNotes' restsOn): "Rests
 * on an unconfirmed source", opening onto the values it rests on (each carries its own marker and note).
 */
function restingMarkers(marks, ruleset) {
  const { applies, possible } = spinemetsNotes.restingNames(marks, ruleset);
  const marker = (names, what, status) => (names.length ? el('details', { class: 'unconfirmed', 'data-unconfirmed': `rests-on-${status}` }, el('summary', {}, what), el('p', {}, `Through: ${names.join('; ')}`)) : null);
  return [marker(applies, 'Rests on an unconfirmed source', 'applies'), marker(possible, 'May rest on an unconfirmed source', 'possible')];
}

/** A warning about the rule set as a whole, as a marker under its heading. */
function ruleSetWideMarker(warning) {
  const status = warning.status || 'applies';
  const what = warning.code === 'UNCONFIRMED_FRAMEWORK' ? 'Unconfirmed framework' : status === 'possible' ? 'May rest on an unconfirmed source' : 'Unconfirmed source';
  return unconfirmedMarker([warning.message], what, status);
}

/** The evaluation's warnings grouped by kind, as explain lists them (spinemetsNotes.warningGroups, src/explain/warning-list.ts). */
function warningList(evaluation) {
  const groups = spinemetsNotes.warningGroups(evaluation);
  if (!groups.length) return null;
  const count = groups.reduce((n, g) => n + g.lines.length, 0);
  const section = el('section', { id: 'warnings', 'aria-labelledby': 'warnings-title' }, el('h3', { id: 'warnings-title' }, `Warnings (${count})`));
  for (const { code, title, lines } of groups) section.append(el('h4', {}, title), el('ul', { 'data-code': code }, ...lines.map((line) => el('li', {}, line))));
  return section;
}
