/**
 * How an event too big for a store (UTF-8 bytes of its JSON, bytes.ts) is made to fit: a merged
 * text or reasoning delta is split into smaller deltas (nothing lost: offsets place every piece);
 * any other event has its largest payload fields replaced by a notice saying what was cut.
 */
import type { JobEvent } from '../../shared/events'
import { isDeltaEvent } from '../../shared/events'
import { isHighSurrogate } from '../../shared/lone-surrogate'
import { jsonByteLength } from './bytes'

/** Fields every event keeps as they are: its identity and place in the log. */
const ENVELOPE_FIELDS = new Set(['type', 'seq', 'at', 'nodeId', 'fromSeq'])

type Delta = Extract<JobEvent, { type: 'text-delta' | 'reasoning-delta' }>

/** Splits a merged delta in two (each keeps at least one of its seqs), or null when it covers one seq. */
function halve(delta: Delta): [Delta, Delta] | null {
  const fromSeq = delta.fromSeq ?? delta.seq
  if (fromSeq >= delta.seq) return null
  let cut = Math.floor(delta.text.length / 2)
  // Never between the halves of a surrogate pair: a store refuses an unpaired one.
  if (isHighSurrogate(delta.text.charCodeAt(cut - 1))) cut++
  const middleSeq = fromSeq + Math.floor((delta.seq - fromSeq - 1) / 2)
  const { fromSeq: _from, ...rest } = delta
  const first = { ...rest, seq: middleSeq, text: delta.text.slice(0, cut), ...(middleSeq > fromSeq ? { fromSeq } : {}) } as Delta
  const second = { ...rest, offset: delta.offset + cut, text: delta.text.slice(cut), ...(delta.seq > middleSeq + 1 ? { fromSeq: middleSeq + 1 } : {}) } as Delta
  return [first, second]
}

/**
 * The event with its largest payload fields replaced by a notice until its JSON fits (it may
 * still not fit when its envelope alone is too big: callers check).
 */
export function shortenEvent(event: JobEvent, maxBytes: number): JobEvent {
  const shortened: Record<string, unknown> = { ...event }
  const replaced = new Set<string>()
  while (jsonByteLength(shortened) > maxBytes) {
    const largest = Object.entries(shortened)
      .filter(([key]) => !ENVELOPE_FIELDS.has(key) && !replaced.has(key))
      .map(([key, value]) => [key, jsonByteLength(value)] as const)
      .sort((a, b) => b[1] - a[1])[0]
    if (!largest) break
    const [key, bytes] = largest
    shortened[key] = `[truncated: ${bytes} bytes, more than one stored event may hold (${maxBytes} bytes)]`
    replaced.add(key)
  }
  return shortened as unknown as JobEvent
}

/**
 * The event as one or more events whose JSON fits in `maxBytes`: itself when it fits; a merged
 * delta split (losslessly) as far as its seqs allow; otherwise shortened with a notice.
 */
export function fitEvent(event: JobEvent, maxBytes: number): JobEvent[] {
  if (jsonByteLength(event) <= maxBytes) return [event]
  if (isDeltaEvent(event)) {
    const halves = halve(event)
    if (halves) return halves.flatMap(half => fitEvent(half, maxBytes))
  }
  return [shortenEvent(event, maxBytes)]
}
