// What the clinician page takes from explain, bundled into one script for it by `npm run build`
// (scripts/bundle-web.mjs, global `spinemetsNotes`): the same modules, so the page and explain cannot disagree.
export { evaluationNotes, notesByStatus } from './unconfirmed-notes.js';
export { warningGroups } from './warning-list.js';
export { describeGap, gapsOf, splitByGap } from '../engine/lookup-gaps.js';
export { keepsEntry } from '../engine/trace-level.js';
