/**
 * `jobs:create` does not send a new job's request back: the server has just sent it (up to 1 MB, a
 * chat's whole history, on every turn) and already holds it. An idempotent retry still gets the
 * stored job's request (it may be another one than the retry's), as a listing gives it: here, a
 * chat of one message, the whole request.
 */
import { describe, expect, it } from 'vitest'
import type { ConvexFacade } from '../../server/lib/providers/convex-facade'
import { createBackend, createInstance, newJob } from './backend'

/** Wraps a facade so every `jobs:create` result is counted, in UTF-8 bytes of JSON. */
function countingCreateResults(counter: { bytes: number }) {
  return (facade: ConvexFacade): ConvexFacade => ({
    ...facade,
    async mutation(mutation, args) {
      const result = await facade.mutation(mutation, args)
      if (String(mutation) === 'jobs:create') counter.bytes += Buffer.byteLength(JSON.stringify(result))
      return result
    },
  })
}

describe('convex create result size', () => {
  it('does not send a new job\'s request back, and still returns it whole', async () => {
    const backend = createBackend()
    const counter = { bytes: 0 }
    const { provider } = createInstance(backend, { wrap: countingCreateResults(counter) })
    const history = 'h'.repeat(500_000)
    const job = newJob({ idempotencyKey: 'turn-1', request: { type: 'chat', messages: [{ role: 'user', content: history }] } })
    const created = await provider.create(job)
    expect(created.created).toBe(true)
    expect(created.record).toEqual({ ...job, status: 'queued', storeCreatedAt: expect.any(Number), updatedAt: job.createdAt, endedAt: null, lastSeq: 0 })
    expect(counter.bytes).toBeLessThan(history.length / 10)

    // A retry with the same key gets the stored job, request and all.
    const retried = await provider.create({ ...job, id: 'job-retry', request: { type: 'chat', messages: [{ role: 'user', content: 'other' }] } })
    expect(retried).toEqual({ record: created.record, created: false })
  })
})
