// What the clinician page takes from explain, bundled into one script for it by `npm run build`
// (scripts/bundle-web.mjs, global `spinemetsNotes`): the same modules, so the page and explain cannot disagree.
export { notesByStatus } from './unconfirmed-notes.js';
export { evaluationNotes, restingNames } from './resting-marks.js';
export { warningGroups } from './warning-list.js';
export { describeGap, gapsOf, splitByGap } from '../engine/lookup-gaps.js';
export { keepsEntry } from '../engine/trace-level.js';
