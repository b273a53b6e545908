/**
 * An upstream's error with the API key (and any bearer token) scrubbed from all of its text before
 * any of it is described or cut: the scrub looks for the whole key, so a key cut first (a message
 * kept to 300 characters, a provider's words to 200) would survive as its first characters.
 */
import type { EchoedSecrets } from './echoed-secrets'
import { redact } from './upstream-response'

/** `value` (parsed JSON: a string or an object) with the key (or every secret given) scrubbed from every text in it, at any depth. */
export function scrubbedError<T>(value: T, secrets: EchoedSecrets): T {
  const text = JSON.stringify(value)
  if (text === undefined) return value
  const scrubbed = redact(text, secrets)
  if (scrubbed === text) return value
  try {
    return JSON.parse(scrubbed) as T
  }
  catch {
    // Never the unscrubbed value: its text, scrubbed, is still the upstream's words.
    return redact(String(value), secrets) as T
  }
}

/** A parsed chunk with its `error` (when it has one) scrubbed; any other chunk as it is. */
export function withErrorScrubbed<T extends { error?: unknown }>(chunk: T, secrets: EchoedSecrets): T {
  return chunk.error === undefined || chunk.error === null ? chunk : { ...chunk, error: scrubbedError(chunk.error, secrets) }
}
