/**
 * A live delta that starts past the end of the tab's text means events between were lost (no
 * known path sends one since the write-behind stopped splitting merged deltas; this is the safety
 * net). Applied, the reducer keeps the text and moves `seq` on, so every later delta is dropped
 * as well and the answer freezes while the stream looks healthy. The follower takes the server's
 * state again instead, and believes a server that keeps sending such deltas after a few tries.
 */
import { describe, expect, it } from 'vitest'
import { MAX_GAP_RESYNCS } from '../../app/lib/job-stream'
import { createJobState, deltaLeavesGap } from '../../shared/reducer'
import { harness, snapshot } from '../support/job-stream-harness'

describe('a delta that leaves a gap in the text', () => {
  it('drops the stream, adopts the server\'s state and goes on after it: the text is whole', async () => {
    const test = harness()
    test.sources[0]!.open()
    test.sources[0]!.emit('snapshot', snapshot(5, 'abcde'), '5')
    // Seq 6 ('fg') never arrived; 7 starts at offset 7.
    test.sources[0]!.emit('text-delta', [7, 'hi'], '7')
    expect(test.sources[0]!.readyState).toBe(2)
    expect(test.state()).toMatchObject({ seq: 5, content: 'abcde' })
    await test.runTimer(snapshot(7, 'abcdefghi'))
    expect(test.state()).toMatchObject({ seq: 7, content: 'abcdefghi' })
    expect(test.sources[1]!.url).toBe('/api/jobs/j1/stream?after=7')
    test.sources[1]!.open()
    test.sources[1]!.emit('text-delta', [9, 'jk'], '8')
    expect(test.state()).toMatchObject({ seq: 8, content: 'abcdefghijk' })
  })

  it(`applies the delta as it comes after ${MAX_GAP_RESYNCS} resyncs in a row that did not help`, async () => {
    const test = harness()
    test.sources[0]!.open()
    test.sources[0]!.emit('snapshot', snapshot(5, 'abcde'), '5')
    for (let resync = 0; resync < MAX_GAP_RESYNCS; resync++) {
      test.sources.at(-1)!.emit('text-delta', [9, 'zz'], '6')
      // The server answers with the same state: it has the gap itself.
      await test.runTimer(snapshot(5, 'abcde'))
      test.sources.at(-1)!.open()
    }
    expect(test.sources).toHaveLength(MAX_GAP_RESYNCS + 1)
    test.sources.at(-1)!.emit('text-delta', [9, 'zz'], '6')
    expect(test.sources).toHaveLength(MAX_GAP_RESYNCS + 1)
    expect(test.state()!.seq).toBe(6)
  })

  it('is a gap only for a new delta of the state\'s epoch, past the end of its own kind of text', () => {
    const state = { ...createJobState({ id: 'j1', type: 'chat', createdAt: 0 }), status: 'running' as const, seq: 5, content: 'abc', reasoning: 'r' }
    const delta = (type: 'text-delta' | 'reasoning-delta', offset: number, seq = 6, epoch?: number) => ({ type, offset, text: 'x', seq, at: 1, ...(epoch ? { epoch } : {}) })
    expect(deltaLeavesGap(state, delta('text-delta', 3))).toBe(false)
    expect(deltaLeavesGap(state, delta('text-delta', 2))).toBe(false)
    expect(deltaLeavesGap(state, delta('text-delta', 4))).toBe(true)
    expect(deltaLeavesGap(state, delta('reasoning-delta', 1))).toBe(false)
    expect(deltaLeavesGap(state, delta('reasoning-delta', 2))).toBe(true)
    // Seen already, or of an earlier epoch: the reducer ignores it anyway.
    expect(deltaLeavesGap(state, delta('text-delta', 9, 5))).toBe(false)
    expect(deltaLeavesGap({ ...state, epoch: 2 }, delta('text-delta', 9, 6, 1))).toBe(false)
    expect(deltaLeavesGap({ ...state, status: 'completed' }, delta('text-delta', 9))).toBe(false)
    expect(deltaLeavesGap(null, delta('text-delta', 9))).toBe(false)
  })
})
