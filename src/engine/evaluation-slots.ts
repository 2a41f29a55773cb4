import type { TraceLevel } from './trace-level.js';

/**
 * What was built from one remembered key (a decided part's values, or an exploration of missing ones),
 * per trace level and lesion: the rest of what a part's evaluation depends on. Patients with the same
 * values share what is kept here, so it must never be changed once built (evaluations are output, and
 * nothing downstream writes to them).
 */
export class EvaluationSlots<T> {
  readonly #byLevel: Record<TraceLevel, Array<T | undefined>> = { none: [], rules: [], full: [] };

  get(level: TraceLevel, lesion: number | undefined): T | undefined {
    return this.#byLevel[level][(lesion ?? -1) + 1];
  }

  set(level: TraceLevel, lesion: number | undefined, value: T): void {
    this.#byLevel[level][(lesion ?? -1) + 1] = value;
  }
}
