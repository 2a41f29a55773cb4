import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { LoadedRuleSet } from '../ruleset/types.js';
import { ruleFileLinks } from '../explain/rule-file-links.js';
import { formModel } from './form-model.js';

/**
 * The page's parts live in web/ at the package root (beside src/ and dist/), inlined into one document,
 * with the modules explain uses for unconfirmed marks and warnings, bundled for the page by `npm run build`
 * (scripts/bundle-web.mjs). Paths are from the package root, two folders up from src/server and dist/server.
 */
const root = new URL('../../', import.meta.url);
/** Inlined as one script, in this order: each defines what the ones after it use. */
const SCRIPTS = ['dist/web/page-notes.js', 'web/dom.js', 'web/unconfirmed.js', 'web/clinician.js'];

interface Assets {
  template: string;
  style: string;
  script: string;
  csp: string;
}

let assets: Assets | undefined;
const pages = new WeakMap<readonly LoadedRuleSet[], string>();

/**
 * One self-contained document: inline CSS and JS allowed by their hashes only, the form model as a JSON
 * data block, no external asset and no connection but to this service.
 */
export function clinicianPage(rulesets: readonly LoadedRuleSet[]): { html: string; csp: string } {
  assets ??= readAssets();
  let html = pages.get(rulesets);
  if (!html) {
    // `<` escaped so that no value can close the data block.
    // With what the marks need from the rule files (upstream inputs, firstOf candidates): the page places them as explain does.
    const model = JSON.stringify({ ...formModel(rulesets), links: ruleFileLinks(rulesets) }).replace(/</g, '\\u003c');
    html = fill(assets.template, { STYLE: assets.style, SCRIPT: assets.script, MODEL: model });
    pages.set(rulesets, html);
  }
  return { html, csp: assets.csp };
}

function readAssets(): Assets {
  const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');
  const style = read('web/clinician.css');
  const script = SCRIPTS.map(read).join('\n');
  const hash = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
  const csp = [
    "default-src 'none'",
    `script-src ${hash(script)}`,
    `style-src ${hash(style)}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { template: read('web/clinician.html'), style, script, csp };
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(STYLE|SCRIPT|MODEL)\}\}/g, (_, key: string) => values[key] ?? '');
}
