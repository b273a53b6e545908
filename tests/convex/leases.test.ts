import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createBackend, createInstance, endEvent, newJob, textDeltas } from './backend'

const LEASE_MS = 15_000

describe('convex leases', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(100_000)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('claims a free lease and refuses a held one, even to its holder', async () => {
    const { provider } = createInstance(createBackend())
    const job = newJob({ lease: null })
    await provider.create(job)
    const lease = await provider.claimLease!(job.id, 'instance-a', LEASE_MS)
    expect(lease).toEqual({ instanceId: 'instance-a', epoch: 1, expiresAt: 100_000 + LEASE_MS })
    expect(await provider.claimLease!(job.id, 'instance-b', LEASE_MS)).toBeNull()
    // The holder renews by heartbeat, not by claiming again.
    expect(await provider.claimLease!(job.id, 'instance-a', LEASE_MS)).toBeNull()
    expect(await provider.claimLease!('missing', 'instance-a', LEASE_MS)).toBeNull()
  })

  it('extends a lease by heartbeat and reports a takeover', async () => {
    const { provider } = createInstance(createBackend())
    const job = newJob({ lease: null })
    await provider.create(job)
    const lease = (await provider.claimLease!(job.id, 'instance-a', LEASE_MS))!
    vi.setSystemTime(110_000)
    expect(await provider.heartbeatLease!(job.id, lease, LEASE_MS)).toBe(true)
    expect((await provider.get(job.id))?.lease?.expiresAt).toBe(110_000 + LEASE_MS)
    // Within the extended lease nobody else can claim it.
    vi.setSystemTime(120_000)
    expect(await provider.claimLease!(job.id, 'instance-b', LEASE_MS)).toBeNull()
    vi.setSystemTime(130_000)
    const takeover = await provider.claimLease!(job.id, 'instance-b', LEASE_MS)
    expect(takeover).toEqual({ instanceId: 'instance-b', epoch: 2, expiresAt: 130_000 + LEASE_MS })
    expect(await provider.heartbeatLease!(job.id, lease, LEASE_MS)).toBe(false)
  })

  it('extends a lapsed lease nobody took over, and refuses a heartbeat once the job ended', async () => {
    const { provider } = createInstance(createBackend())
    const job = newJob({ lease: null })
    await provider.create(job)
    const lease = (await provider.claimLease!(job.id, 'instance-a', LEASE_MS))!
    vi.setSystemTime(100_000 + LEASE_MS * 2)
    expect(await provider.heartbeatLease!(job.id, lease, LEASE_MS)).toBe(true)
    await provider.appendEvents(job.id, [endEvent(1, 'completed')], { epoch: lease.epoch })
    expect(await provider.heartbeatLease!(job.id, lease, LEASE_MS)).toBe(false)
  })

  it('refuses a stale owner\'s writes once another instance took the job over', async () => {
    const backend = createBackend()
    const a = createInstance(backend).provider
    const b = createInstance(backend).provider
    const job = newJob({ lease: null })
    await a.create(job)
    const leaseA = (await a.claimLease!(job.id, 'instance-a', LEASE_MS))!
    expect(await a.appendEvents(job.id, textDeltas(1, ['from a']), { epoch: leaseA.epoch })).toMatchObject({ ok: true })
    vi.setSystemTime(100_000 + LEASE_MS + 1)
    const leaseB = (await b.claimLease!(job.id, 'instance-b', LEASE_MS))!
    expect(await a.appendEvents(job.id, textDeltas(2, [' stale'], 6), { epoch: leaseA.epoch }))
      .toEqual({ ok: false, reason: 'stale-epoch', lastSeq: 1 })
    expect(await b.appendEvents(job.id, [endEvent(2, 'failed')], { epoch: leaseB.epoch })).toEqual({ ok: true, lastSeq: 2 })
    expect(await b.getState(job.id)).toMatchObject({ status: 'failed', content: 'from a' })
  })

  it('lists active jobs whose lease expired, leaving out unleased and finished ones', async () => {
    const { provider } = createInstance(createBackend())
    const [leased, unleased, finished, fresh] = [newJob({ lease: null }), newJob({ lease: null }), newJob({ lease: null }), newJob({ lease: null })]
    for (const job of [leased, unleased, finished, fresh]) await provider.create(job)
    await provider.claimLease!(leased!.id, 'instance-a', 1_000)
    await provider.claimLease!(finished!.id, 'instance-a', 1_000)
    await provider.appendEvents(finished!.id, [endEvent(1, 'completed')], { epoch: 1 })
    await provider.claimLease!(fresh!.id, 'instance-a', 60_000)
    vi.setSystemTime(100_000 + 500)
    expect(await provider.listExpiredLeases!()).toEqual([])
    vi.setSystemTime(100_000 + 5_000)
    const expired = await provider.listExpiredLeases!()
    expect(expired.map(job => job.id)).toEqual([leased!.id])
    // A finished job's lease is never taken over.
    vi.setSystemTime(200_000)
    expect(await provider.claimLease!(finished!.id, 'instance-b', LEASE_MS)).toBeNull()
  })

  it('creates a job with the creator\'s lease when one is given', async () => {
    const { provider } = createInstance(createBackend())
    const lease = { instanceId: 'instance-a', epoch: 1, expiresAt: 100_000 + LEASE_MS }
    const { record } = await provider.create(newJob({ lease }))
    expect(record.lease).toEqual(lease)
    expect(await provider.claimLease!(record.id, 'instance-b', LEASE_MS)).toBeNull()
  })

  it('counts a new job\'s lease from the deployment\'s clock: a creator whose clock is 20 s behind keeps its job', async () => {
    const backend = createBackend()
    const creator = createInstance(backend)
    const other = createInstance(backend)
    const behind = 100_000 - 20_000
    const { record } = await creator.provider.create(newJob({ createdAt: behind, lease: { instanceId: 'instance-a', epoch: 1, expiresAt: behind + LEASE_MS } }), { leaseMs: LEASE_MS })
    expect(record.lease).toEqual({ instanceId: 'instance-a', epoch: 1, expiresAt: 100_000 + LEASE_MS })
    expect(await other.provider.listExpiredLeases!()).toEqual([])
    expect(await other.provider.claimLease!(record.id, 'instance-b', LEASE_MS)).toBeNull()
    expect(await creator.provider.appendEvents(record.id, textDeltas(1, ['hi']), { epoch: 1 })).toMatchObject({ ok: true })
  })
})
