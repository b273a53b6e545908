/**
 * A rolling deploy on Convex: the functions are deployed once, and the servers of the version
 * before keep running for minutes beside the new ones. Such a server's recovery scan calls
 * `leases:listExpiredLeases` as it always did (no `listed`) and runs the records it gets as they
 * are: a chat it continues (`recovery.chat: continue`, a hand-off at SIGTERM) is sent to the model
 * with the request of that record. Only the servers that read a claimed job whole ask for the
 * listed form; the older server's call gets whole requests, also of a job whose lease is still in
 * the job document.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { api } from '../../convex/_generated/api'
import { createBackend, createInstance, newJob, statusEvent, TEST_SECRET } from './backend'
import { longHistoryChat } from '../support/long-history'

const NOW = 10_000_000

describe('convex: lapsed jobs listed for a server of the version before', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(NOW)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('gives the older server\'s call whole requests, and this version\'s the listed ones', async () => {
    const backend = createBackend()
    const { provider } = createInstance(backend)
    const { messages } = longHistoryChat()
    const request = { type: 'chat' as const, messages }
    // Its owner is gone: its lease lapsed.
    const { record: job } = await provider.create(newJob({ id: 'lapsed', userId: 'u1', request, lease: { instanceId: 'A', epoch: 1, expiresAt: 1 } }))
    await provider.appendEvents(job.id, [statusEvent(1, 'running')], { epoch: 1 })
    // One more of a version that kept the request and the lease in the job document.
    await backend.run(async (ctx) => {
      await ctx.db.insert('jobs', { jobId: 'embedded', userId: 'u1', type: 'chat', status: 'running', threadId: null, messageId: null, idempotencyKey: null, title: 'old', requestJson: JSON.stringify(request), createdAt: 500, updatedAt: 600, endedAt: null, lastSeq: 1, lease: { instanceId: 'A', epoch: 1, expiresAt: 2 } })
    })

    // How many messages each request holds, then the requests themselves.
    const older = await backend.query(api.leases.listExpiredLeases, { secret: TEST_SECRET })
    expect(older.map(record => [record.jobId, JSON.parse(record.requestJson).messages.length])).toEqual([['lapsed', 3], ['embedded', 3]])
    expect(older.map(record => JSON.parse(record.requestJson))).toEqual([request, request])

    const listed = await provider.listExpiredLeases!()
    expect(listed.map(record => [record.id, record.request])).toEqual([
      ['lapsed', { type: 'chat', messages: [messages[2]] }],
      ['embedded', { type: 'chat', messages: [messages[2]] }],
    ])
  })
})
