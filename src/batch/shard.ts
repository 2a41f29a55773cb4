/** `--shard i/n`: this run evaluates rows whose data-row index (from 0, bad rows included) mod n is i - 1. */
export interface Shard {
  index: number;
  count: number;
}

/** The shard, or why the option is wrong. */
export function parseShard(text: string): Shard | string {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!match) return `--shard must be i/n (e.g. 2/4), got "${text}"`;
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1) return `--shard ${text}: n must be at least 1`;
  if (index < 1 || index > count) return `--shard ${text}: i must be between 1 and ${count}`;
  return { index, count };
}

/**
 * By row index rather than a hash of the patient id: every row, including one whose id is missing or
 * unreadable, belongs to exactly one shard without being parsed, and the shares are equal to within one row.
 */
export function inShard(rowIndex: number, shard: Shard): boolean {
  return rowIndex % shard.count === shard.index - 1;
}

/** The rows of this shard, in order; all rows without --shard. */
export async function* shardRows<T extends { index: number }>(rows: AsyncIterable<T>, shard: Shard | undefined): AsyncGenerator<T> {
  for await (const row of rows) if (!shard || inShard(row.index, shard)) yield row;
}
