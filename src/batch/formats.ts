/** Batch file formats, in a module of their own so the CLI can offer them without loading the batch code. */
export type InputFormat = 'ndjson' | 'csv';
export const INPUT_FORMATS: readonly InputFormat[] = ['ndjson', 'csv'];
export type OutputFormat = 'ndjson' | 'csv';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['ndjson', 'csv'];
