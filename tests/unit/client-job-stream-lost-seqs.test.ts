/**
 * A tab that saw text an owner streamed but never stored (it died first) can stay on a stream
 * that goes on with the next owner's events — an instance that follows the store keeps its feed
 * across a takeover. Those events reuse the seqs the tab already has: applied as they come, the
 * first ones are dropped as seen and the rest land on the lost text. The follower must instead
 * take the server's state again (found by tests/unit/resume-fuzz.test.ts).
 */
import { describe, expect, it } from 'vitest'
import { harness, snapshot } from '../support/job-stream-harness'

describe('a later epoch at seqs the tab already has', () => {
  it('drops the stream, adopts the server\'s state and resumes after it', async () => {
    const test = harness()
    test.sources[0]!.open()
    test.sources[0]!.emit('snapshot', snapshot(5, 'abcde'), '5')
    // 6 and 7 come from owner A, which dies before storing them.
    test.sources[0]!.emit('text-delta', [5, 'XY'], '7')
    expect(test.state()!.content).toBe('abcdeXY')
    // B took over from the stored 5; the same stream carries its events.
    test.sources[0]!.emit('text-delta', [5, 'Z'], '2:6')
    expect(test.sources[0]!.readyState).toBe(2)
    await test.runTimer({ ...snapshot(6, 'abcdeZ'), epoch: 2 })
    expect(test.state()).toMatchObject({ seq: 6, epoch: 2, content: 'abcdeZ' })
    expect(test.sources[1]!.url).toBe('/api/jobs/j1/stream?after=2%3A6')
    test.sources[1]!.open()
    test.sources[1]!.emit('text-delta', [6, 'Q'], '2:7')
    test.sources[1]!.emit('text-delta', [7, 'R'], '2:8')
    expect(test.state()).toMatchObject({ seq: 8, epoch: 2, content: 'abcdeZQR' })
  })
})
