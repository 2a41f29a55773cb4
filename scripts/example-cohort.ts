/**
 * Writes the example cohort `spinemets diff --cohort` is demonstrated with:
 *   npx tsx scripts/example-cohort.ts [patients] [seed] > examples/cohort.ndjson
 * Synthetic, seeded patients of the whole pipeline (SINS, NESMS, NOMS, the prognostic scores) from bench/cohort.ts; no real patient data.
 */
import { generatePipelineCohort } from '../bench/cohort.js';

const patients = Number(process.argv[2] ?? 500);
const seed = Number(process.argv[3] ?? 20261127);
for (const patient of generatePipelineCohort(patients, seed)) process.stdout.write(JSON.stringify(patient) + '\n');
