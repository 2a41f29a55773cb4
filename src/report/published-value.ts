/**
 * What a profile change replaced, as a reader reads it: "max 12", "sinsScore lessThanInclusive 12
 * (label: Surgical consultation ...)", "points 3", "one of class_0, others". The text and HTML reports
 * both show it beside the institution's change, so that no one takes the change for the paper's.
 */
export function publishedValue(base: unknown): string {
  if (base === null || typeof base !== 'object') return String(base);
  const parts: string[] = [];
  for (const [key, value] of Object.entries(base as Record<string, unknown>)) {
    if (key === 'condition' && value && typeof value === 'object') {
      const c = value as { fact?: unknown; operator?: unknown; value?: unknown };
      parts.push(`${String(c.fact)} ${String(c.operator)} ${shown(c.value)}`);
    } else if (key === 'possible' && Array.isArray(value)) parts.push(`one of ${value.map(shown).join(', ')}`);
    else if (key === 'value') parts.push(shown(value));
    else if (key === 'label' || key === 'text' || key === 'unconfirmed') parts.push(`${key}: "${String(value)}"`);
    else if (key === 'reference') parts.push(`cited ${String(value)}`);
    else parts.push(`${key} ${shown(value)}`);
  }
  return parts.join('; ');
}

const shown = (value: unknown): string => (Array.isArray(value) ? `[${value.map(shown).join(', ')}]` : typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value));
