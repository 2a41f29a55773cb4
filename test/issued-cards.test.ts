import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { issuedCards } from '../src/server/issued-cards.js';

/** A record line as the audit log holds it: `format` and `decisionId` first, then a body of `size` bytes. */
const recordLine = (id: string, size: number): string => {
  const head = `{"format":1,"decisionId":"${id}","trace":"`;
  return `${head}${'x'.repeat(Math.max(0, size - head.length - 3))}"}\n`;
};
const MB = 1024 * 1024;

describe('cards known from the audit log', () => {
  it('finds every record, including those whose line starts just before a 1 MB read ends or that span reads', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'spinemets-cards-')), 'audit.jsonl');
    const ids = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    // The second line starts 20 bytes before the first read's end; the third is longer than a read.
    writeFileSync(log, recordLine(ids[0] as string, MB - 20) + recordLine(ids[1] as string, 300) + recordLine(ids[2] as string, 2.5 * MB) + recordLine(ids[3] as string, 100));
    const cards = issuedCards(log);
    for (const id of ids) expect(await cards.has(id)).toBe(true);
    expect(await cards.has(randomUUID())).toBe(false);
  });

  it('reads a record still being appended once its line is whole, and a log that did not exist yet', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'spinemets-cards-')), 'audit.jsonl');
    const cards = issuedCards(log);
    const [first, second] = [randomUUID(), randomUUID()];
    expect(await cards.has(first)).toBe(false);
    writeFileSync(log, recordLine(first, 500));
    const torn = recordLine(second, 500);
    appendFileSync(log, torn.slice(0, 200));
    expect(await cards.has(first)).toBe(true);
    expect(await cards.has(second)).toBe(false);
    appendFileSync(log, torn.slice(200));
    expect(await cards.has(second)).toBe(true);
  });

  it('does not take an id from inside a record for the record\'s own', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'spinemets-cards-')), 'audit.jsonl');
    const inner = randomUUID();
    writeFileSync(log, `{"format":1,"decisionId":"${randomUUID()}","input":{"note":"${'y'.repeat(100)}","decisionId":"${inner}"}}\n`);
    expect(await issuedCards(log).has(inner)).toBe(false);
  });

  it('without a log, knows only what this process added', async () => {
    const cards = issuedCards(undefined);
    const id = randomUUID();
    expect(await cards.has(id)).toBe(false);
    cards.add(id);
    expect(await cards.has(id)).toBe(true);
  });
});
