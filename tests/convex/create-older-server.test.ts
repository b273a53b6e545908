/**
 * A rolling deploy on Convex: the functions are deployed once, and the servers of the version
 * before keep running for minutes beside the new ones. A server from before 225a0cf7 calls
 * `jobs:create` without `withoutRequest` and decodes the answer as every record
 * (`toJobRecord`: `JSON.parse(record.requestJson)`), then runs that record. A new job must come back
 * to it with its whole request; this version's provider asks for it without.
 */
import { describe, expect, it } from 'vitest'
import { api } from '../../convex/_generated/api'
import { createBackend, createInstance, newJob, TEST_SECRET } from './backend'
import { longHistoryChat } from '../support/long-history'

/** What such a server read from a stored record (its provider's `toJobRecord`). */
function olderServerRecord(stored: { jobId: string, requestJson?: string }) {
  const { jobId, requestJson, ...fields } = stored
  return { id: jobId, ...fields, request: JSON.parse(requestJson as string) as unknown }
}

describe('convex: jobs:create answered to a server of the version before', () => {
  it('gives the older server\'s call the new job with its whole request, and this version\'s without', async () => {
    const backend = createBackend()
    const { messages } = longHistoryChat()
    const request = { type: 'chat', messages }
    // The arguments such a server sends (no `withoutRequest`).
    const result = await backend.mutation(api.jobs.create, {
      secret: TEST_SECRET,
      jobId: 'older-turn',
      userId: 'u1',
      type: 'chat',
      threadId: 't1',
      messageId: null,
      idempotencyKey: null,
      title: 'hi',
      requestJson: JSON.stringify(request),
      createdAt: 1_000,
      lease: { instanceId: 'old', epoch: 1, expiresAt: 60_000 },
      leaseMs: 30_000,
    })
    expect('record' in result && result.created).toBe(true)
    const record = 'record' in result ? olderServerRecord(result.record) : null
    expect(record).toMatchObject({ id: 'older-turn', userId: 'u1', status: 'queued', request })

    // This version's provider: the request it sent is not sent back, and it still has it.
    const counted: number[] = []
    const { provider } = createInstance(backend, {
      wrap: facade => ({ ...facade, async mutation(reference, args) {
        const answer = await facade.mutation(reference, args)
        if (String(reference) === 'jobs:create') counted.push(Buffer.byteLength(JSON.stringify(answer)))
        return answer
      } }),
    })
    const job = newJob({ id: 'new-turn', userId: 'u1', request: { type: 'chat', messages } })
    const created = await provider.create(job)
    expect(created.record.request).toEqual(job.request)
    expect(counted[0]).toBeLessThan(Buffer.byteLength(JSON.stringify(request)) / 10)
  })
})
