/**
 * A fresh notification stream's resume position (`stream-start`) holds across instances: a tab
 * that opened on B and had no notification yet, then lost its stream, reconnects to A from that
 * position and is replayed the job A ran meanwhile — not started again "from now".
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { recordingSink, tabBreakWhileAnotherRuns } from './notification-break'

describe('a fresh stream\'s position across instances', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('a tab that opened on B with no notification yet, back on A after a break, is replayed A\'s job', async () => {
    // The break: A runs a whole job while the tab has no stream.
    const { a, b, tab, job } = await tabBreakWhileAnotherRuns()
    expect(tab.positions).toHaveLength(1)
    const back = recordingSink()
    const detachBack = a.engine.attachNotifications('u1', back.sink, tab.positions[0]!)
    expect(back.received.filter(item => item.jobId === job.id).map(item => item.type)).toEqual(['job-created', 'job-end'])
    detachBack()
    await Promise.all([a.engine.dispose(), b.engine.dispose()])
  })
})
