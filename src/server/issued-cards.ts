import { open } from 'node:fs/promises';

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
/** A record line starts `{"format":1,"decisionId":"<uuid>"` (build-record.ts puts those keys first). */
const ID_KEY = Buffer.from('"decisionId":"');
const LINE_PREFIX_BYTES = 64;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The cards feedback may name. Without an audit log only this process's (a restart forgets them, as it
 * forgets the decisions). With one, also every decision in the log, whoever appended it: the log is read
 * only when an id is not known, from where the last read stopped, a whole line at a time, and only the
 * start of each line is looked at; a line still being appended is read next time.
 */
export function issuedCards(log: string | undefined): IssuedCards {
  const recent = new Set<string>();
  const logged = new Set<string>();
  let readTo = 0;
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
      const buffer = Buffer.alloc(CHUNK_BYTES);
      let position = readTo;
      let atLineStart = true;
      let id: string | undefined;
      for (;;) {
        const { bytesRead } = await file.read(buffer, 0, CHUNK_BYTES, position);
        if (bytesRead === 0) break;
        const data = buffer.subarray(0, bytesRead);
        let at = 0;
        while (at < data.length) {
          if (atLineStart) {
            // A line's start cut off by the chunk's end is read again, whole, with the next chunk.
            if (data.length - at < LINE_PREFIX_BYTES && bytesRead === CHUNK_BYTES && at > 0) break;
            id = idAt(data.subarray(at, at + LINE_PREFIX_BYTES));
            atLineStart = false;
          }
          const newline = data.indexOf(0x0a, at);
          if (newline < 0) {
            at = data.length;
            break;
          }
          if (id) logged.add(id);
          id = undefined;
          atLineStart = true;
          at = newline + 1;
          readTo = position + at;
        }
        position += at;
      }
    } finally {
      await file.close();
    }
  }

  return {
    add(id) {
      recent.add(id);
      if (recent.size > MAX_REMEMBERED) recent.delete(recent.values().next().value as string);
    },
    async has(id) {
      if (recent.has(id) || logged.has(id)) return true;
      if (log === undefined) return false;
      // A read already under way may have started before this card's record was appended: then one more.
      if (reading) await reading;
      if (!logged.has(id)) await readLog();
      return logged.has(id);
    },
  };
}

function idAt(start: Buffer): string | undefined {
  const key = start.indexOf(ID_KEY);
  if (key < 0) return undefined;
  const id = start.toString('latin1', key + ID_KEY.length, key + ID_KEY.length + 36);
  return UUID.test(id) ? id : undefined;
}
