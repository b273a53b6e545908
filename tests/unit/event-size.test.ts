/**
 * Making events fit a store's size limits (server/lib/event-size.ts) and packing them into
 * Convex calls (convex-batches.ts), with small limits so every case is cheap.
 */
import { describe, expect, it } from 'vitest'
import type { JobEvent } from '../../shared/events'
import { createJobState, reduceEvents } from '../../shared/reducer'
import { jsonByteLength as eventBytes, utf8ByteLength as utf8Length } from '../../server/lib/bytes'
import { fitEvent, shortenEvent } from '../../server/lib/event-size'
import { planAppendCalls, splitUtf8 } from '../../server/lib/providers/convex-batches'

const delta = (fromSeq: number, seq: number, offset: number, text: string): JobEvent =>
  ({ type: 'text-delta', seq, at: 1, offset, text, ...(seq > fromSeq ? { fromSeq } : {}) })
const content = (events: JobEvent[]) => reduceEvents(createJobState({ id: 'j', type: 'chat', createdAt: 0 }), events).content

describe('fitting events into a size limit', () => {
  it('keeps an event that fits as it is', () => {
    const event = delta(1, 1, 0, 'hello')
    expect(fitEvent(event, 1_000)).toEqual([event])
  })

  it('splits a merged delta into smaller deltas that keep the log gap-free and the text whole', () => {
    const text = 'abcdefghij'.repeat(100) + '👋'.repeat(50)
    const merged = delta(3, 12, 7, text)
    const pieces = fitEvent(merged, 300)
    expect(pieces.length).toBeGreaterThan(2)
    for (const piece of pieces) expect(eventBytes(piece)).toBeLessThanOrEqual(300)
    // Seqs: first covers from 3, each continues the previous, the last ends at 12.
    expect(pieces[0]).toMatchObject({ seq: expect.any(Number) })
    let expected = 3
    for (const piece of pieces) {
      expect(piece.fromSeq ?? piece.seq).toBe(expected)
      expected = piece.seq + 1
    }
    expect(expected).toBe(13)
    expect(pieces.map(piece => (piece as { text: string }).text).join('')).toBe(text)
    // Never half a surrogate pair in a piece.
    for (const piece of pieces) expect((piece as { text: string }).text).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/)
    expect(content([delta(1, 2, 0, 'x'.repeat(7)), ...pieces])).toBe('x'.repeat(7) + text)
  })

  it('shortens any other event by replacing its largest fields with a notice', () => {
    const event: JobEvent = { type: 'node-end', seq: 4, at: 1, nodeId: 'draft', status: 'completed', output: { text: 'y'.repeat(5_000) } }
    const [shortened] = fitEvent(event, 500)
    expect(eventBytes(shortened!)).toBeLessThanOrEqual(500)
    expect(shortened).toMatchObject({ type: 'node-end', seq: 4, nodeId: 'draft', status: 'completed' })
    expect((shortened as { output: unknown }).output).toMatch(/^\[truncated: 5011 bytes, more than one stored event may hold \(500 bytes\)\]$/)
  })

  it('shortens a single-seq delta too big to split (the text is cut)', () => {
    const shortened = shortenEvent(delta(1, 1, 0, 'z'.repeat(2_000)), 200)
    expect(eventBytes(shortened)).toBeLessThanOrEqual(200)
  })
})

describe('packing events into Convex calls', () => {
  const limits = { batchBytes: 400, appendBytes: 1_000 }

  it('cuts a string only between characters, each piece within the limit', () => {
    const text = `[${'é👋a'.repeat(100)}]`
    const pieces = splitUtf8(text, 37)
    expect(pieces.join('')).toBe(text)
    for (const piece of pieces) expect(utf8Length(piece)).toBeLessThanOrEqual(37)
  })

  it('packs small events into batches under the batch limit and calls under the call limit, in order', () => {
    const events = Array.from({ length: 40 }, (_, index) => delta(index + 1, index + 1, index * 30, 'é'.repeat(30)))
    const calls = planAppendCalls(events, limits)
    expect(calls.length).toBeGreaterThan(1)
    expect(calls.flatMap(call => call.events)).toEqual(events)
    for (const call of calls) {
      const sizes = call.batches.map(batch => utf8Length(batch as string))
      for (const size of sizes) expect(size).toBeLessThanOrEqual(limits.batchBytes)
      expect(sizes.reduce((sum, size) => sum + size, 0)).toBeLessThanOrEqual(limits.appendBytes)
      expect(call.batches.flatMap(batch => JSON.parse(batch as string) as JobEvent[])).toEqual(call.events)
    }
  })

  it('sends an event bigger than a batch alone, in pieces that join back to it', () => {
    const big: JobEvent = { type: 'node-end', seq: 2, at: 1, nodeId: 'n', status: 'completed', output: 'ü'.repeat(300) }
    const calls = planAppendCalls([delta(1, 1, 0, 'a'), big, delta(3, 3, 1, 'b')], limits)
    const batches = calls.flatMap(call => call.batches)
    const pieced = batches.find(batch => Array.isArray(batch)) as string[]
    expect(pieced.length).toBeGreaterThan(1)
    for (const piece of pieced) expect(utf8Length(piece)).toBeLessThanOrEqual(limits.batchBytes)
    expect(JSON.parse(pieced.join(''))).toEqual([big])
    expect(calls.flatMap(call => call.events).map(event => event.seq)).toEqual([1, 2, 3])
  })

  it('plans nothing for no events', () => {
    expect(planAppendCalls([], limits)).toEqual([])
  })
})
