import { appendFileSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordHash } from '../src/audit/decision-record.js';
import { issuedCards } from '../src/server/issued-cards.js';

/**
 * A sealed record line of about `size` bytes, as the audit log holds it: of a CDS decision (its
 * `request` and card name the decision) unless `cds` is false.
 */
function recordLine(id: string, size: number, cds = true): string {
  const body: Record<string, unknown> = { format: 1, decisionId: id, timestamp: '2026-12-07T10:00:00.000Z', trace: '' };
  if (cds) body.request = { via: 'cds-hooks', service: 'spinemets-spine', hook: 'patient-view', hookInstance: randomUUID(), patientId: 'p1', userId: 'Practitioner/1', notes: [], card: { uuid: id, summary: 's', detail: 'd', indicator: 'info', source: { label: 'l' } } };
  body.trace = 'x'.repeat(Math.max(0, size - JSON.stringify(body).length - 160));
  body.prev = '0'.repeat(64);
  body.hash = recordHash(body);
  return `${JSON.stringify(body)}\n`;
}
const MB = 1024 * 1024;
const newLog = (): string => join(mkdtempSync(join(tmpdir(), 'spinemets-cards-')), 'audit.jsonl');

describe('cards known from the audit log', () => {
  it('finds every card, whether its line starts just before a 1 MB read ends or spans reads', async () => {
    const log = newLog();
    const ids = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    writeFileSync(log, recordLine(ids[0] as string, MB - 20) + recordLine(ids[1] as string, 600) + recordLine(ids[2] as string, 2.5 * MB) + recordLine(ids[3] as string, 600));
    const cards = issuedCards(log);
    for (const id of ids) expect(await cards.has(id)).toBe(true);
    expect(await cards.has(randomUUID())).toBe(false);
  });

  it('reads a record still being appended once its line is whole, and a log that did not exist yet', async () => {
    const log = newLog();
    const cards = issuedCards(log);
    const [first, second] = [randomUUID(), randomUUID()];
    expect(await cards.has(first)).toBe(false);
    writeFileSync(log, recordLine(first, 800));
    const torn = recordLine(second, 800);
    appendFileSync(log, torn.slice(0, 200));
    expect(await cards.has(first)).toBe(true);
    expect(await cards.has(second)).toBe(false);
    appendFileSync(log, torn.slice(200));
    expect(await cards.has(second)).toBe(true);
  });

  // The first version read 64 bytes at each line's start: after a short line they ran into the torn record.
  it('does not take a torn record after a short line for a card', async () => {
    const log = newLog();
    const id = randomUUID();
    writeFileSync(log, `x\n${recordLine(id, 800).slice(0, 120)}`);
    expect(await issuedCards(log).has(id)).toBe(false);
  });

  // Decisions of /evaluate, /batch and the CLI share the log; none of them was shown as a card.
  it('does not take a decision that was not a card, nor an edited record, for a card', async () => {
    const log = newLog();
    const [plain, edited] = [randomUUID(), randomUUID()];
    writeFileSync(log, recordLine(plain, 800, false) + recordLine(edited, 800).replace('"summary":"s"', '"summary":"All clear"'));
    const cards = issuedCards(log);
    expect(await cards.has(plain)).toBe(false);
    expect(await cards.has(edited)).toBe(false);
  });

  it('reads a log replaced under it (rotated) from its start', async () => {
    const log = newLog();
    const [before, after] = [randomUUID(), randomUUID()];
    writeFileSync(log, recordLine(before, 5000));
    const cards = issuedCards(log);
    expect(await cards.has(before)).toBe(true);
    renameSync(log, `${log}.1`);
    writeFileSync(log, recordLine(after, 900));
    expect(await cards.has(after)).toBe(true);
    expect(await cards.has(before)).toBe(true);
  });

  it('compares card ids without regard to case, as uuids are', async () => {
    const log = newLog();
    const id = randomUUID();
    writeFileSync(log, recordLine(id, 800));
    expect(await issuedCards(log).has(id.toUpperCase())).toBe(true);
    const own = issuedCards(undefined);
    own.add(id);
    expect(await own.has(id.toUpperCase())).toBe(true);
  });

  it('without a log, knows only what this process added', async () => {
    const cards = issuedCards(undefined);
    const id = randomUUID();
    expect(await cards.has(id)).toBe(false);
    cards.add(id);
    expect(await cards.has(id)).toBe(true);
  });
});
