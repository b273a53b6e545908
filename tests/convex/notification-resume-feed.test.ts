/**
 * A notification stream that resumes (Last-Event-ID) on an instance where no stream of the user was
 * open during its break: that instance's user feed was stopped, and started again "from now", so
 * what a job of another instance did during the break (created, ended, asked) never reached the
 * tab. The feed now starts from the stream's position.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { recordingSink, tabBreakWhileAnotherRuns } from './notification-break'

describe('a stream resumed on an instance that followed nothing of the user meanwhile', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('a tab back on B after a break is told of the job A ran meanwhile', async () => {
    // The break: B has no stream of u1 (its feed stops) while A runs a whole job.
    const { a, b, tab, job } = await tabBreakWhileAnotherRuns()
    expect(tab.positions).toHaveLength(1)
    const back = recordingSink()
    const detachBack = b.engine.attachNotifications('u1', back.sink, tab.positions[0]!)
    await vi.advanceTimersByTimeAsync(100)
    expect(back.received.filter(item => item.jobId === job.id).map(item => item.type)).toEqual(['job-created', 'job-end'])
    detachBack()
    await Promise.all([a.engine.dispose(), b.engine.dispose()])
  })
})
