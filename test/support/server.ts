import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { Evaluation } from '../../src/engine/types.js';
import type { RuleSetsSnapshot } from '../../src/ruleset/live-rule-sets.js';
import { buildApp, type AppOptions } from '../../src/server/app.js';
import { loadCdsConfig } from '../../src/server/cds-config.js';
import { createFeedbackStore } from '../../src/server/feedback-store.js';
import { bundledRuleSets } from './bundled.js';

const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;

/** The service over the bundled rule sets, one fixed snapshot, silent, for `app.inject`. */
export async function testApp(options: Partial<AppOptions> = {}): Promise<FastifyInstance> {
  const snapshot: RuleSetsSnapshot = Object.freeze({ rulesets: await bundledRuleSets(), profiles: [], generation: 1, loadedAt: new Date().toISOString() });
  const { config, problems } = loadCdsConfig();
  expect(problems).toEqual([]);
  if (!config) throw new Error('config/cds-hooks.yaml does not load');
  return buildApp({ rules: { current: () => snapshot }, cds: config, feedback: createFeedbackStore(undefined), log: { level: 'silent' }, ...options });
}

/** `spinemets evaluate --format json` of a patient, through the built CLI: the contract the service must match. */
export function cliEvaluation(patient: unknown): Evaluation {
  const file = join(mkdtempSync(join(tmpdir(), 'spinemets-cli-')), 'patient.json');
  writeFileSync(file, JSON.stringify(patient));
  const result = spawnSync(process.execPath, [CLI, 'evaluate', file, '--format', 'json'], { encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Evaluation;
}

/** An evaluation without what only the service adds (the decision id, the rule-set generation). */
export function withoutServiceFields(body: Record<string, unknown>): Record<string, unknown> {
  const { decisionId: _id, generation: _generation, ...evaluation } = body;
  return evaluation;
}
