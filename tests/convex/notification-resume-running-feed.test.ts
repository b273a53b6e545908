/**
 * A stream that resumes (Last-Event-ID) on an instance where another tab of the same user opened
 * after the break began: that tab started the user's feed "from now", so the feed was already
 * running when the resuming stream came, from later than its position. What a job of another
 * instance did in between (created, ended) reached neither the backlog nor the resuming tab.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { recordingSink, tabBreakWhileAnotherRuns } from './notification-break'

describe('a stream resumed on an instance whose feed started after its position', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('tab 2, back on B where tab 1 opened after its break, is told of the job A ran meanwhile', async () => {
    // Tab 2's break: B had no stream of u1 (its feed stopped) while A ran a whole job.
    const { a, b, tab: tab2, job } = await tabBreakWhileAnotherRuns()
    // Tab 1 opens on B now: B's feed of u1 starts from here.
    const tab1 = recordingSink()
    const detachTab1 = b.engine.attachNotifications('u1', tab1.sink, null)
    await vi.advanceTimersByTimeAsync(100)
    expect(tab1.received.filter(item => item.jobId === job.id)).toEqual([])
    // Tab 2 comes back to B from its position, before A's job.
    const back = recordingSink()
    const detachBack = b.engine.attachNotifications('u1', back.sink, tab2.positions[0]!)
    await vi.advanceTimersByTimeAsync(100)
    expect(back.received.filter(item => item.jobId === job.id).map(item => item.type)).toEqual(['job-created', 'job-end'])
    detachBack()
    detachTab1()
    await Promise.all([a.engine.dispose(), b.engine.dispose()])
  })
})
