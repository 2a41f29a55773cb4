/**
 * Writes the example cohort `spinemets diff --cohort` is demonstrated with:
 *   npx tsx scripts/example-cohort.ts [patients] [seed] > examples/cohort.ndjson
 * Synthetic, seeded patients from the bench generator (bench/cohort.ts); no real patient data.
 */
import { generateCohort } from '../bench/cohort.js';

const patients = Number(process.argv[2] ?? 500);
const seed = Number(process.argv[3] ?? 20261127);
for (const patient of generateCohort(patients, seed)) process.stdout.write(JSON.stringify(patient) + '\n');
