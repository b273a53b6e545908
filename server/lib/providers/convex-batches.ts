/**
 * How events travel to `events:appendEvents` under Convex's size limits (convex/limits.ts): packed
 * into batches of at most `MAX_BATCH_BYTES` (one document each), at most `MAX_APPEND_BYTES` per
 * call; one event bigger than a batch goes alone, its JSON cut into pieces (one document each,
 * joined again when read), and one bigger than a whole call is first made to fit (event-size.ts).
 */
import type { JobEvent } from '../../../shared/events'
import { MAX_APPEND_BYTES, MAX_BATCH_BYTES } from '../../../convex/limits'
import { utf8ByteLength } from '../bytes'
import { fitEvent } from '../event-size'

/** The byte limits a plan keeps to (the Convex ones unless a test asks for smaller). */
export interface BatchLimits {
  batchBytes: number
  appendBytes: number
}

/** The Convex limits. */
export const CONVEX_BATCH_LIMITS: BatchLimits = { batchBytes: MAX_BATCH_BYTES, appendBytes: MAX_APPEND_BYTES }

/** One `appendEvents` call: its batches (a JSON array, or one in pieces) and the events they hold. */
export interface AppendCall {
  batches: Array<string | string[]>
  events: JobEvent[]
}

/** Cuts a string into pieces of at most `maxBytes` UTF-8 bytes, only between characters. */
export function splitUtf8(text: string, maxBytes: number): string[] {
  const bytes = Buffer.from(text, 'utf8')
  const pieces: string[] = []
  let start = 0
  while (start < bytes.length) {
    let end = Math.min(start + maxBytes, bytes.length)
    // Back off continuation bytes (10xxxxxx) so no character is cut in two.
    while (end < bytes.length && (bytes[end]! & 0xC0) === 0x80) end--
    pieces.push(bytes.subarray(start, end).toString('utf8'))
    start = end
  }
  return pieces
}

/** Plans the calls that store `events`, in order. */
export function planAppendCalls(events: JobEvent[], limits: BatchLimits = CONVEX_BATCH_LIMITS): AppendCall[] {
  const calls: AppendCall[] = []
  let call: AppendCall = { batches: [], events: [] }
  let callBytes = 0
  let batch: string[] = []
  let batchBytes = 2 // the brackets

  const closeBatch = () => {
    if (batch.length === 0) return
    call.batches.push(`[${batch.join(',')}]`)
    callBytes += batchBytes
    batch = []
    batchBytes = 2
  }
  const closeCallIfFull = (adding: number) => {
    if (callBytes + adding <= limits.appendBytes || call.events.length === 0) return
    calls.push(call)
    call = { batches: [], events: [] }
    callBytes = 0
  }

  for (const fitted of events.flatMap(event => fitEvent(event, limits.appendBytes - 2))) {
    const json = JSON.stringify(fitted)
    const bytes = utf8ByteLength(json)
    if (bytes + 2 > limits.batchBytes) {
      // Alone, in pieces: it fits one call (fitEvent) but no single document.
      closeBatch()
      closeCallIfFull(bytes + 2)
      call.batches.push(splitUtf8(`[${json}]`, limits.batchBytes))
      call.events.push(fitted)
      callBytes += bytes + 2
      continue
    }
    if (batchBytes + bytes + 1 > limits.batchBytes) closeBatch()
    if (callBytes + batchBytes + bytes + 1 > limits.appendBytes) {
      closeBatch()
      closeCallIfFull(bytes + 3)
    }
    batch.push(json)
    batchBytes += bytes + (batch.length > 1 ? 1 : 0)
    call.events.push(fitted)
  }
  closeBatch()
  if (call.events.length > 0) calls.push(call)
  return calls
}
