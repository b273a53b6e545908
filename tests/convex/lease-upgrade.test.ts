/**
 * Deployments upgrading from the version that kept a job's lease inside the job document
 * (`jobs.lease`): such documents stay valid, their lease is read from there (record, fencing,
 * recovery, the cluster load's next lapse) and moves to a `leases` document at the job's next
 * heartbeat or claim, after which a heartbeat writes only that document. Retention deletes the lease document with the job.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { internal } from '../../convex/_generated/api'
import { type Backend, createBackend, createInstance, endEvent, newJob, textDeltas } from './backend'

const NOW = 1_000_000
const LEASE_MS = 15_000

/** A running job as the older version stored it: the lease in the job document, an unsharded active entry. */
async function insertOldJob(backend: Backend, jobId: string, lease: { instanceId: string, epoch: number, expiresAt: number }) {
  await backend.run(async (ctx) => {
    await ctx.db.insert('jobs', { jobId, userId: 'user-1', type: 'chat', status: 'running', threadId: null, messageId: null, idempotencyKey: null, title: 'old', createdAt: 500, updatedAt: 600, endedAt: null, lastSeq: 0, lease, changedAt: 500 })
    await ctx.db.insert('jobRequests', { jobId, requestJson: JSON.stringify({ type: 'chat', messages: [] }) })
    await ctx.db.insert('activeJobs', { jobId, userId: 'user-1' })
  })
}

async function storedLeases(backend: Backend) {
  return await backend.run(async ctx => (await ctx.db.query('leases').collect()).map(({ jobId, epoch, instanceId, active }) => ({ jobId, epoch, instanceId, active })))
}

async function embeddedLease(backend: Backend, jobId: string) {
  return await backend.run(async ctx => (await ctx.db.query('jobs').withIndex('by_job_id', q => q.eq('jobId', jobId)).unique())?.lease ?? null)
}

describe('convex leases after an upgrade from leases in the job document', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(NOW)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('reads an embedded lease, fences with its epoch, and moves it out at the owner\'s next heartbeat', async () => {
    const backend = createBackend()
    const { provider } = createInstance(backend)
    const lease = { instanceId: 'old-owner', epoch: 3, expiresAt: NOW + 5_000 }
    await insertOldJob(backend, 'old-job', lease)

    expect((await provider.get('old-job'))?.lease).toEqual(lease)
    expect(await provider.appendEvents('old-job', textDeltas(1, ['a']), { epoch: 2 })).toMatchObject({ ok: false, reason: 'stale-epoch' })
    expect(await provider.appendEvents('old-job', textDeltas(1, ['a']), { epoch: 3 })).toMatchObject({ ok: true })
    expect(await provider.heartbeatLease!('old-job', { ...lease, epoch: 2 }, LEASE_MS)).toBe(false)

    expect(await provider.heartbeatLease!('old-job', lease, LEASE_MS)).toBe(true)
    expect(await embeddedLease(backend, 'old-job')).toBeNull()
    expect(await storedLeases(backend)).toEqual([{ jobId: 'old-job', epoch: 3, instanceId: 'old-owner', active: true }])
    expect((await provider.get('old-job'))?.lease).toEqual({ ...lease, expiresAt: NOW + LEASE_MS })
    // From then on as any job: fenced by the lease document, ended, then no longer renewable.
    expect(await provider.appendEvents('old-job', [endEvent(2, 'completed', NOW)], { epoch: 3 })).toMatchObject({ ok: true })
    expect(await provider.heartbeatLease!('old-job', lease, LEASE_MS)).toBe(false)
    expect(await storedLeases(backend)).toEqual([{ jobId: 'old-job', epoch: 3, instanceId: 'old-owner', active: false }])
  })

  it('finds a lapsed embedded lease for recovery, and a claim raises its epoch and moves it out', async () => {
    const backend = createBackend()
    const { provider } = createInstance(backend)
    await insertOldJob(backend, 'old-lapsed', { instanceId: 'lost', epoch: 2, expiresAt: NOW - 10_000 })
    const fresh = newJob({ lease: { instanceId: 'lost', epoch: 1, expiresAt: NOW - 5_000 } })
    await provider.create(fresh)

    // Both kinds, the longest-expired first.
    expect((await provider.listExpiredLeases!()).map(record => record.id)).toEqual(['old-lapsed', fresh.id])
    expect(await provider.claimLease!('old-lapsed', 'rescuer', LEASE_MS)).toEqual({ instanceId: 'rescuer', epoch: 3, expiresAt: NOW + LEASE_MS })
    expect(await embeddedLease(backend, 'old-lapsed')).toBeNull()
    expect(await provider.appendEvents('old-lapsed', textDeltas(1, ['a']), { epoch: 2 })).toMatchObject({ ok: false, reason: 'stale-epoch' })
    expect((await provider.listExpiredLeases!()).map(record => record.id)).toEqual([fresh.id])
  })

  it('says when an embedded lease lapses (nextLapseInMs), so the scan at the lapse takes its job over', async () => {
    const backend = createBackend()
    const { provider } = createInstance(backend)
    // Its owner died around the upgrade, before a heartbeat moved the lease out.
    await insertOldJob(backend, 'old-live', { instanceId: 'old-owner', epoch: 1, expiresAt: NOW + 4_000 })
    // Before: null, so the job waited for the next periodic scan.
    expect((await provider.heartbeatInstance!('a', 10_000)).nextLapseInMs).toBe(4_000)
    // The earlier of the two kinds.
    await provider.create(newJob({ lease: { instanceId: 'a', epoch: 1, expiresAt: NOW + 2_000 } }))
    expect((await provider.heartbeatInstance!('a', 10_000)).nextLapseInMs).toBe(2_000)
    vi.setSystemTime(NOW + 3_000)
    expect((await provider.heartbeatInstance!('a', 10_000)).nextLapseInMs).toBe(1_000)
    // Lapsed, and none other to come: nothing to wake for.
    vi.setSystemTime(NOW + 4_000)
    expect((await provider.heartbeatInstance!('a', 10_000)).nextLapseInMs).toBeNull()
  })

  it('retention deletes a finished job\'s lease document with it', async () => {
    const backend = createBackend()
    const { provider } = createInstance(backend)
    const [ended, running] = [newJob(), newJob()]
    for (const job of [ended, running]) await provider.create(job)
    await provider.appendEvents(ended.id, [endEvent(1, 'completed', 1_000)], { epoch: 1 })

    expect(await backend.mutation(internal.cleanup.deleteExpired, { endedBefore: 5_000 })).toBe(1)
    expect((await storedLeases(backend)).map(lease => lease.jobId)).toEqual([running.id])
  })
})
