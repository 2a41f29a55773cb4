/**
 * How many vertebrae the listed lesions involve: each level once, however many lesions name it. Two
 * lesions listed at T12 are one involved vertebra: counting lesions made such a patient's Tokuhashi,
 * NESMS, Bauer and LMNOP read "more than one vertebra". A lesion without a level may be at a vertebra
 * listed already or at one of its own, so the count is a range: `least` when every such lesion shares a
 * listed level (or, with none listed, they all share one), `most` when each is a vertebra of its own.
 */
export interface ListedVertebrae {
  readonly least: number;
  readonly most: number;
  /** Levels more than one lesion names. */
  readonly repeated: readonly string[];
}

export function listedVertebrae(lesions: readonly unknown[]): ListedVertebrae {
  // Every rule set that counts the lesions, and every LMNOP input with countedBy, asks for one patient:
  // worked out once per list (a patient is not changed while it is evaluated).
  let listed = byList.get(lesions);
  if (!listed) byList.set(lesions, (listed = countListed(lesions)));
  return listed;
}
const byList = new WeakMap<readonly unknown[], ListedVertebrae>();

function countListed(lesions: readonly unknown[]): ListedVertebrae {
  const seen = new Set<string>();
  const repeated: string[] = [];
  let unplaced = 0;
  for (const lesion of lesions) {
    const level = typeof lesion === 'object' && lesion !== null ? (lesion as { level?: unknown }).level : undefined;
    if (typeof level !== 'string') unplaced++;
    else if (seen.has(level)) {
      if (!repeated.includes(level)) repeated.push(level);
    } else seen.add(level);
  }
  return { least: seen.size > 0 ? seen.size : Math.min(unplaced, 1), most: seen.size + unplaced, repeated };
}

/**
 * The levels a lesion listed without one can be at, when the record says: with as many vertebrae
 * involved (spinalMetastasisCount) as distinct levels listed, a lesion without a level is at one of
 * those. Undefined when the count is not given, no level is listed, or the count leaves room for a
 * vertebra of its own.
 */
export function placesOfUnplaced(patient: Readonly<Record<string, unknown>>): readonly string[] | undefined {
  const count = patient.spinalMetastasisCount;
  const lesions = patient.lesions;
  if (typeof count !== 'number' || !Array.isArray(lesions)) return undefined;
  let places = placesByList.get(lesions);
  if (!places) {
    places = [...new Set(lesions.flatMap((l) => (typeof l === 'object' && l !== null && typeof (l as { level?: unknown }).level === 'string' ? [(l as { level: string }).level] : [])))];
    placesByList.set(lesions, places);
  }
  return places.length > 0 && count <= places.length ? places : undefined;
}
const placesByList = new WeakMap<readonly unknown[], readonly string[]>();
