/**
 * Which jobs are active, and how many: one small `activeJobs` document per job not yet ended
 * (per-user counts read these, only as far as a decision needs), and the global number kept in a
 * few `activeCounts` shards by the same transactions that insert and delete them, so counting
 * reads at most `ACTIVE_COUNT_SHARDS` documents at any size — never past Convex's per-call read
 * limits (32,000 documents, 16 MiB; https://docs.convex.dev/production/state/limits).
 * Holds no Convex functions itself.
 */
import type { DatabaseReader, DatabaseWriter } from './_generated/server'

/**
 * Shards of the global count. A creation or a job end writes one of them (the job id's), so two
 * conflict only when they hit the same one; the count reads them all.
 */
export const ACTIVE_COUNT_SHARDS = 16

/** A per-user count reads at most this many `activeJobs` documents: a per-user limit above it acts as this. */
export const MAX_COUNTED_PER_USER = 10_000

/** The shard a job is counted in: a hash of its id, so its end finds the same one. */
export function shardOf(jobId: string): number {
  let hash = 0
  for (let index = 0; index < jobId.length; index++) hash = (hash * 31 + jobId.charCodeAt(index)) >>> 0
  return hash % ACTIVE_COUNT_SHARDS
}

async function addToShard(db: DatabaseWriter, shard: number, delta: number): Promise<void> {
  const counter = await db.query('activeCounts').withIndex('by_shard', q => q.eq('shard', shard)).unique()
  if (counter) await db.patch(counter._id, { count: Math.max(0, counter.count + delta) })
  else if (delta > 0) await db.insert('activeCounts', { shard, count: delta })
}

/** Marks a new job active and counts it (under an anonymous client's `address` too, when given). */
export async function addActiveJob(db: DatabaseWriter, jobId: string, userId: string, address?: string): Promise<void> {
  const shard = shardOf(jobId)
  await db.insert('activeJobs', { jobId, userId, shard, ...(address === undefined ? {} : { address }) })
  await addToShard(db, shard, 1)
}

/** Marks a job no longer active; an entry an older version wrote (no shard) was never counted. */
export async function removeActiveJob(db: DatabaseWriter, jobId: string): Promise<void> {
  const active = await db.query('activeJobs').withIndex('by_job', q => q.eq('jobId', jobId)).unique()
  if (!active) return
  await db.delete(active._id)
  if (active.shard !== undefined) await addToShard(db, active.shard, -1)
}

/**
 * Active jobs in the deployment: the sum of the shards (jobs created by a version without them
 * are not in it until they end).
 */
export async function countAllActiveJobs(db: DatabaseReader): Promise<number> {
  const shards = await db.query('activeCounts').withIndex('by_shard').take(ACTIVE_COUNT_SHARDS)
  return shards.reduce((sum, shard) => sum + shard.count, 0)
}

/**
 * The user's active jobs, counting no further than `atMost` (capped at `MAX_COUNTED_PER_USER`):
 * enough to tell whether a limit of `atMost` is reached, and only that many documents are read.
 */
export async function countActiveJobsOfUser(db: DatabaseReader, userId: string, atMost = MAX_COUNTED_PER_USER): Promise<number> {
  const cap = Math.min(MAX_COUNTED_PER_USER, Math.max(0, Math.ceil(atMost)))
  if (cap === 0) return 0
  return (await db.query('activeJobs').withIndex('by_user', q => q.eq('userId', userId)).take(cap)).length
}

/**
 * The active jobs counted under an anonymous client address, no further than `atMost` (capped at
 * `MAX_COUNTED_PER_USER`, as a user's), less those of `freeing` among them (their slots are the new
 * job's): enough to tell whether a limit of `atMost` is reached.
 */
export async function countActiveJobsOfAddress(db: DatabaseReader, address: string, atMost: number, freeing: readonly string[] = []): Promise<number> {
  let freed = 0
  for (const id of new Set(freeing)) {
    const active = await db.query('activeJobs').withIndex('by_job', q => q.eq('jobId', id)).first()
    if (active?.address === address) freed++
  }
  const cap = Math.min(MAX_COUNTED_PER_USER, Math.max(0, Math.ceil(atMost))) + freed
  if (cap === 0) return 0
  return (await db.query('activeJobs').withIndex('by_address', q => q.eq('address', address)).take(cap)).length - freed
}

/**
 * How many of `ids` are active jobs of `userId` (each read by its id): the jobs a creation's caller
 * ends once it is stored, whose slots are the new job's while they are active.
 */
export async function countStillActive(db: DatabaseReader, userId: string, ids: readonly string[]): Promise<number> {
  let count = 0
  for (const id of new Set(ids)) {
    const active = await db.query('activeJobs').withIndex('by_job', q => q.eq('jobId', id)).first()
    if (active?.userId === userId) count++
  }
  return count
}
