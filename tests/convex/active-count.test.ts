/**
 * Counting active jobs stays inside Convex's per-call read limits (32,000 documents, 16 MiB;
 * https://docs.convex.dev/production/state/limits) however many jobs are active: the global count
 * reads the few `activeCounts` shards, a per-user limit reads the user's entries only up to the
 * limit. The backend here lowers the document limit to 300, so a few hundred jobs stand for a
 * deployment past the real one.
 */
import { describe, expect, it } from 'vitest'
import { api } from '../../convex/_generated/api'
import { ACTIVE_COUNT_SHARDS, MAX_COUNTED_PER_USER } from '../../convex/activeCount'
import { createBackend, createInstance, endEvent, newJob, TEST_SECRET } from './backend'

const READ_LIMIT = 300
const JOBS = 400

describe('counting active jobs at any size', () => {
  it('the global count, a creation counting it itself, and the cluster load read a few documents, not one per active job', async () => {
    const backend = createBackend({ documentsRead: READ_LIMIT })
    const { provider } = createInstance(backend)
    const jobs = Array.from({ length: JOBS }, (_, index) => newJob({ userId: `user-${index}` }))
    for (const job of jobs) await provider.create(job)

    expect(await provider.countActive()).toBe(JOBS)
    // With the two counts it says when the next lease lapses (lapse-wake.ts): not counted here.
    expect(await provider.heartbeatInstance!('a', 10_000)).toMatchObject({ instances: 1, activeJobs: JOBS })
    // `jobs:create` without `activeNow` counts in the transaction (other callers than the provider).
    const next = newJob({ userId: 'someone-else' })
    const refused = await backend.mutation(api.jobs.create, { secret: TEST_SECRET, jobId: next.id, userId: next.userId, type: 'chat', threadId: null, messageId: null, idempotencyKey: null, title: 't', requestJson: '{}', createdAt: 1, maxActive: JOBS })
    expect(refused).toEqual({ refused: 'global', limit: JOBS })
    expect(await provider.create(next, { maxActive: JOBS + 1 })).toMatchObject({ created: true })

    // Ends count out of the same shards.
    for (const job of jobs.slice(0, 10)) await provider.appendEvents(job.id, [endEvent(1, 'completed')], { epoch: 1 })
    expect(await provider.countActive()).toBe(JOBS + 1 - 10)
    const shards = await backend.run(async ctx => await ctx.db.query('activeCounts').collect())
    expect(shards.length).toBeLessThanOrEqual(ACTIVE_COUNT_SHARDS)
    // Spread: no single hot document every creation and end would conflict on.
    expect(shards.length).toBeGreaterThan(ACTIVE_COUNT_SHARDS / 2)
  })

  it('a per-user limit reads the user\'s active jobs only up to the limit', async () => {
    const backend = createBackend({ documentsRead: READ_LIMIT })
    const { provider } = createInstance(backend)
    for (let index = 0; index < JOBS; index++) await provider.create(newJob({ userId: 'busy' }))

    await expect(provider.create(newJob({ userId: 'busy' }), { maxActivePerUser: 5 })).rejects.toMatchObject({ name: 'ActiveLimitError', scope: 'user', limit: 5 })
    // A fractional limit counts as the next whole number, as `count >= limit` did.
    await expect(provider.create(newJob({ userId: 'busy' }), { maxActivePerUser: 2.5 })).rejects.toMatchObject({ scope: 'user' })
    expect(await provider.create(newJob({ userId: 'calm' }), { maxActivePerUser: 5 })).toMatchObject({ created: true })
  })

  it('a per-user limit above what a count reads acts as that many, not as no limit', async () => {
    const backend = createBackend()
    const { provider } = createInstance(backend)
    await backend.run(async (ctx) => {
      for (let index = 0; index < MAX_COUNTED_PER_USER; index++) await ctx.db.insert('activeJobs', { jobId: `busy-${index}`, userId: 'busy', shard: 0 })
    })
    await expect(provider.create(newJob({ userId: 'busy' }), { maxActivePerUser: MAX_COUNTED_PER_USER + 1 })).rejects.toMatchObject({ name: 'ActiveLimitError', scope: 'user', limit: MAX_COUNTED_PER_USER })
    expect(await provider.create(newJob({ userId: 'calm' }), { maxActivePerUser: MAX_COUNTED_PER_USER + 1 })).toMatchObject({ created: true })
  })

  it('an active entry an older version wrote (no shard) counts for its user, not in the global count, and its end takes nothing from it', async () => {
    const backend = createBackend()
    const { provider } = createInstance(backend)
    const current = newJob()
    await provider.create(current)
    await backend.run(async (ctx) => {
      await ctx.db.insert('jobs', { jobId: 'old', userId: current.userId, type: 'chat', status: 'running', threadId: null, messageId: null, idempotencyKey: null, title: 'old', createdAt: 1, updatedAt: 1, endedAt: null, lastSeq: 0, lease: { instanceId: 'x', epoch: 1, expiresAt: Number.MAX_SAFE_INTEGER } })
      await ctx.db.insert('activeJobs', { jobId: 'old', userId: current.userId })
    })
    expect(await provider.countActive({ userId: current.userId })).toBe(2)
    expect(await provider.countActive()).toBe(1)
    await provider.appendEvents('old', [endEvent(1, 'completed')], { epoch: 1 })
    expect(await provider.countActive({ userId: current.userId })).toBe(1)
    expect(await provider.countActive()).toBe(1)
  })
})
