/**
 * The one way sizes are measured: UTF-8 bytes, as they go over the wire and into a store.
 * Request body limits, tool-result truncation and the write-behind queue all use these.
 */

/** Byte length of a string in UTF-8. */
export function utf8ByteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

/** Byte length of a value's JSON in UTF-8 (what a provider stores for it). */
export function jsonByteLength(value: unknown): number {
  return utf8ByteLength(JSON.stringify(value) ?? '')
}

/** The longest prefix of `text` that fits in `maxBytes` UTF-8 bytes, never splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8')
  if (bytes.length <= maxBytes) return text
  let cut = Math.max(0, maxBytes)
  // Back up over continuation bytes (10xxxxxx) so the cut lands on a character boundary.
  while (cut > 0 && (bytes[cut]! & 0xC0) === 0x80) cut--
  return bytes.subarray(0, cut).toString('utf8')
}
