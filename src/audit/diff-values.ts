/** One place where a replay disagrees with the record; `undefined` stands for absent. */
export interface Difference {
  /** e.g. `lesions[0].results.sins.score` */
  path: string;
  recorded: unknown;
  replayed: unknown;
}

/** Every leaf where two JSON values differ, in the order of the recorded value's keys, then new keys. */
export function diffValues(recorded: unknown, replayed: unknown, path = ''): Difference[] {
  if (Object.is(recorded, replayed)) return [];
  if (Array.isArray(recorded) && Array.isArray(replayed)) {
    const length = Math.max(recorded.length, replayed.length);
    return Array.from({ length }, (_, i) => diffValues(recorded[i], replayed[i], `${path}[${i}]`)).flat();
  }
  if (isObject(recorded) && isObject(replayed)) {
    const keys = [...new Set([...Object.keys(recorded), ...Object.keys(replayed)])];
    return keys.flatMap((key) => diffValues(recorded[key], replayed[key], joinKey(path, key)));
  }
  return [{ path, recorded, replayed }];
}

function joinKey(path: string, key: string): string {
  // Rule-set ids have hyphens (katagiri-revised); they read better dotted than bracketed.
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
