/**
 * A viewer that reaches an instance whose run of the job was given up (another instance took the
 * job over) while that run's code has not returned yet — code that ignores the abort — follows the
 * job as on any other instance: the new owner's events, live. It got the stored log and a closed
 * stream instead, as for a finished job; resuming at the stored log's end it got a 204, which tells
 * EventSource the job is over and stops it for good, while the job runs on.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { formatEventId } from '../../shared/event-id'
import { createRecordingSink } from '../support/engine-harness'
import { abandonedRunOnA } from './abandoned-run'

describe('a viewer of a job whose run here was abandoned', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('follows the new owner live, from scratch and from the stored log\'s end', async () => {
    const { a, b, job } = await abandonedRunOnA()
    expect(a.engine.stats().runs).toBe(1) // the abandoned run, whose code has not returned
    const stored = (await a.engine.getJob('u1', job.id)).state
    expect(stored.status).toBe('running')

    // A HEAD on the stream answers as the GET does: 200, not the 204 of a finished job.
    expect(await a.engine.probeStream('u1', job.id, { epoch: stored.epoch ?? 1, seq: stored.seq })).toEqual({ upToDate: false })
    const fresh = createRecordingSink()
    const resumed = createRecordingSink()
    const attachments = [
      await a.engine.attachViewer('u1', job.id, fresh, null),
      await a.engine.attachViewer('u1', job.id, resumed, { epoch: stored.epoch ?? 1, seq: stored.seq }),
    ]
    expect(attachments.map(each => ({ open: each.open, upToDate: each.upToDate }))).toEqual([{ open: true, upToDate: false }, { open: true, upToDate: false }])
    await vi.advanceTimersByTimeAsync(3_000)
    for (const sink of [fresh, resumed]) {
      expect(sink.closed).toBe(false)
      expect(sink.textEvents().length).toBeGreaterThan(0)
    }
    // Both are where the store is, on B's text (a follower hears of stored events).
    const now = (await a.engine.getJob('u1', job.id)).state
    expect(now.content).toContain('b ')
    expect(fresh.state()!.content).toBe(now.content)
    expect(formatEventId(resumed.frames.at(-1)!.id, resumed.frames.at(-1)!.epoch)).toBe(formatEventId(now.seq, now.epoch))

    for (const attachment of attachments) attachment.detach()
    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
