/** One place where a replay disagrees with the record; `undefined` stands for absent. */
export interface Difference {
  /** e.g. `lesions[0].results.sins.score`, `trace[noms lesion 0 rule decision.row7].fired` */
  path: string;
  recorded: unknown;
  replayed: unknown;
}

/**
 * Every leaf where two JSON values differ, in the order of the recorded value's keys, then new keys.
 * Arrays whose elements have an identity (trace entries, rule sets, recommendations, conditions) are
 * matched by it, not by position: one rule added by a new version would otherwise shift every later
 * trace entry and show thousands of differences instead of the one rule.
 */
export function diffValues(recorded: unknown, replayed: unknown, path = ''): Difference[] {
  if (Object.is(recorded, replayed)) return [];
  if (Array.isArray(recorded) && Array.isArray(replayed)) return diffArrays(recorded, replayed, path);
  if (isObject(recorded) && isObject(replayed)) {
    const keys = [...new Set([...Object.keys(recorded), ...Object.keys(replayed)])];
    return keys.flatMap((key) => diffValues(recorded[key], replayed[key], joinKey(path, key)));
  }
  return [{ path, recorded, replayed }];
}

function diffArrays(recorded: readonly unknown[], replayed: readonly unknown[], path: string): Difference[] {
  const identity = identityAt(path);
  const recordedById = identity && byIdentity(recorded, identity);
  const replayedById = identity && byIdentity(replayed, identity);
  if (recordedById && replayedById) {
    const ids = [...new Set([...recordedById.keys(), ...replayedById.keys()])];
    return ids.flatMap((id) => diffValues(recordedById.get(id), replayedById.get(id), `${path}[${id}]`));
  }
  if (NOTE_LISTS.test(path)) return diffAligned(recorded, replayed, path);
  const length = Math.max(recorded.length, replayed.length);
  return Array.from({ length }, (_, i) => diffValues(recorded[i], replayed[i], `${path}[${i}]`)).flat();
}

/** The evaluation's warnings and missing-input notes: lists with no identity, where a note added shifts the rest. */
const NOTE_LISTS = /^(warnings|missing)$/;

/**
 * Two lists aligned on their longest common run of equal elements: only the elements between the
 * equal ones differ, paired in order (named by their recorded position, or the replayed one when new).
 */
function diffAligned(recorded: readonly unknown[], replayed: readonly unknown[], path: string): Difference[] {
  const a = recorded.map((e) => JSON.stringify(e));
  const b = replayed.map((e) => JSON.stringify(e));
  // Longest common subsequence lengths from the end, row by row in one array (note lists are tens of entries long).
  const width = b.length + 1;
  const table = new Int32Array((a.length + 1) * width);
  const common = (i: number, j: number): number => table[i * width + j] ?? 0;
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) table[i * width + j] = a[i] === b[j] ? common(i + 1, j + 1) + 1 : Math.max(common(i + 1, j), common(i, j + 1));
  }
  const differences: Difference[] = [];
  const gapRecorded: number[] = [];
  const gapReplayed: number[] = [];
  const closeGap = (): void => {
    for (let k = 0; k < Math.max(gapRecorded.length, gapReplayed.length); k++) {
      const [i, j] = [gapRecorded[k], gapReplayed[k]];
      differences.push(...diffValues(i === undefined ? undefined : recorded[i], j === undefined ? undefined : replayed[j], `${path}[${i ?? j}]`));
    }
    gapRecorded.length = 0;
    gapReplayed.length = 0;
  };
  let [i, j] = [0, 0];
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      closeGap();
      i++;
      j++;
    } else if (j >= b.length || (i < a.length && common(i + 1, j) >= common(i, j + 1))) gapRecorded.push(i++);
    else gapReplayed.push(j++);
  }
  closeGap();
  return differences;
}

type Identity = (element: unknown) => string | undefined;

/** How the elements of the array at `path` are identified, if they are; lesions and warnings stay by position. */
function identityAt(path: string): Identity | undefined {
  if (path === 'trace') return traceIdentity;
  if (path === 'rulesets' || path.endsWith('.recommendations')) return (e) => (isObject(e) && typeof e.id === 'string' ? e.id : undefined);
  if (path.endsWith('.conditions')) return (e) => (isObject(e) && typeof e.at === 'string' ? `at ${JSON.stringify(e.at)}` : undefined);
  return undefined;
}

/** A trace entry by what it is about: `noms lesion 0 rule decision.row7`, `sins lesion 1 input pain`. */
function traceIdentity(entry: unknown): string | undefined {
  if (!isObject(entry) || typeof entry.kind !== 'string' || typeof entry.ruleset !== 'string') return undefined;
  const subject = { input: entry.input, lookup: entry.fact, rule: entry.rule, precedence: entry.classification, total: entry.score, band: entry.score }[entry.kind];
  if (typeof subject !== 'string') return undefined;
  return `${entry.ruleset}${typeof entry.lesion === 'number' ? ` lesion ${entry.lesion}` : ''} ${entry.kind} ${subject}`;
}

/** The elements by identity, in order; undefined when one has none or two share one (then positions are compared). */
function byIdentity(elements: readonly unknown[], identity: Identity): Map<string, unknown> | undefined {
  const found = new Map<string, unknown>();
  for (const element of elements) {
    const id = identity(element);
    if (id === undefined || found.has(id)) return undefined;
    found.set(id, element);
  }
  return found;
}

function joinKey(path: string, key: string): string {
  // Rule-set ids have hyphens (katagiri-revised); they read better dotted than bracketed.
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
