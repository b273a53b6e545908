/**
 * A notification stream that resumes from a position older than anything the stores keep: an id of
 * the version before notification ids followed the clock (a counter: 1, 2, 3 …), sent back by a tab
 * that was open across the deploy. It was resumed as a time near 1970: the feed read every change
 * of the user the deployment still held, and the tab was told, as news, of a job created and ended
 * long before. It now starts afresh, as a first connect: a `stream-start`, no replay.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { recordingSink, tabBreakWhileAnotherRuns } from './notification-break'

describe('a stream resumed from a position older than the retention (Convex)', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('a tab back with a counter id of the version before starts afresh, not with the jobs of the last hour', async () => {
    const { a, b } = await tabBreakWhileAnotherRuns()
    await vi.advanceTimersByTimeAsync(60_000)
    const back = recordingSink()
    const detach = b.engine.attachNotifications('u1', back.sink, 7)
    await vi.advanceTimersByTimeAsync(100)
    expect(back.received.map(item => item.type)).toEqual([])
    expect(back.positions).toHaveLength(1)
    detach()
    await Promise.all([a.engine.dispose(), b.engine.dispose()])
  })
})
