import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { evaluatePatient } from '../engine/evaluate-patient.js';
import { withTraceLevel, type TraceLevel } from '../engine/trace-level.js';
import { parsePatientJsonLine } from '../patient/load-patient.js';
import { EXIT, Exit } from './exit-codes.js';
import { loadRulesOrExit } from './load-rules.js';
import { openRecorder, type RecordOptions } from './record-decision.js';

export interface BatchOptions extends RecordOptions {
  rules?: string[];
  ruleset?: string[];
  profile?: string[];
  trace?: TraceLevel;
  output?: string;
}

/**
 * One patient per NDJSON line in, one result per line out, in the same order. A bad line becomes an
 * error record naming its line and the batch goes on; the exit code is 2 if any line was bad.
 */
export async function batchCommand(file: string, options: BatchOptions): Promise<void> {
  const recorder = openRecorder(options);
  const rulesets = await loadRulesOrExit(options.rules, options.ruleset, options.profile);
  const input = createReadStream(file, 'utf8');
  const opened = await Promise.race([once(input, 'readable').then(() => true), once(input, 'error').then(() => false)]);
  if (!opened) {
    process.stderr.write(`${file}:1:1 FILE_UNREADABLE cannot read file\n`);
    throw new Exit(EXIT.input);
  }
  const out: Writable = options.output ? createWriteStream(options.output) : process.stdout;
  let lineNo = 0;
  let rows = 0;
  let bad = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    lineNo++;
    if (line.trim() === '') continue;
    rows++;
    const { patient, problems } = parsePatientJsonLine(line, file, lineNo);
    let record: unknown;
    if (patient) {
      const evaluation = await evaluatePatient(patient, rulesets);
      // Each result is written only after its decision record is on disk.
      await recorder?.record(patient, evaluation, rulesets);
      record = withTraceLevel(evaluation, options.trace ?? 'rules');
    } else {
      bad++;
      record = { line: lineNo, error: { problems } };
    }
    if (!out.write(JSON.stringify(record) + '\n')) await once(out, 'drain');
  }
  if (out !== process.stdout) {
    out.end();
    await once(out, 'finish');
  }
  process.stderr.write(`${rows} patient${rows === 1 ? '' : 's'}, ${rows - bad} evaluated, ${bad} invalid\n`);
  recorder?.report();
  if (bad > 0) throw new Exit(EXIT.input);
}
