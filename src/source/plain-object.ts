/** A JSON or YAML mapping as read (not null, not a list): what a document's shapes are checked with before the schema has passed. */
export const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A list of strings as read (ids, allowed values): one with another entry is the schema's problem, and lists nothing for sure. */
export const isStringList = (value: unknown): value is string[] => Array.isArray(value) && value.every((entry) => typeof entry === 'string');
