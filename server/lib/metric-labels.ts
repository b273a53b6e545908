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

/**
 * What a kept `model` value looks like: a model id as endpoints name them, with the vendor's
 * slash and a variant's colon or `@` (`anthropic/claude-sonnet-4.5`, `meta-llama/llama-3-8b:free`).
 * Models are the operator's `upstream.defaultModel` and `allowedModels` (or what an
 * `upstream-request` hook picks), so the bound of 64 values holds them — unless `allowedModels` is
 * `*`: then the first 64 asked keep their names, client-named ones too (docs/metrics.md says so).
 */
export const MODEL_LABEL_VALUE_PATTERN = /^[\w./:@-]{1,100}$/

/** Labels whose values follow their own pattern rather than `LABEL_VALUE_PATTERN`. */
const LABEL_VALUE_PATTERNS: Readonly<Record<string, RegExp>> = { model: MODEL_LABEL_VALUE_PATTERN }

/** The pattern a value of `label` must match to be kept. */
export function labelValuePattern(label: string): RegExp {
  return Object.hasOwn(LABEL_VALUE_PATTERNS, label) ? LABEL_VALUE_PATTERNS[label]! : LABEL_VALUE_PATTERN
}

/** The value every other value is counted under. */
export const OTHER_LABEL_VALUE = 'other'

/** How many distinct values a label keeps. */
export function maxLabelValues(label: string): number {
  return REGISTERED_NAME_LABELS.has(label) ? MAX_REGISTERED_LABEL_VALUES : MAX_LABEL_VALUES
}

/** Creates the bound of one counter's label: returns the value to record for a given value. */
export function createLabelBound(maxValues = MAX_LABEL_VALUES, pattern = LABEL_VALUE_PATTERN): (value: string) => string {
  const kept = new Set<string>()
  return (value) => {
    if (kept.has(value)) return value
    if (kept.size >= maxValues || !pattern.test(value)) return OTHER_LABEL_VALUE
    kept.add(value)
    return value
  }
}
