import { open } from 'node:fs/promises';
import { canonicalDecisionId, hashHolds } from '../audit/decision-record.js';
import { splitChunk } from '../audit/read-log-lines.js';

/** Feedback names the card it is about; a card's uuid is its decision's id. */
export interface IssuedCards {
  /** A card this process has just issued. */
  add(id: string): void;
  /** Whether this service issued a card of this id: this process, or (with an audit log) any process that recorded it there. */
  has(id: string): Promise<boolean>;
}

/** Cards remembered per process, newest kept: feedback usually follows its card within minutes. */
const MAX_REMEMBERED = 100_000;
const CHUNK_BYTES = 1024 * 1024;
/** Only a record of a CDS call holds this; only such a line is parsed. */
const CDS_MARK = Buffer.from('"via":"cds-hooks"');

/**
 * The cards feedback may name. Without an audit log only this process's (a restart forgets them, as it
 * forgets the decisions). With one, also every card recorded there, whoever appended it: a whole record
 * line, sealed by its own hash, of a decision made for a CDS call whose card carries the decision's id
 * (a decision of /evaluate or of the CLI was never a card). The log is read only when an id is not known,
 * from where the last read stopped (from the start again if the file was replaced or cut), and a line
 * still being appended is read next time.
 */
export function issuedCards(log: string | undefined): IssuedCards {
  const recent = new Set<string>();
  const logged = new Set<string>();
  let readTo = 0;
  let readFile: { dev: number; ino: number } | undefined;
  let reading: Promise<void> | undefined;
  const readLog = (): Promise<void> => (reading ??= readNewLines().finally(() => (reading = undefined)));

  async function readNewLines(): Promise<void> {
    let file;
    try {
      file = await open(log as string, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    try {
      const { dev, ino, size } = await file.stat();
      // Rotated or cut: what was read is another file's; its cards stay known.
      if (readFile?.dev !== dev || readFile.ino !== ino || size < readTo) readTo = 0;
      readFile = { dev, ino };
      const buffer = Buffer.alloc(CHUNK_BYTES);
      const pending: Buffer[] = [];
      let position = readTo;
      for (let read = (await file.read(buffer, 0, CHUNK_BYTES, position)).bytesRead; read > 0; read = (await file.read(buffer, 0, CHUNK_BYTES, position)).bytesRead) {
        // Read asynchronously, unlike readLogLines: the service answers other requests meanwhile.
        const { lines, consumed } = splitChunk(buffer.subarray(0, read), pending);
        for (const line of lines) {
          const card = line.includes(CDS_MARK) ? cardOf(line) : undefined;
          if (card) logged.add(card);
        }
        // A line still being appended is read again next time, from its start.
        if (lines.length) readTo = position + consumed;
        position += read;
      }
    } finally {
      await file.close();
    }
  }

  return {
    add(id) {
      recent.add(canonicalDecisionId(id));
      if (recent.size > MAX_REMEMBERED) recent.delete(recent.values().next().value as string);
    },
    async has(given) {
      const id = canonicalDecisionId(given);
      if (recent.has(id) || logged.has(id)) return true;
      if (log === undefined) return false;
      // A read already under way may have started before this card's record was appended: then one more.
      if (reading) await reading;
      if (!logged.has(id)) await readLog();
      return logged.has(id);
    },
  };
}

/** The card of an intact record of a CDS decision, or undefined for anything else (another decision, an edited line). */
function cardOf(line: Buffer): string | undefined {
  let record: { decisionId?: unknown; hash?: unknown; request?: { via?: unknown; card?: { uuid?: unknown } } };
  try {
    record = JSON.parse(line.toString('utf8')) as typeof record;
  } catch {
    return undefined;
  }
  const { decisionId, request } = record ?? {};
  if (typeof decisionId !== 'string' || request?.via !== 'cds-hooks' || request.card?.uuid !== decisionId) return undefined;
  return hashHolds(record) ? canonicalDecisionId(decisionId) : undefined;
}
