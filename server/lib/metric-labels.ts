/**
 * Keeps the label values of a counter a small, safe set. Some values come from code the layer
 * does not own — a job's error code is whatever `code` a workflow node's error carried — so one
 * misbehaving app could make a series per job (a row id in the code, a message) and grow every
 * scrape and the registry without end. A value is kept as it is when it looks like a code and
 * the label has fewer than `MAX_LABEL_VALUES` values yet; anything else is counted as `other`.
 */

/** Distinct values one label of one counter keeps; later new values count as `other`. */
export const MAX_LABEL_VALUES = 64

/** What a kept label value looks like: a short code (`upstream-timeout`, `ECONNRESET`, `23505`). */
export const LABEL_VALUE_PATTERN = /^[\w.:-]{1,64}$/

/** The value every other value is counted under. */
export const OTHER_LABEL_VALUE = 'other'

/** Creates the bound of one counter's label: returns the value to record for a given value. */
export function createLabelBound(maxValues = MAX_LABEL_VALUES): (value: string) => string {
  const kept = new Set<string>()
  return (value) => {
    if (kept.has(value)) return value
    if (kept.size >= maxValues || !LABEL_VALUE_PATTERN.test(value)) return OTHER_LABEL_VALUE
    kept.add(value)
    return value
  }
}
