import { hashId } from '../audit/hash-ids.js';
import { prefetchResources } from './fhir-to-patient.js';

/**
 * The mapping's notes as a record with hashed ids keeps them: each prefetched resource's id, where a note
 * names it (`Observation/<id>`, `Observation <id>`, `lesion <id>`: a lesion's id is its Observation's, and
 * a hospital's may hold a record number), replaced by its hash. Only ids in those forms are replaced, so
 * a short id ("alb") never hits a word of the note ("albumin").
 */
export function notesWithHashedIds(notes: readonly string[], prefetch: Record<string, unknown>): string[] {
  const forms = prefetchResources(prefetch).flatMap(({ resource: { resourceType, id } }) =>
    id ? [`${resourceType}/${id}`, `${resourceType} ${id}`, ...(resourceType === 'Observation' ? [`lesion ${id}`] : [])].map((form) => ({ form, hashed: form.slice(0, form.length - id.length) + hashId(id) })) : [],
  );
  // Longest first: an id that begins another ("les-1", "les-10") never cuts the longer one.
  forms.sort((a, b) => b.form.length - a.form.length);
  return notes.map((note) => forms.reduce((text, { form, hashed }) => replaceWhole(text, form, hashed), note));
}

/** `form` replaced where it ends at a word's end (not "Observation/a1" inside "Observation/a12"). */
function replaceWhole(text: string, form: string, replacement: string): string {
  let out = '';
  let from = 0;
  for (let at = text.indexOf(form); at !== -1; at = text.indexOf(form, at + form.length)) {
    const next = text[at + form.length];
    if (next !== undefined && /[\w.-]/.test(next)) continue;
    out += text.slice(from, at) + replacement;
    from = at + form.length;
  }
  return out + text.slice(from);
}
