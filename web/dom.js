'use strict';
// The clinician page's one DOM helper, shared by its scripts (clinician-page.ts inlines them as one script).

/** An element with attributes (undefined and null left out) and children (text or nodes). */
function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) {
    if (value !== undefined && value !== null) node.setAttribute(key, String(value));
  }
  for (const child of children) if (child !== undefined && child !== null) node.append(child);
  return node;
}
