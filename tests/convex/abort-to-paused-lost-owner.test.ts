/**
 * An owner whose store connection is down lost its lease; another instance took the job over. An
 * abort sent to the lost owner (the load balancer's pick) is acted on by its stale run, whose
 * aborted end the store then refuses: the abort must still reach the job's owner — an abort
 * answered 200 ends the job aborted — not leave it running on the new owner.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { cutOffOwner } from './cut-off-owner'

describe('an abort sent to a lost owner whose store is unreachable', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('ends the job aborted on the instance that took it over', async () => {
    const { a, b, job, facade } = await cutOffOwner()
    expect((await b.engine.getJob('u1', job.id)).state).toMatchObject({ epoch: 2, status: 'waiting' })
    const aborting = a.engine.abortJob('u1', job.id).then(summary => summary.status, (error: unknown) => error)
    await vi.advanceTimersByTimeAsync(1_000)
    await facade.reconnect()
    await vi.advanceTimersByTimeAsync(10_000)
    const reply = await aborting
    const { state } = await b.engine.getJob('u1', job.id)
    // A 503 would be honest too (retry); a 200 must mean the job was aborted.
    if (typeof reply === 'string') expect([reply, state.status]).toEqual(['aborted', 'aborted'])
    else expect(reply).toMatchObject({ statusCode: 503 })
    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
