const REDRAW_MS = 250;
const BAR_WIDTH = 24;

export interface Progress {
  stop(): void;
}

/**
 * A one-line progress bar on standard error: patients done, rate, and ETA from the share of the input
 * file handed out so far (the row count is not known before the end of a stream). Redrawn in place a few times a
 * second; nothing at all when disabled, so logs and pipes stay clean.
 */
export function startProgress(enabled: boolean, input: { consumed(): number; size: number }, done: () => number): Progress {
  if (!enabled) return { stop: () => undefined };
  const started = performance.now();
  const draw = (): void => {
    const seconds = (performance.now() - started) / 1000;
    const count = done();
    const rate = seconds > 0 ? count / seconds : 0;
    const tally = `${count.toLocaleString('en-US')} patients, ${Math.round(rate).toLocaleString('en-US')}/s`;
    // A pipe's size is not known: what is done and how fast, without a share or an ETA it cannot have.
    if (input.size === 0) {
      process.stderr.write(`\r${tally}\x1b[K`);
      return;
    }
    const share = Math.min(1, input.consumed() / input.size);
    const filled = Math.round(share * BAR_WIDTH);
    const eta = share > 0 && share < 1 ? duration((seconds * (1 - share)) / share) : '--';
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${Math.floor(share * 100)}%`;
    process.stderr.write(`\r${bar} ${tally}, ETA ${eta}\x1b[K`);
  };
  const timer = setInterval(draw, REDRAW_MS);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      process.stderr.write('\r\x1b[K');
    },
  };
}

function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
