/** A JSON or YAML mapping as read (not null, not a list): what a document's shapes are checked with before the schema has passed. */
export const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
