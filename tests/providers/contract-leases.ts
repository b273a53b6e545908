/**
 * Contract: the lease that fences a stale owner (claim, heartbeat, epoch, expiry).
 */
import { describe, expect, it } from 'vitest'
import type { JobProvider } from '../../server/lib/providers/types'
import type { ContractScope } from './contract'
import { appendAccepted, chatLog, createJob, endEvent, newJob, statusEvent, textEvent } from './contract-fixtures'

const LEASE_MS = 30_000

type LeaseCalls = Required<Pick<JobProvider, 'claimLease' | 'heartbeatLease' | 'listExpiredLeases' | 'heartbeatInstance'>>

/** The lease calls, or a failure naming what is missing. */
function leasesOf(provider: JobProvider): LeaseCalls {
  const { claimLease, heartbeatLease, listExpiredLeases, heartbeatInstance } = provider
  if (!claimLease || !heartbeatLease || !listExpiredLeases || !heartbeatInstance) {
    throw new Error(`Provider ${provider.name} lacks lease calls; pass { leases: false } to the contract`)
  }
  return {
    claimLease: claimLease.bind(provider),
    heartbeatLease: heartbeatLease.bind(provider),
    listExpiredLeases: listExpiredLeases.bind(provider),
    heartbeatInstance: heartbeatInstance.bind(provider),
  }
}

/** Defines the lease tests. */
export function defineLeaseContract(scope: ContractScope): void {
  describe('leases', () => {
    it('counts the instances alive (until their time lapses or they leave) and the active jobs', async () => {
      const leases = leasesOf(scope.provider)
      const before = (await leases.heartbeatInstance('instance-a', 10_000)).activeJobs
      await createJob(scope.provider)
      const ended = await createJob(scope.provider)
      await appendAccepted(scope.provider, ended.id, [endEvent(1)])
      expect(await leases.heartbeatInstance('instance-b', 20_000)).toMatchObject({ instances: 2, activeJobs: before + 1 })
      // Renewed: counted once.
      expect((await leases.heartbeatInstance('instance-a', 10_000)).instances).toBe(2)
      await scope.advance(10_001)
      // A lapsed (renewed 10 s ago with 10 s); B still alive, C new.
      expect((await leases.heartbeatInstance('instance-c', 10_000)).instances).toBe(2)
      // B leaves at shutdown: not counted from then on.
      expect((await leases.heartbeatInstance('instance-b', 0)).instances).toBe(1)
      expect((await leases.heartbeatInstance('instance-c', 0)).instances).toBe(0)
    })

    it('says with the cluster load when the next lease of an active job lapses (recovery scans again then)', async () => {
      const leases = leasesOf(scope.provider)
      const job = await createJob(scope.provider, { lease: null })
      await leases.claimLease(job.id, 'instance-a', LEASE_MS)
      await scope.advance(1_000)
      const later = await createJob(scope.provider, { lease: null })
      await leases.claimLease(later.id, 'instance-b', LEASE_MS)
      expect((await leases.heartbeatInstance('instance-a', 10_000)).nextLapseInMs).toBe(LEASE_MS - 1_000)
      // Lapsed: listed for recovery, no longer the next to lapse.
      await scope.advance(LEASE_MS - 1_000)
      expect((await leases.heartbeatInstance('instance-a', 10_000)).nextLapseInMs).toBe(1_000)
      await scope.advance(1_000)
      expect((await leases.heartbeatInstance('instance-a', 10_000)).nextLapseInMs).toBeNull()
    })

    it('claims a free lease with epoch 1 and refuses a second claim while it is valid', async () => {
      const leases = leasesOf(scope.provider)
      const job = await createJob(scope.provider, { lease: null })
      const lease = await leases.claimLease(job.id, 'instance-a', LEASE_MS)
      expect(lease).toEqual({ instanceId: 'instance-a', epoch: 1, expiresAt: scope.now() + LEASE_MS })
      expect((await scope.provider.get(job.id))?.lease).toEqual(lease)

      await scope.advance(LEASE_MS - 1)
      expect(await leases.claimLease(job.id, 'instance-b', LEASE_MS)).toBeNull()
      expect((await scope.provider.get(job.id))?.lease).toEqual(lease)
    })

    it('keeps when the job was created on the clock its leases expire on (a takeover counts its time limit from it)', async () => {
      const leases = leasesOf(scope.provider)
      const job = await createJob(scope.provider, { lease: null })
      await scope.advance(45_000)
      const lease = await leases.claimLease(job.id, 'instance-a', LEASE_MS)
      // The claim's time on the store's clock, less the creation's: the job's age, whatever the instances' clocks say.
      const [stored, listed] = [await scope.provider.get(job.id), (await leases.listExpiredLeases()).find(record => record.id === job.id)]
      expect(lease!.expiresAt - LEASE_MS - stored!.storeCreatedAt!).toBe(45_000)
      expect(listed).toBeUndefined()
      await scope.advance(LEASE_MS)
      expect((await leases.listExpiredLeases()).find(record => record.id === job.id)?.storeCreatedAt).toBe(stored!.storeCreatedAt)
    })

    it('a job taken over still holds its anonymous client address\'s slot (it runs on), until the new owner ends it', async () => {
      const leases = leasesOf(scope.provider)
      const perAddress = { maxActivePerAddress: { address: '198.51.100.7', limit: 1 } }
      const { record: job } = await scope.provider.create(newJob({ userId: 'anon-1' }), perAddress)
      const stale = (await leases.claimLease(job.id, 'instance-a', LEASE_MS))!
      await appendAccepted(scope.provider, job.id, [statusEvent(1)], stale.epoch)
      await scope.advance(LEASE_MS + 1)
      const fresh = (await leases.claimLease(job.id, 'instance-b', LEASE_MS))!
      await expect(scope.provider.create(newJob({ userId: 'anon-2' }), perAddress)).rejects.toMatchObject({ scope: 'address', limit: 1 })
      await appendAccepted(scope.provider, job.id, [endEvent(2, 'failed')], fresh.epoch)
      expect((await scope.provider.create(newJob({ userId: 'anon-2' }), perAddress)).created).toBe(true)
    })

    it('lets another instance take an expired lease with a higher epoch, fencing the old owner', async () => {
      const leases = leasesOf(scope.provider)
      const job = await createJob(scope.provider, { lease: null })
      const stale = (await leases.claimLease(job.id, 'instance-a', LEASE_MS))!
      await appendAccepted(scope.provider, job.id, [statusEvent(1)], stale.epoch)

      await scope.advance(LEASE_MS + 1)
      const fresh = await leases.claimLease(job.id, 'instance-b', LEASE_MS)
      expect(fresh).toEqual({ instanceId: 'instance-b', epoch: 2, expiresAt: scope.now() + LEASE_MS })

      expect(await leases.heartbeatLease(job.id, stale, LEASE_MS)).toBe(false)
      expect(await scope.provider.appendEvents(job.id, [textEvent(2, 0, 'stale')], { epoch: stale.epoch }))
        .toEqual({ ok: false, reason: 'stale-epoch', lastSeq: 1 })
      await appendAccepted(scope.provider, job.id, [textEvent(2, 0, 'fresh')], fresh!.epoch)
      expect((await scope.provider.get(job.id))?.lease).toEqual(fresh)
    })

    it('extends a held lease on heartbeat, so it stays claimed past its first expiry', async () => {
      const leases = leasesOf(scope.provider)
      const job = await createJob(scope.provider, { lease: null })
      const lease = (await leases.claimLease(job.id, 'instance-a', LEASE_MS))!
      await scope.advance(LEASE_MS / 2)
      expect(await leases.heartbeatLease(job.id, lease, LEASE_MS)).toBe(true)
      expect((await scope.provider.get(job.id))?.lease).toEqual({ ...lease, expiresAt: scope.now() + LEASE_MS })

      await scope.advance(LEASE_MS / 2 + 1)
      expect(await leases.claimLease(job.id, 'instance-b', LEASE_MS)).toBeNull()
      expect(await leases.heartbeatLease(job.id, { ...lease, instanceId: 'instance-b' }, LEASE_MS)).toBe(false)
      expect(await leases.heartbeatLease(job.id, { ...lease, epoch: lease.epoch + 1 }, LEASE_MS)).toBe(false)
    })

    it('refuses leases on unknown and finished jobs', async () => {
      const leases = leasesOf(scope.provider)
      expect(await leases.claimLease('no-such-job', 'instance-a', LEASE_MS)).toBeNull()
      const job = await createJob(scope.provider)
      await appendAccepted(scope.provider, job.id, chatLog('completed'))
      expect(await leases.claimLease(job.id, 'instance-a', LEASE_MS)).toBeNull()
    })

    it('lists active jobs whose lease expired, not valid or finished ones', async () => {
      const leases = leasesOf(scope.provider)
      const expired = await createJob(scope.provider, { lease: null })
      const finished = await createJob(scope.provider, { lease: null })
      const unleased = await createJob(scope.provider, { lease: null })
      await leases.claimLease(expired.id, 'instance-a', LEASE_MS)
      await leases.claimLease(finished.id, 'instance-a', LEASE_MS)
      await appendAccepted(scope.provider, finished.id, chatLog('completed'))
      await scope.advance(LEASE_MS + 1)
      const valid = await createJob(scope.provider, { lease: null })
      await leases.claimLease(valid.id, 'instance-b', LEASE_MS)

      const listed = await leases.listExpiredLeases()
      expect(listed.map(job => job.id)).toEqual([expired.id])
      expect(listed[0]).toMatchObject({ status: 'queued', lease: { instanceId: 'instance-a', epoch: 1 } })
      expect(unleased.lease).toBeNull()
      expect(await leases.listExpiredLeases(0)).toEqual([])
    })
  })
}
