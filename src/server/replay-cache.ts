/**
 * The token ids (jti) already used, each kept until its token could no longer be accepted anyway, and
 * no more than `capacity` of them: a replayed token is refused, and memory stays bounded whatever the
 * rate of calls. A full cache refuses new tokens (the caller answers 503) rather than forget old ones,
 * which would let them be replayed.
 */
export class ReplayCache {
  /** id → the time (ms) after which its token is refused as expired, in about the order they were added. */
  private readonly seen = new Map<string, number>();

  constructor(private readonly capacity: number) {}

  remember(id: string, untilMs: number, nowMs = Date.now()): 'fresh' | 'replayed' | 'full' {
    if ((this.seen.get(id) ?? 0) > nowMs) return 'replayed';
    // Tokens live about as long as each other, so the oldest entries expire first: dropped from the front
    // until one still holds, which costs nothing when none has expired.
    for (const [old, until] of this.seen) {
      if (until > nowMs) break;
      this.seen.delete(old);
    }
    this.seen.delete(id);
    if (this.seen.size >= this.capacity) return 'full';
    this.seen.set(id, untilMs);
    return 'fresh';
  }
}
