/**
 * The engine as `npm run build` leaves it in dist/ (plain tsc output), which is what the CLI and the
 * server run. The bench times this rather than src/ through tsx, whose transform wraps every closure the
 * engine creates in a naming helper (about a fifth of the engine's time). Typed by the sources they are
 * built from; every object the bench passes between them comes from these modules, never from src/.
 */
import { existsSync } from 'node:fs';

const DIST = new URL('../dist/', import.meta.url);
if (!existsSync(new URL('engine/evaluate-patient.js', DIST))) throw new Error('dist/ is not built: run npm run build (npm run bench does)');

export const { evaluatePatient } = (await import(new URL('engine/evaluate-patient.js', DIST).href)) as typeof import('../src/engine/evaluate-patient.js');
export const { withRequirements } = (await import(new URL('ruleset/dependencies.js', DIST).href)) as typeof import('../src/ruleset/dependencies.js');
export const { BUNDLED_RULES_DIR, loadRuleSets } = (await import(new URL('ruleset/load-rulesets.js', DIST).href)) as typeof import('../src/ruleset/load-rulesets.js');
