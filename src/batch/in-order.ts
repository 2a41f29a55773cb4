/**
 * Runs `start` on each item with at most `limit` items in flight and yields the results in input order.
 * The queue of pending results is the reorder buffer: a result that finishes early waits in it for those
 * before it, and no new item is read while `limit` are pending or while the consumer has not pulled, so
 * memory is bounded by `limit` whatever the input size and however slow the output.
 */
export async function* inOrder<T, R>(items: AsyncIterable<T>, start: (item: T) => Promise<R>, limit: number): AsyncGenerator<R> {
  const pending: Array<Promise<R>> = [];
  const iterator = items[Symbol.asyncIterator]();
  let done = false;
  for (;;) {
    while (!done && pending.length < limit) {
      const next = await iterator.next();
      if (next.done) done = true;
      else {
        const result = start(next.value);
        // Marked handled now; the rejection is still thrown when its turn comes in the loop below.
        result.catch(() => undefined);
        pending.push(result);
      }
    }
    const head = pending.shift();
    if (!head) return;
    yield await head;
  }
}

/** Groups items into arrays of up to `size`: one message per chunk keeps worker messaging off the hot path. */
export async function* chunked<T>(items: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let chunk: T[] = [];
  for await (const item of items) {
    chunk.push(item);
    if (chunk.length >= size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length) yield chunk;
}
