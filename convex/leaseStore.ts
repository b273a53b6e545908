/**
 * Reading and writing a job's lease, which lives in a `leases` document of its own: a heartbeat
 * patches only that document, so it re-runs none of the queries viewers subscribe to (they read
 * the job document, never the lease). Jobs written before the table existed carry the lease in
 * the job document; it is read from there until their next claim or heartbeat moves it here.
 * Holds no Convex functions itself.
 */
import type { Doc } from './_generated/dataModel'
import type { DatabaseReader, DatabaseWriter } from './_generated/server'
import type { StoredLease } from './schema'

/** The job's lease document, or null (never leased, or only an embedded lease of an older version). */
export async function findLease(db: DatabaseReader, jobId: string): Promise<Doc<'leases'> | null> {
  return await db.query('leases').withIndex('by_job', q => q.eq('jobId', jobId)).unique()
}

/** The lease fields of a lease document. */
export function toLease(stored: Doc<'leases'>): StoredLease {
  return { instanceId: stored.instanceId, epoch: stored.epoch, expiresAt: stored.expiresAt }
}

/** The job's lease: its lease document, else the lease embedded by an older version, else null. */
export async function leaseOf(db: DatabaseReader, job: Doc<'jobs'>): Promise<StoredLease | null> {
  const stored = await findLease(db, job.jobId)
  return stored ? toLease(stored) : job.lease ?? null
}

/**
 * Stores `lease` as the job's lease (an active one), and takes an embedded lease of an older
 * version out of the job document — once per such job: from then on only the lease document is written.
 */
export async function writeLease(db: DatabaseWriter, job: Doc<'jobs'>, stored: Doc<'leases'> | null, lease: StoredLease): Promise<void> {
  if (stored) await db.patch(stored._id, { ...lease, active: true })
  else await db.insert('leases', { jobId: job.jobId, ...lease, active: true })
  if (job.lease) await db.patch(job._id, { lease: undefined })
}
