/**
 * A retry with the same `Idempotency-Key` is compared with the job it started by the fingerprint
 * stored with that job's request (idempotency.ts), which the request as a listing gives it keeps.
 * `jobs:create` answered such a retry with the stored job read whole: the request, up to 1 MB for
 * an AI SDK chat (its whole history), was sent back on every retry only for its fingerprint. The
 * bytes of every result must not grow with the history; the same key with another body is still a
 * 422, and the app's hooks still get the whole request.
 */
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { IdempotencyKeyReusedError } from '../../server/lib/errors'
import type { ConvexFacade } from '../../server/lib/providers/convex-facade'
import { createBackend, newJob } from './backend'
import { countingQueries } from './counting-queries'
import { createEngineNode } from './engine-node'
import { longHistoryChat } from '../support/long-history'

const config = resolveConfig({ scripted: { enabled: true } })

/** Counts every query and mutation result, in UTF-8 bytes of JSON. */
function countingResults(counter: { bytes: number }) {
  return (facade: ConvexFacade): ConvexFacade => {
    const counted = countingQueries(counter)(facade)
    return {
      ...counted,
      async mutation(mutation, args) {
        const result = await facade.mutation(mutation, args)
        counter.bytes += Buffer.byteLength(JSON.stringify(result))
        return result
      },
    }
  }
}

describe('convex: an idempotent retry and its request', () => {
  it('answers a retry of a long chat\'s creation without reading its whole history', async () => {
    const backend = createBackend()
    const counter = { bytes: 0 }
    const node = createEngineNode(backend, { instanceId: 'A', config, wrapFacade: countingResults(counter) })
    const { history, messages } = longHistoryChat()
    // Stored as the route stores a keyed creation: with the fingerprint of its body.
    const { record: job } = await node.provider.create(newJob({ userId: 'u1', idempotencyKey: 'turn-2', request: { type: 'chat', messages, fingerprint: 'fp-1' } }))

    const before = counter.bytes
    const retry = await node.engine.createJob('u1', { request: { type: 'chat', messages }, idempotencyKey: 'turn-2', requestFingerprint: 'fp-1' })
    expect(retry).toMatchObject({ created: false, job: { id: job.id, prompt: 'And now?' } })
    expect(counter.bytes - before).toBeLessThan(history.length / 10)

    // The same key with another body is still refused, and the whole request is still there for the hooks.
    await expect(node.engine.createJob('u1', { request: { type: 'chat', messages }, idempotencyKey: 'turn-2', requestFingerprint: 'fp-2' }))
      .rejects.toBeInstanceOf(IdempotencyKeyReusedError)
    expect((await node.engine.getJobRecord('u1', job.id)).request).toEqual({ type: 'chat', messages, fingerprint: 'fp-1' })
    await node.engine.dispose()
  })
})
