'use strict';
// The clinician page: builds the form from the model the server derived from the patient contract and
// the rule sets, posts the patient to /evaluate as values change, and shows what comes back. It knows
// no score by name: every result is shown from the response's own labels. `el` comes from dom.js and the
// unconfirmed marks from unconfirmed.js, inlined before this script.
(() => {
  const model = JSON.parse(document.getElementById('model').textContent);
  // A missing input is named as the form labels its field ("Vertebral body collapse", not "collapse").
  const labels = new Map([...model.patient, ...model.lesion].map((field) => [field.name, field.label]));
  const patientFields = document.getElementById('patient-fields');
  const lesionList = document.getElementById('lesions');
  const results = document.getElementById('results');
  const status = document.getElementById('status');
  const DEBOUNCE_MS = 300;
  let timer;
  let latest = 0;
  let nextLesion = 0;

  function control(field, prefix) {
    const id = `${prefix}${field.name}`;
    const wrap = el('div', { class: 'field', 'data-field': field.name, 'data-kind': field.kind });
    wrap.append(el('label', { for: id }, field.label));
    const described = field.help ? `${id}-help` : undefined;
    if (field.kind === 'choice' || field.kind === 'boolean') {
      const select = el('select', { id, 'aria-describedby': described });
      select.append(el('option', { value: '' }, '— not given —'));
      const options = field.kind === 'boolean' ? [{ value: 'true', label: 'Yes' }, { value: 'false', label: 'No' }] : field.options;
      for (const option of options) select.append(el('option', { value: option.value }, option.label));
      wrap.append(select);
    } else if (field.kind === 'quantity') {
      const unitId = `${id}-unit`;
      const unit = el('select', { id: unitId, 'aria-label': `${field.label} unit` });
      for (const u of field.units) unit.append(el('option', { value: u }, u));
      wrap.append(el('div', { class: 'quantity' }, el('input', { id, type: 'number', inputmode: 'decimal', min: field.min, step: 'any', 'aria-describedby': described }), unit));
    } else if (field.kind === 'number') {
      wrap.append(el('input', { id, type: 'number', inputmode: 'decimal', min: field.min, max: field.max, step: field.step, 'aria-describedby': described }));
    } else {
      wrap.append(el('input', { id, type: 'text', autocomplete: 'off', 'aria-describedby': described }));
    }
    if (described) wrap.append(el('small', { id: described }, field.help));
    return wrap;
  }

  /** The fields of one fieldset as the input contract wants them; empty fields are left out (missing). */
  function read(container) {
    const out = {};
    for (const wrap of container.querySelectorAll(':scope > .field')) {
      const name = wrap.dataset.field;
      const kind = wrap.dataset.kind;
      const input = wrap.querySelector('input, select');
      if (input.value === '') continue;
      if (kind === 'quantity') out[name] = { value: Number(input.value), unit: wrap.querySelector('.quantity select').value };
      else if (kind === 'boolean') out[name] = input.value === 'true';
      else if (kind === 'number') out[name] = Number(input.value);
      else out[name] = input.value;
    }
    return out;
  }

  function addLesion() {
    const index = nextLesion++;
    const fieldset = el('fieldset', { class: 'lesion', 'data-lesion': index });
    const legend = el('legend', {}, 'Lesion');
    fieldset.append(legend);
    for (const field of model.lesion) fieldset.append(control(field, `lesion${index}-`));
    const remove = el('button', { type: 'button', class: 'secondary' }, 'Remove this lesion');
    remove.addEventListener('click', () => {
      fieldset.remove();
      numberLesions();
      schedule();
    });
    fieldset.append(el('div', { class: 'lesion-actions' }, remove));
    lesionList.append(fieldset);
    numberLesions();
    return fieldset;
  }

  function numberLesions() {
    lesionList.querySelectorAll('fieldset.lesion').forEach((fieldset, i) => {
      fieldset.querySelector('legend').textContent = `Lesion ${i + 1}`;
    });
  }

  function patient() {
    const body = read(patientFields);
    const lesions = [...lesionList.querySelectorAll('fieldset.lesion')].map(read);
    if (lesions.length) body.lesions = lesions;
    return body;
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(evaluate, DEBOUNCE_MS);
  }

  /**
   * Number fields holding text that is not a number ("7e"): the browser gives their value as empty, which
   * would be posted as a missing field and answered "Up to date". Each is marked, and nothing is posted.
   */
  function unreadableNumbers() {
    const bad = [];
    for (const input of document.querySelectorAll('#patient-form input[type=number]')) {
      const unreadable = input.validity.badInput;
      if (unreadable) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
      if (unreadable) bad.push(input);
    }
    return bad;
  }

  async function evaluate() {
    const request = ++latest;
    const bad = unreadableNumbers();
    if (bad.length) {
      status.className = 'error';
      status.textContent = 'Not evaluated: these fields hold text that is not a number:';
      const where = (input) => `${input.closest('fieldset.lesion')?.querySelector('legend')?.textContent ?? 'Patient'}: ${document.querySelector(`label[for="${input.id}"]`)?.textContent ?? input.id}`;
      results.replaceChildren(el('ul', { class: 'problems' }, ...bad.map((input) => el('li', {}, where(input)))));
      return;
    }
    status.className = '';
    status.textContent = 'Evaluating…';
    let response;
    let body;
    try {
      // The `rules` level: the unconfirmed marks come from the warnings, which say where they stand.
      // The full trace: what a value rests on is told from the rows of its part that did not hold too (as explain tells it).
      response = await fetch('evaluate?trace=full', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(patient()) });
      body = await response.json();
    } catch (err) {
      if (request !== latest) return;
      status.className = 'error';
      status.textContent = `The service did not answer: ${err.message}`;
      return;
    }
    // An answer to an older state of the form is not shown over a newer one.
    if (request !== latest) return;
    if (!response.ok) return showProblems(body.problems || []);
    render(body);
  }

  function showProblems(problems) {
    status.className = 'error';
    status.textContent = 'The input is not accepted:';
    results.replaceChildren(el('ul', { class: 'problems' }, ...problems.map((p) => el('li', {}, `${p.path || ''} ${p.message} (${p.code})`))));
  }

  function render(evaluation) {
    status.className = '';
    status.textContent = `Up to date — rule-set generation ${evaluation.generation}, decision ${evaluation.decisionId}.`;
    // The marks as explain places them: a value's own, and the marked values it was computed from.
    const notes = spinemetsNotes.evaluationNotes(evaluation, model.links);
    const sections = [scope('Patient', evaluation.results, 'patient', evaluation, undefined, notes)];
    evaluation.lesions.forEach((lesion, i) => sections.push(scope(`Lesion ${i + 1}${lesion.level ? ` (${lesion.level})` : ''}`, lesion.results, `lesion-${i}`, evaluation, i, notes)));
    results.replaceChildren(...sections, warningList(evaluation), trace(evaluation.trace.filter((t) => spinemetsNotes.keepsEntry('rules', t))), el('footer', { class: 'rulesets' }, `Rule sets: ${evaluation.rulesets.map((r) => `${r.id} ${r.version} (sha256:${r.sha256.slice(0, 12)})`).join(', ')}`));
  }

  /** The trace entries or warnings of one rule set (and lesion). */
  function ofRuleSet(items, id, lesion) {
    return items.filter((t) => t.ruleset === id && t.lesion === lesion);
  }

  /** "visceralMetastases not given: taken as true (visceralMetastasesResectability is unremovable, so true)". */
  function assumedText(t) {
    const taken = t.source === 'default' ? `taken as ${JSON.stringify(t.value)}` : t.possible ? `one of ${t.possible.join(', ')}` : 'every value possible';
    return `${t.input} not given: ${taken}${t.note ? ` (${t.note})` : ''}`;
  }

  function scope(title, ruleSetResults, name, evaluation, lesion, notes) {
    const section = el('section', { class: 'scope', 'data-scope': name }, el('h3', {}, title));
    // A table with no row leaves a fact open that no one can enter: every rule set reading it names it apart.
    const gaps = spinemetsNotes.gapsOf(evaluation.warnings);
    const open = (result) => spinemetsNotes.splitByGap(result.missing || [], gaps, lesion);
    for (const [id, result] of Object.entries(ruleSetResults)) section.append(ruleSetResult(id, result, ofRuleSet(evaluation.trace, id, lesion), notes(id, lesion), open(result)));
    return section;
  }

  /**
   * One rule set's results; `entries` are its own trace entries, for what was assumed; `notes` its
   * unconfirmed marks; `open` is what it is missing, as inputs to enter and table gaps for the team.
   */
  function ruleSetResult(id, result, entries, notes, open) {
    const article = el('article', { 'data-ruleset': id, 'data-level': result.category || undefined }, el('h4', {}, result.label), ...notes.ruleSetWide.map(ruleSetWideMarker));
    if ('score' in result) {
      const value = result.score !== null ? String(result.score) : result.range ? `${result.range[0]}–${result.range[1]}` : 'undetermined';
      const category = result.category ? (result.categoryLabel || result.category) : (result.possibleCategories || []).join(' or ');
      // The page shows no components: the score carries their marks and its band's.
      article.append(el('div', { class: 'line' }, 'Score ', el('span', { class: 'value', 'data-score': '' }, value), category ? el('span', { class: 'category', 'data-category': '' }, `— ${category}`) : null, ...unconfirmedMarkers(notes.ofScore(id)), ...restingMarkers(notes.restsOn({ score: id }), id)));
    }
    for (const [cid, c] of Object.entries(result.classifications || {})) {
      const text = c.value !== null ? (c.text || c.alternativeLabel || '') : (c.reason || '');
      article.append(el('div', { class: 'line', 'data-line': cid }, `${c.label}: `, el('span', { class: 'value', 'data-classification': cid }, c.value !== null ? c.value : 'undetermined'), ...unconfirmedMarkers(notes.ofClassification(cid)), ...restingMarkers(notes.restsOn({ classification: cid }), id), text ? el('small', {}, ` — ${text}`) : null));
    }
    const recommendations = result.recommendations || [];
    if (recommendations.length) article.append(el('ul', {}, ...recommendations.map((r) => el('li', { 'data-recommendation': r.id }, r.status === 'possible' ? `Possibly: ${r.label}` : r.label, ...unconfirmedMarkers(notes.ofRecommendation(r.id)), ...restingMarkers(notes.restsOn({ recommendation: r.id }), id)))));
    const assumed = entries.filter((t) => t.kind === 'input' && t.takenFrom);
    if (open.provide.length) article.append(el('p', { class: 'missing' }, `Missing: ${open.provide.map((name) => labels.get(name) || name).join(', ')}`));
    if (open.decide.length) article.append(el('p', { class: 'missing', 'data-gaps': '' }, `For the team to decide: ${open.decide.map((gap) => `${gap.fact} (${spinemetsNotes.describeGap(gap)})`).join('; ')}`));
    if (assumed.length) article.append(el('ul', { class: 'assumed' }, ...assumed.map((t) => el('li', { 'data-input': t.input }, assumedText(t)))));
    return article;
  }

  /** The `rules` trace level: the rules that fired, totals, bands, precedence, the inputs taken from other answers, each with its source. */
  function trace(entries) {
    const fired = entries.filter((t) => t.kind === 'rule');
    const items = entries.map((t) => {
      const where = `${t.ruleset}${t.lesion !== undefined ? `, lesion ${t.lesion + 1}` : ''}`;
      let text;
      if (t.kind === 'rule') {
        const effect = t.points !== undefined ? ` ${t.points >= 0 ? '+' : ''}${t.points}` : t.value !== undefined ? ` → ${t.value}` : '';
        const because = t.conditions.map((c) => `${c.fact} ${c.operator} ${JSON.stringify(c.value)} (was ${JSON.stringify(c.factResult)})`).join('; ');
        text = `${where}: ${t.rule}${effect}${because ? ` — ${because}` : ''}`;
      } else if (t.kind === 'total') {
        text = `${where}: total ${t.score} = ${t.value !== null ? t.value : `${t.range ? t.range.join('–') : '?'} (undetermined)`}`;
      } else if (t.kind === 'band') {
        text = `${where}: ${t.score} band ${t.category || t.possibleCategories.join(' or ')}`;
      } else if (t.kind === 'input') {
        text = `${where}: ${assumedText(t)}`;
      } else {
        text = `${where}: ${t.classification || t.kind} ${t.value !== undefined ? `→ ${t.value}` : ''}`;
      }
      return el('li', { 'data-kind': t.kind }, text, unconfirmedMarker(t.unconfirmed ? [t.unconfirmed] : [], 'Unconfirmed source', 'applies'), t.reference ? el('cite', {}, t.reference) : null);
    });
    return el('details', { id: 'trace' }, el('summary', {}, `Trace: ${fired.length} rules fired, with their references`), el('ol', {}, ...items));
  }

  for (const field of model.patient) patientFields.append(control(field, 'patient-'));
  addLesion();
  document.getElementById('add-lesion').addEventListener('click', () => {
    addLesion().querySelector('select, input').focus();
    schedule();
  });
  const form = document.getElementById('patient-form');
  form.addEventListener('input', schedule);
  form.addEventListener('change', schedule);
  evaluate();
})();
