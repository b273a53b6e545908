/**
 * `subscribeUserJobs` over the real convex/ functions: a user's jobs that were created, changed
 * status or asked for input after the subscription started, each change once and in commit order,
 * across pages, never another user's, and not again for text batches; a deleted job as `onDeleted`
 * in its place among the changes, the feed's record of it gone after retention.
 */
import { describe, expect, it, vi } from 'vitest'
import { internal } from '../../convex/_generated/api'
import type { JobEvent } from '../../shared/events'
import { createBackend, createInstance, endEvent, newJob, statusEvent, textDeltas } from './backend'

function inputRequest(seq: number, requestId: string): JobEvent {
  return { type: 'input-request', seq, at: 2_000, requestId, kind: 'tool-approval', prompt: 'Allow?', expiresAt: 9_000, onTimeout: 'deny' }
}

describe('subscribeUserJobs (convex)', () => {
  it('delivers each change once, in order, from the time it subscribed', async () => {
    const backend = createBackend()
    const a = createInstance(backend)
    const b = createInstance(backend)
    const { record: before } = await a.provider.create(newJob({ userId: 'feed-user' }))
    const seen: string[] = []
    const stop = b.provider.subscribeUserJobs('feed-user', records => seen.push(...records.map(item => `${item.id}:${item.status}:${item.lastSeq}`)))
    await b.facade.settled()
    expect(seen).toEqual([]) // changes before the subscription are not replayed

    const { record: job } = await a.provider.create(newJob({ userId: 'feed-user' }))
    await a.provider.create(newJob({ userId: 'someone-else' }))
    await a.provider.appendEvents(job.id, [statusEvent(1, 'running')], { epoch: 1 })
    await a.provider.appendEvents(job.id, textDeltas(2, ['a', 'b', 'c']), { epoch: 1 }) // not a change the feed reports
    await a.provider.appendEvents(job.id, [inputRequest(5, 'r1'), statusEvent(6, 'waiting')], { epoch: 1 })
    await a.provider.appendEvents(job.id, [inputRequest(7, 'r2')], { epoch: 1 }) // still waiting, a second question
    await a.provider.appendEvents(before.id, [endEvent(1, 'aborted')], { epoch: 1 })
    await b.facade.settled()
    expect(seen).toEqual([
      `${job.id}:queued:0`,
      `${job.id}:running:1`,
      `${job.id}:waiting:6`,
      `${job.id}:waiting:7`,
      `${before.id}:aborted:1`,
    ])
    stop()
    await a.provider.appendEvents(job.id, [endEvent(8, 'completed')], { epoch: 1 })
    await b.facade.settled()
    expect(seen).toHaveLength(5)
  })

  it('pages through more changes than one result holds', async () => {
    const backend = createBackend()
    const a = createInstance(backend)
    const b = createInstance(backend)
    const seen: string[] = []
    b.provider.subscribeUserJobs('many', records => seen.push(...records.map(item => item.id)))
    await b.facade.settled()
    // Written straight into the backend in one transaction (no subscription runs in between),
    // so the next result holds all 120 changes: more than one page.
    const created = Array.from({ length: 120 }, (_, index) => `bulk-${index}`)
    await backend.run(async (ctx) => {
      for (const [index, jobId] of created.entries()) {
        const { id, request, ...fields } = newJob({ id: jobId, userId: 'many' })
        await ctx.db.insert('jobs', { ...fields, jobId: id, requestJson: JSON.stringify(request), status: 'queued', updatedAt: fields.createdAt, endedAt: null, lastSeq: 0, lease: undefined, changedAt: Date.now() + index })
      }
    })
    created.push((await a.provider.create(newJob({ userId: 'many' }))).record.id) // wakes the subscription
    await b.facade.settled()
    expect(seen).toEqual(created)
    await b.provider.dispose()
  })

  it('a job deleted on another instance comes as onDeleted, in order among the changes, once; never another user\'s', async () => {
    const backend = createBackend()
    const a = createInstance(backend)
    const b = createInstance(backend)
    const { record: doomed } = await a.provider.create(newJob({ userId: 'deleting' }))
    await a.provider.appendEvents(doomed.id, [endEvent(1, 'completed')], { epoch: 1 })
    const { record: theirs } = await a.provider.create(newJob({ userId: 'other' }))
    await a.provider.appendEvents(theirs.id, [endEvent(1, 'completed')], { epoch: 1 })
    const seen: string[] = []
    const stop = b.provider.subscribeUserJobs('deleting', records => seen.push(...records.map(item => `${item.id}:${item.status}`)), {
      onDeleted: jobId => seen.push(`${jobId}:deleted`),
    })
    await b.facade.settled()
    const { record: next } = await a.provider.create(newJob({ userId: 'deleting' }))
    expect(await a.provider.deleteJob(doomed.id)).toBe('deleted')
    expect(await a.provider.deleteJob(theirs.id)).toBe('deleted')
    await a.provider.appendEvents(next.id, [statusEvent(1, 'running')], { epoch: 1 })
    await b.facade.settled()
    expect(seen).toEqual([`${next.id}:queued`, `${doomed.id}:deleted`, `${next.id}:running`])
    stop()
    await b.provider.dispose()
  })

  it('the feed\'s records of deleted jobs go with retention', async () => {
    vi.useFakeTimers({ now: 1_000_000, toFake: ['Date'] })
    try {
      const backend = createBackend()
      const a = createInstance(backend)
      const { record: job } = await a.provider.create(newJob({ userId: 'deleting' }))
      await a.provider.appendEvents(job.id, [endEvent(1, 'completed')], { epoch: 1 })
      expect(await a.provider.deleteJob(job.id)).toBe('deleted')
      const count = () => backend.run(async ctx => (await ctx.db.query('jobDeletions').collect()).length)
      expect(await count()).toBe(1)
      await backend.mutation(internal.cleanup.deleteExpiredJobs, { retentionMs: 60_000 })
      expect(await count()).toBe(1)
      vi.setSystemTime(1_000_000 + 120_000)
      await backend.mutation(internal.cleanup.deleteExpiredJobs, { retentionMs: 60_000 })
      expect(await count()).toBe(0)
    }
    finally {
      vi.useRealTimers()
    }
  })

  it('a user\'s feed document goes once idle for the retention period; a subscription open across it still gets the next change, once', async () => {
    vi.useFakeTimers({ now: 1_000_000, toFake: ['Date'] })
    try {
      const backend = createBackend()
      const a = createInstance(backend)
      const b = createInstance(backend)
      const feeds = () => backend.run(async ctx => (await ctx.db.query('userFeeds').collect()).map(feed => feed.userId).sort())
      const { record: old } = await a.provider.create(newJob({ userId: 'seen-once' }))
      await a.provider.appendEvents(old.id, [endEvent(1, 'completed')], { epoch: 1 })
      await a.provider.create(newJob({ userId: 'active' }))
      // The clock moves on before the feed starts: with it stopped, every change of a user is
      // numbered one past the last (model.ts), so those above would look later than the start.
      vi.setSystemTime(1_000_000 + 1_000)
      const seen: string[] = []
      const stop = b.provider.subscribeUserJobs('seen-once', records => seen.push(...records.map(item => `${item.id}:${item.status}`)))
      await b.facade.settled()
      expect(await feeds()).toEqual(['active', 'seen-once'])

      await backend.mutation(internal.cleanup.deleteExpiredJobs, { retentionMs: 60_000 })
      expect(await feeds()).toEqual(['active', 'seen-once'])
      vi.setSystemTime(1_000_000 + 120_000)
      const { record: recent } = await a.provider.create(newJob({ userId: 'active' }))
      await backend.mutation(internal.cleanup.deleteExpiredJobs, { retentionMs: 60_000 })
      // The idle user's feed went (with its ended job); the active user's stays.
      expect(await feeds()).toEqual(['active'])
      expect(await a.provider.get(recent.id)).not.toBeNull()

      const { record: next } = await a.provider.create(newJob({ userId: 'seen-once' }))
      await b.facade.settled()
      expect(seen).toEqual([`${next.id}:queued`])
      expect(await feeds()).toEqual(['active', 'seen-once'])
      stop()
      await a.provider.dispose()
      await b.provider.dispose()
    }
    finally {
      vi.useRealTimers()
    }
  })
})
