/**
 * The job stream's data on the wire: plain deltas go as `[offset, text]` (type and seq are in the
 * SSE envelope), everything else whole; a client turns both back into events for the reducer.
 */
import { describe, expect, it } from 'vitest'
import type { JobEvent } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'
import { applyEvent, createJobState } from '../../shared/reducer'
import { decodeStreamEvent, encodeEventData } from '../../shared/stream-wire'
import { formatFrame } from '../../server/lib/http/sse-sink'

const delta: JobEvent = { type: 'text-delta', seq: 7, at: 1_000, offset: 12, text: 'hé 😀\n"x"' }

describe('stream wire format', () => {
  it('a plain text or reasoning delta goes compact: [offset, text], nothing the envelope carries', () => {
    expect(encodeEventData('text-delta', delta)).toEqual([12, 'hé 😀\n"x"'])
    expect(encodeEventData('reasoning-delta', { ...delta, type: 'reasoning-delta' })).toEqual([12, 'hé 😀\n"x"'])
    expect(formatFrame('text-delta', 7, delta)).toBe('id: 7\nevent: text-delta\ndata: [12,"hé 😀\\n\\"x\\""]\n\n')
  })

  it('anything else goes whole: other events, deltas of a workflow node, merged replays, foreign shapes', () => {
    const end: JobEvent = { type: 'job-end', seq: 9, at: 2_000, status: 'completed', metrics: emptyMetrics() }
    const nodeDelta = { ...delta, nodeId: 'draft' }
    const merged = { ...delta, fromSeq: 3 }
    for (const [name, data] of [['job-end', end], ['text-delta', nodeDelta], ['text-delta', merged], ['text-delta', { text: 'no offset' }], ['snapshot', { content: 'x' }]] as const) {
      expect(encodeEventData(name, data)).toBe(data)
    }
  })

  it('decodes a compact delta into the event the reducer needs (at = when it was received); whole events pass through', () => {
    const decoded = decodeStreamEvent('text-delta', '7', JSON.parse(JSON.stringify(encodeEventData('text-delta', delta))), 5_000)
    expect(decoded).toEqual({ type: 'text-delta', seq: 7, at: 5_000, offset: 12, text: 'hé 😀\n"x"' })
    // After a takeover the id carries the epoch, and the event gets it as the server's has it.
    expect(decodeStreamEvent('reasoning-delta', '3:7', [0, 'why'], 1)).toEqual({ type: 'reasoning-delta', seq: 7, epoch: 3, at: 1, offset: 0, text: 'why' })
    const state = { ...createJobState({ id: 'j', type: 'chat', createdAt: 0 }), seq: 6, content: 'Hello world ' }
    expect(applyEvent(state, decoded!).content).toBe('Hello world hé 😀\n"x"')
    const end = { type: 'job-end', seq: 9, at: 2_000, status: 'completed', metrics: emptyMetrics() }
    expect(decodeStreamEvent('job-end', '9', end, 5_000)).toBe(end)
  })

  it('a frame it cannot read is null (the client skips it; the next snapshot repairs)', () => {
    for (const badId of [undefined, '', 'x', '1:2:3', '-4', '7a']) expect(decodeStreamEvent('text-delta', badId, [1, 'x'], 0)).toBeNull()
    expect(decodeStreamEvent('job-end', '4', [1, 'x'], 0)).toBeNull()
    expect(decodeStreamEvent('text-delta', '4', ['1', 'x'], 0)).toBeNull()
    expect(decodeStreamEvent('text-delta', '4', 'text', 0)).toBeNull()
    expect(decodeStreamEvent('text-delta', '4', { type: 'job-end', seq: 4 }, 0)).toBeNull()
    // api.md, "Frame data": `data` is the parsed JSON, not the frame's text; a snapshot is no event.
    expect(decodeStreamEvent('text-delta', '4', '[1,"x"]', 0)).toBeNull()
    expect(decodeStreamEvent('text-delta', '4', JSON.parse('[1,"x"]'), 0)).toMatchObject({ type: 'text-delta', seq: 4, offset: 1, text: 'x' })
    expect(decodeStreamEvent('snapshot', '6', { ...createJobState({ id: 'j', type: 'chat', createdAt: 0 }), seq: 6 }, 0)).toBeNull()
  })
})
