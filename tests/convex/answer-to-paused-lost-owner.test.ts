/**
 * An owner whose store connection is down lost its lease; another instance took the job over and
 * asked the question again under a new id, and the user answered it there. The same answer again,
 * sent to the lost owner (a retry through the load balancer), must not be refused by its stale run
 * with a 409 "not pending for this job": that instance cannot tell, and the job took that answer.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { cutOffOwner } from './cut-off-owner'

describe('the same answer again, sent to a lost owner whose store is unreachable', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is not a 409 from its stale run', async () => {
    const { a, b, job, facade } = await cutOffOwner()
    const { state } = await b.engine.getJob('u1', job.id)
    expect(state.epoch).toBe(2)
    const asked = state.pendingInputs.find(input => input.prompt === 'First?')!
    expect(await b.engine.answerInput('u1', job.id, { requestId: asked.requestId, answer: { go: true } })).toEqual({ stored: true })
    const again = a.engine.answerInput('u1', job.id, { requestId: asked.requestId, answer: { go: true } }).then(outcome => outcome, (error: unknown) => error)
    await vi.advanceTimersByTimeAsync(1_000)
    await facade.reconnect()
    await vi.advanceTimersByTimeAsync(10_000)
    const reply = await again
    expect(reply).not.toMatchObject({ statusCode: 409 })
    // Forwarded through the store once it answers: the owner tells it the job took it.
    expect(reply).toEqual({ stored: true })
    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
