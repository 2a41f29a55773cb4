'use strict';
// How the page shows what the shown results rest on that is marked unconfirmed: a marker beside the
// value, with the note behind it, and the warnings grouped by kind. Which warnings stand beside which
// value comes from spinemetsNotes.unconfirmedNotes, src/explain/unconfirmed-notes.ts bundled for the
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

/** A warning about the rule set as a whole, as a marker under its heading. */
function ruleSetWideMarker(warning) {
  return unconfirmedMarker([warning.message], warning.code === 'UNCONFIRMED_FRAMEWORK' ? 'Unconfirmed framework' : 'Unconfirmed source', warning.status || 'applies');
}

/**
 * The evaluation's warnings grouped by kind (`groups`: every code → its title, in order, from
 * src/explain/warning-list.ts), each naming its rule set and lesion; the possible unconfirmed elements of
 * one table, score or rule at one place on one line, as explain lists them.
 */
function warningList(evaluation, groups) {
  if (!evaluation.warnings.length) return null;
  const listed = spinemetsNotes.foldedWarnings(evaluation.warnings);
  const titles = new Map(evaluation.rulesets.map((r) => [r.id, r.title]));
  const place = (w) => {
    const level = w.lesion === undefined ? undefined : evaluation.lesions[w.lesion]?.level;
    return `${titles.get(w.ruleset) ?? w.ruleset}${w.lesion === undefined ? '' : `, lesion ${w.lesion + 1}${level ? ` ${level}` : ''}`}`;
  };
  const section = el('section', { id: 'warnings', 'aria-labelledby': 'warnings-title' }, el('h3', { id: 'warnings-title' }, `Warnings (${listed.length})`));
  for (const [code, title] of Object.entries(groups)) {
    const group = listed.filter((w) => w.code === code);
    if (group.length) section.append(el('h4', {}, title), el('ul', { 'data-code': code }, ...group.map((w) => el('li', {}, `${place(w)}: ${w.message}`))));
  }
  return section;
}
