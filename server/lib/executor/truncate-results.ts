/**
 * Keeps one step's tool results within `limits.maxResultBytes` (UTF-8 bytes, all results of the
 * step together), so one chatty tool cannot flood the model's context. Results at or under the
 * limit pass unchanged; over it, each result gets a fair share (small ones stay whole, the big
 * ones share the rest) and a cut result ends with a notice so the model knows it is partial.
 */
import { truncateUtf8, utf8ByteLength } from '../bytes'

/** The notice appended to a cut result (not counted in the limit). */
export function truncationNotice(omittedBytes: number, maxResultBytes: number): string {
  return `\n[truncated: ${omittedBytes} bytes omitted because this step's tool results exceeded ${maxResultBytes} bytes (limits.maxResultBytes); ask for less if you need the rest]`
}

/** The outcome of `truncateResults`. */
export interface TruncatedResults {
  contents: string[]
  /** True when at least one result was cut. */
  truncated: boolean
}

/**
 * Cuts the contents of one step's tool messages to fit `maxResultBytes` together. `sizes`: their
 * whole sizes, when a content is only the first bytes of its result (`ToolResultJson.cutBytes`).
 */
export function truncateResults(contents: readonly string[], maxResultBytes: number, sizes: readonly number[] = contents.map(utf8ByteLength)): TruncatedResults {
  const total = sizes.reduce((sum, size) => sum + size, 0)
  if (total <= maxResultBytes) return { contents: [...contents], truncated: false }

  // Water-filling: visit results from smallest to largest; each may use an equal share of what
  // is left, and whatever a small one does not need goes to the bigger ones after it.
  const shares = new Array<number>(contents.length).fill(0)
  const order = sizes.map((size, index) => ({ size, index })).sort((a, b) => a.size - b.size)
  let remaining = maxResultBytes
  order.forEach(({ size, index }, position) => {
    const share = Math.min(size, Math.floor(remaining / (order.length - position)))
    shares[index] = share
    remaining -= share
  })

  const cut = contents.map((content, index) => {
    if (sizes[index]! <= shares[index]!) return content
    const kept = truncateUtf8(content, shares[index]!)
    return kept + truncationNotice(sizes[index]! - utf8ByteLength(kept), maxResultBytes)
  })
  return { contents: cut, truncated: true }
}

/** Most bytes of a result copied into a `tool-result` event (the log is not a data store). */
export const RESULT_EVENT_MAX_BYTES = 4096

/**
 * What a `tool-result` event carries: the result itself when its JSON is small, otherwise a
 * preview string; the model still gets the whole (step-limited) result.
 */
export function summarizeResult(result: unknown, json: string, maxBytes = RESULT_EVENT_MAX_BYTES, size = utf8ByteLength(json)): unknown {
  if (size <= maxBytes) return result
  return `${truncateUtf8(json, maxBytes)}… (${size} bytes in all)`
}
