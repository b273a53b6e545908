/**
 * AI SDK message metadata as it travels: JSON, and at most `MAX_MESSAGE_METADATA_BYTES` of it. The
 * same bound holds for what the app's hook sets on an answer (message-metadata.ts) and for what
 * a client puts on its user message (prompt-metadata.ts), which a job keeps with its request.
 */
import { utf8ByteLength } from '../bytes'

/** The most metadata one message part may carry, in UTF-8 bytes of its JSON. */
export const MAX_MESSAGE_METADATA_BYTES = 16 * 1024

/** Refuses what JSON would drop or cannot write (a function, a symbol, a bigint). */
function strictJson(_key: string, value: unknown): unknown {
  const kind = typeof value
  if (kind === 'function' || kind === 'symbol' || kind === 'bigint') throw new TypeError(`holds a ${kind}`)
  return value
}

/** The metadata as the client reads it (its JSON round trip), or why it cannot be sent (past `maxBytes` of JSON too). */
export function asSent(value: unknown, maxBytes = MAX_MESSAGE_METADATA_BYTES): { metadata: unknown } | { problem: string } {
  if (value === undefined || value === null) return { metadata: undefined }
  let json: string
  try {
    json = JSON.stringify(value, strictJson)
  }
  catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    return { problem: `is not JSON-serialisable (${/circular/i.test(reason) ? 'a cycle' : reason.replace(/^holds /, '')})` }
  }
  // A `toJSON` that gives undefined: nothing to send, as for undefined itself.
  if (json === undefined) return { metadata: undefined }
  const bytes = utf8ByteLength(json)
  if (bytes > maxBytes) return { problem: `is ${bytes} bytes of JSON, over the ${maxBytes} allowed` }
  return { metadata: JSON.parse(json) }
}
