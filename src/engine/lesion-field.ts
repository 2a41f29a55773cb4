/** Trace entries, warnings and missing-input notes carry `lesion` only for lesion-scope rule sets. */
export function lesionField(lesion: number | undefined): { lesion?: number } {
  return lesion === undefined ? {} : { lesion };
}
