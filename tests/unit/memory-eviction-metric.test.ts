/**
 * The memory provider holds at most `maxJobs` jobs (10,000): past it, the oldest finished job is
 * evicted to make room, before its retention ran out — its user gets a 404 for a job that ended
 * minutes ago. docs/limits.md lists these jobs as "seen in `jobs_deleted_total`", but an eviction
 * was counted nowhere, so an operator whose instance evicted jobs all day (a busy instance with a
 * long `RETENTION_MS`) saw nothing that said retention was being cut short.
 */
import { describe, expect, it } from 'vitest'
import { emptyMetrics } from '../../shared/events'
import { createMetrics } from '../../server/lib/metrics'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import type { NewJobRecord } from '../../server/lib/providers/types'

const job = (id: string): NewJobRecord => ({ id, userId: 'u', type: 'chat', threadId: null, messageId: null, idempotencyKey: null, title: 't', request: { type: 'chat', messages: [] }, createdAt: 0, lease: null })

describe('a finished job the memory provider evicts to make room', () => {
  it('is counted in jobs_deleted_total{reason="evicted"}', async () => {
    const metrics = createMetrics()
    const provider = createMemoryProvider({ maxJobs: 2, metrics })
    for (const id of ['a', 'b']) {
      await provider.create(job(id))
      await provider.appendEvents(id, [{ type: 'job-end', status: 'completed', metrics: emptyMetrics(), seq: 1, at: 0 }])
    }
    await provider.create(job('c'))
    expect(await provider.get('a')).toBeNull()
    expect(metrics.snapshot().counters).toEqual({ 'jobs_deleted_total{reason="evicted"}': 1 })
  })
})
