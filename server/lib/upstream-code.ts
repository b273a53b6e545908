/**
 * The model endpoint's own name for a failure (`error.code` of its error body or error chunk, else
 * `error.type`): OpenAI's `context_length_exceeded`, llama.cpp's `exceed_context_size_error`. The
 * job's error carries it as `upstreamCode`, so an app decides on a name (a prompt over the
 * context window: shorten it, no Retry) rather than on the endpoint's words, which differ between
 * providers and versions. A code that is an HTTP status is `httpStatus` instead (upstream-status.ts).
 * Only a name is kept — letters, digits and `_ . : -`, at most 64 — never a sentence or markup:
 * the job's error is shown to its user. decision 046.
 */
import { redactText } from './secret-patterns'
import { fieldOf } from './thrown-field'
import { httpStatusField, UPSTREAM_FAILURES } from './upstream-status'

/** Longest upstream code kept. */
const UPSTREAM_CODE_CHARS = 64

/** What a code must look like to be kept: a name, not only digits. */
const CODE_NAME = new RegExp(`^(?=.*[A-Za-z])[\\w.:-]{1,${UPSTREAM_CODE_CHARS}}$`)

/** `value` when it is a code name (see above) and no secret's shape (secret-patterns.ts), else undefined. */
export function upstreamCodeName(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  const code = value.trim()
  return CODE_NAME.test(code) && redactText(code) === code ? code : undefined
}

/**
 * The job error's `upstreamCode` for what a model round threw: `{ upstreamCode }` when it is an
 * `upstream-http`, `upstream-rate-limited` or `upstream-stream` error whose endpoint named the
 * failure (its `upstreamCode`, else its `upstreamType`), else nothing.
 */
export function upstreamCodeField(thrown: unknown): { upstreamCode?: string } {
  const code = fieldOf(thrown, 'code')
  if (typeof code !== 'string' || !UPSTREAM_FAILURES.has(code)) return {}
  const name = upstreamCodeName(fieldOf(thrown, 'upstreamCode')) ?? upstreamCodeName(fieldOf(thrown, 'upstreamType'))
  return name === undefined ? {} : { upstreamCode: name }
}

/** What a job's error keeps of the model endpoint's failure: its HTTP status and its name for it (either may be absent). */
export function upstreamFields(thrown: unknown): { httpStatus?: number, upstreamCode?: string } {
  return { ...httpStatusField(thrown), ...upstreamCodeField(thrown) }
}
