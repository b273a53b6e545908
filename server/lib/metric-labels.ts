/**
 * Keeps the label values of a counter a small, safe set. Some values come from code the layer
 * does not own — a job's error code is whatever `code` a workflow node's error carried — so one
 * misbehaving app could make a series per job (a row id in the code, a message) and grow every
 * scrape and the registry without end. A value is kept as it is when it looks like a code and
 * the label has fewer than `MAX_LABEL_VALUES` values yet (`MAX_REGISTERED_LABEL_VALUES` for a label of
 * registered names); anything else is counted as `other`.
 */

/** Distinct values one label of one counter keeps; later new values count as `other`. */
export const MAX_LABEL_VALUES = 64

/**
 * Labels whose values are names the app registered at build time (tools, workflows, their nodes):
 * a bounded set already, so each keeps far more values than a code does — an app with 80 tools
 * counted the 65th and later (in call order since the start) as `other`.
 */
export const REGISTERED_NAME_LABELS: ReadonlySet<string> = new Set(['tool', 'workflow', 'node'])

/** Distinct values a label of registered names keeps (a guard against a bug, not a budget). */
export const MAX_REGISTERED_LABEL_VALUES = 1_000

/** What a kept label value looks like: a short code (`upstream-timeout`, `ECONNRESET`, `23505`). */
export const LABEL_VALUE_PATTERN = /^[\w.:-]{1,64}$/

/** The value every other value is counted under. */
export const OTHER_LABEL_VALUE = 'other'

/** How many distinct values a label keeps. */
export function maxLabelValues(label: string): number {
  return REGISTERED_NAME_LABELS.has(label) ? MAX_REGISTERED_LABEL_VALUES : MAX_LABEL_VALUES
}

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
