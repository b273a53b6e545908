/**
 * The errors a model stream reports in its body, after a 200: a `{"error": …}` chunk, llama.cpp's
 * `error:` line, OpenRouter's `finish_reason: "error"` with no error object, and DeepSeek's
 * `finish_reason: "insufficient_system_resource"` (parse-stream.ts).
 */
import { providerDetail } from './error-body'
import { UpstreamStreamError } from './errors'

/** An error as a chunk carries it: OpenAI-style `{ message, code }`, or a bare string (text-generation-inference, some proxies). */
export type StreamErrorValue = { message?: unknown, code?: unknown, type?: unknown, metadata?: unknown } | string

/** An `error:` line's value: its JSON object (or string), else the text itself. */
export function parseErrorField(value: string): StreamErrorValue {
  try {
    const parsed: unknown = JSON.parse(value)
    if (typeof parsed === 'string') return parsed
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const { error } = parsed as { error?: unknown }
      // `{"error": {…}}` or `{"error": "…"}` on an error line too.
      if (typeof error === 'string' || (error && typeof error === 'object')) return error as StreamErrorValue
      return parsed as StreamErrorValue
    }
  }
  catch {
    // Plain text.
  }
  return value
}

/** The error a mid-stream `{"error": …}` chunk reports: its message (a string error is the message itself) and code. */
export function streamError(error: StreamErrorValue): UpstreamStreamError {
  if (typeof error === 'string') return new UpstreamStreamError(error.trim() || 'unknown error')
  const said = typeof error.message === 'string' && error.message.trim() ? error.message : 'unknown error'
  // OpenRouter: 'Provider returned error', and what the provider said in `metadata` (error-body.ts).
  const provider = providerDetail(error)
  const message = provider ? `${said} — ${provider}` : said
  const code = typeof error.code === 'string' || typeof error.code === 'number' ? error.code : undefined
  return new UpstreamStreamError(message, code, typeof error.type === 'string' ? error.type : undefined)
}

/** The error of a round that ended with `finish_reason: "error"` and no error object. */
export function finishedWithError(nativeReason: unknown): UpstreamStreamError {
  const native = typeof nativeReason === 'string' && nativeReason.trim() ? ` (${nativeReason.trim()})` : ''
  return new UpstreamStreamError(`the generation ended with finish_reason "error"${native}`)
}

/**
 * The error of a round DeepSeek's servers interrupted (`finish_reason: "insufficient_system_resource"`):
 * the answer is cut short. A capacity failure, retried as an overloaded error is (before any event).
 */
export function interruptedForCapacity(): UpstreamStreamError {
  return new UpstreamStreamError('the generation was interrupted: the provider ran out of capacity (finish_reason "insufficient_system_resource")', undefined, 'service_unavailable')
}
