/**
 * Leases for the memory provider. One process has no rival owner, but the semantics match the
 * multi-instance providers so the same contract suite covers both: a claim takes a free or expired
 * lease and raises the epoch; a heartbeat only extends the lease it names.
 */
import { isTerminalStatus } from '../../../shared/events'
import type { StoredJob } from './memory-job'
import { copyRecord } from './memory-job'
import type { JobLease, JobProvider, JobRecord } from './types'

const DEFAULT_EXPIRED_LEASES_LIMIT = 100

/** The lease calls of the contract. */
export type LeaseMethods = Required<Pick<JobProvider, 'claimLease' | 'heartbeatLease' | 'listExpiredLeases' | 'heartbeatInstance'>>

/** A lease is held until `expiresAt`; at that instant it is free. */
export function isLeaseValid(lease: JobLease | null, nowMs: number): boolean {
  return lease !== null && lease.expiresAt > nowMs
}

/** Creates the lease calls over the provider's job map. */
export function createMemoryLeases(jobs: ReadonlyMap<string, StoredJob>, now: () => number): LeaseMethods {
  /** Instances alive until their time (one process has one, but the contract is the same). */
  const instances = new Map<string, number>()
  return {
    async claimLease(id, instanceId, leaseMs) {
      const job = jobs.get(id)
      if (!job || isTerminalStatus(job.record.status) || isLeaseValid(job.record.lease, now())) return null
      const lease: JobLease = { instanceId, epoch: (job.record.lease?.epoch ?? 0) + 1, expiresAt: now() + leaseMs }
      job.record.lease = lease
      return { ...lease }
    },

    async heartbeatLease(id, lease, leaseMs) {
      const job = jobs.get(id)
      const current = job?.record.lease
      if (!job || !current || isTerminalStatus(job.record.status)) return false
      // An expired lease nobody took over may still be extended: the epoch proves it is the same owner.
      if (current.epoch !== lease.epoch || current.instanceId !== lease.instanceId) return false
      job.record.lease = { ...current, expiresAt: now() + leaseMs }
      return true
    },

    async listExpiredLeases(limit = DEFAULT_EXPIRED_LEASES_LIMIT) {
      const nowMs = now()
      const expired: JobRecord[] = []
      for (const { record } of jobs.values()) {
        if (record.lease && !isTerminalStatus(record.status) && !isLeaseValid(record.lease, nowMs)) expired.push(record)
      }
      // The longest-expired first: those owners are the most surely gone.
      expired.sort((a, b) => a.lease!.expiresAt - b.lease!.expiresAt)
      return expired.slice(0, limit).map(copyRecord)
    },

    async heartbeatInstance(instanceId, ttlMs) {
      const nowMs = now()
      if (ttlMs > 0) instances.set(instanceId, nowMs + ttlMs)
      else instances.delete(instanceId)
      for (const [id, expiresAt] of instances) {
        if (expiresAt <= nowMs) instances.delete(id)
      }
      let activeJobs = 0
      let nextLapse = Number.POSITIVE_INFINITY
      for (const { record } of jobs.values()) {
        if (isTerminalStatus(record.status)) continue
        activeJobs++
        if (record.lease && record.lease.expiresAt > nowMs) nextLapse = Math.min(nextLapse, record.lease.expiresAt)
      }
      return { instances: instances.size, activeJobs, nextLapseInMs: Number.isFinite(nextLapse) ? nextLapse - nowMs : null }
    },
  }
}
