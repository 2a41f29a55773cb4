import { verifyLog } from '../audit/verify-log.js';
import { formatProblems } from '../problems/format.js';
import { EXIT, Exit } from './exit-codes.js';

/** `audit verify LOG`: the first break as `LOG:LINE:1 CODE message` and exit 3, or one line and exit 0. */
export function auditVerifyCommand(log: string): void {
  const { records, head, problems } = verifyLog(log);
  if (problems.length) {
    process.stdout.write(formatProblems(problems) + '\n');
    throw new Exit(problems.some((p) => p.code === 'FILE_UNREADABLE') ? EXIT.input : EXIT.audit);
  }
  process.stdout.write(`ok ${log}: ${records} record${records === 1 ? '' : 's'}, chain intact, head ${head}\n`);
}
