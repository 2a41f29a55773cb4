/**
 * How many vertebrae the listed lesions involve: each level once, however many lesions name it, and a
 * lesion without a level as one more (it cannot be matched to another). Two lesions listed at T12 are one
 * involved vertebra: counting lesions made such a patient's Tokuhashi, NESMS, Bauer and LMNOP read
 * "more than one vertebra".
 */
export function listedVertebrae(lesions: readonly unknown[]): Readonly<{ count: number; repeated: readonly string[] }> {
  // Every rule set that counts the lesions, and every LMNOP input with countedBy, asks for one patient:
  // worked out once per list (a patient is not changed while it is evaluated).
  let listed = byList.get(lesions);
  if (!listed) byList.set(lesions, (listed = countListed(lesions)));
  return listed;
}
const byList = new WeakMap<readonly unknown[], Readonly<{ count: number; repeated: readonly string[] }>>();

function countListed(lesions: readonly unknown[]): { count: number; repeated: string[] } {
  const seen = new Set<string>();
  const repeated: string[] = [];
  let count = 0;
  for (const lesion of lesions) {
    const level = typeof lesion === 'object' && lesion !== null ? (lesion as { level?: unknown }).level : undefined;
    if (typeof level !== 'string') {
      count++;
      continue;
    }
    if (!seen.has(level)) {
      seen.add(level);
      count++;
    } else if (!repeated.includes(level)) repeated.push(level);
  }
  return { count, repeated };
}
