/**
 * An event from an older lease epoch never changes a state of a newer epoch: after a takeover, a
 * reopened stream that reaches the old owner (which has not noticed yet that it lost the job)
 * must not move the resume position past what the new owner sent, or the new owner's own events
 * would then be dropped as already seen and the text would freeze.
 */
import { describe, expect, it } from 'vitest'
import { applyLiveEvent } from '../../app/lib/job-state'
import { applyEvent } from '../../shared/reducer'
import type { JobEvent } from '../../shared/events'
import { harness, snapshot, text } from '../support/job-stream-harness'

describe('older-epoch frames after a later-epoch state was adopted', () => {
  it('applyLiveEvent ignores an epoch-1 event on an epoch-2 state', () => {
    const newer = { ...snapshot(5, 'abcde'), epoch: 2 }
    const stale = text(6, 5, 'X') // epoch 1 (no epoch field), from the lost owner
    const next = applyLiveEvent(newer, stale)!
    expect(next.seq).toBe(5)
    expect(next.content).toBe('abcde')
  })

  it('the shared reducer: a lower epoch is refused, the same or a higher one applies', () => {
    const newer = { ...snapshot(5, 'abcde'), epoch: 2 }
    expect(applyEvent(newer, { ...text(6, 5, 'X'), epoch: 1 } as JobEvent)).toBe(newer)
    expect(applyEvent(newer, { ...text(6, 5, 'X'), epoch: 2 } as JobEvent)).toMatchObject({ seq: 6, epoch: 2, content: 'abcdeX' })
    expect(applyEvent(newer, { ...text(6, 5, 'X'), epoch: 3 } as JobEvent)).toMatchObject({ seq: 6, epoch: 3, content: 'abcdeX' })
    // A state from before any takeover (no epoch) takes every event, as before.
    expect(applyEvent(snapshot(5, 'abcde'), text(6, 5, 'X') as JobEvent)).toMatchObject({ seq: 6, content: 'abcdeX' })
  })

  it('follower: after adopting the new owner\'s snapshot, a stream answered by the old owner does not move the resume position', async () => {
    const test = harness()
    // Owner A (epoch 1) streams; it sends 6 and 7 that it never stores.
    test.sources[0]!.emit('snapshot', snapshot(5, 'abcde'), '5')
    test.sources[0]!.emit('text-delta', [5, 'XY'], '7')
    test.sources[0]!.fail(2)
    // B took over (epoch 2): its stored state is at 2:6 with different text.
    await test.runTimer({ ...snapshot(6, 'abcdeZ'), epoch: 2 })
    expect(test.state()!.content).toBe('abcdeZ')
    expect(test.sources[1]!.url).toBe('/api/jobs/j1/stream?after=2%3A6')
    // The load balancer sends the new stream to A, still running until it notices it lost the lease:
    // A does not know 2:6 and answers with its own snapshot (epoch 1, kept out by adoptSnapshot)...
    test.sources[1]!.open()
    test.sources[1]!.emit('snapshot', snapshot(7, 'abcdeXY'), '7')
    expect(test.state()!.content).toBe('abcdeZ')
    // ...then its live tail, epoch 1.
    test.sources[1]!.emit('text-delta', [7, 'W'], '8')
    test.sources[1]!.emit('text-delta', [8, 'V'], '9')
    // The state claims B's 2:9 although it holds only B's 2:6.
    expect(test.state()!.seq).toBe(6)
    test.sources[1]!.fail(2)
    await test.runTimer({ ...snapshot(6, 'abcdeZ'), epoch: 2 })
    expect(test.sources[2]!.url).toBe('/api/jobs/j1/stream?after=2%3A6')
  })

  it('follower: the consequence — back on the new owner, its own events 2:7..2:10 are dropped and the text freezes', async () => {
    const test = harness()
    test.sources[0]!.emit('snapshot', snapshot(5, 'abcde'), '5')
    test.sources[0]!.fail(2)
    await test.runTimer({ ...snapshot(6, 'abcdeZ'), epoch: 2 })
    // The reopened stream lands on the old owner A (epoch 1): its snapshot is kept out, its live frames are not.
    test.sources[1]!.open()
    test.sources[1]!.emit('snapshot', snapshot(7, 'abcdeXY'), '7')
    test.sources[1]!.emit('text-delta', [7, 'W'], '8')
    test.sources[1]!.emit('text-delta', [8, 'V'], '9')
    // A stops (it noticed the lost lease); the follower asks B, still at 2:6, and reopens on B.
    test.sources[1]!.fail(2)
    await test.runTimer({ ...snapshot(6, 'abcdeZ'), epoch: 2 })
    test.sources[2]!.open()
    // B answers the (for it future) position with its snapshot, then streams on from 2:6.
    test.sources[2]!.emit('snapshot', { ...snapshot(6, 'abcdeZ'), epoch: 2 }, '2:6')
    test.sources[2]!.emit('text-delta', [6, 'Q'], '2:7')
    test.sources[2]!.emit('text-delta', [7, 'R'], '2:8')
    test.sources[2]!.emit('text-delta', [8, 'S'], '2:9')
    test.sources[2]!.emit('text-delta', [9, 'T'], '2:10')
    expect(test.state()!.content).toBe('abcdeZQRST')
  })
})
