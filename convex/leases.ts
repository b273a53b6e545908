/**
 * Leases for many instances: the instance that runs a job holds a lease (instance id + epoch +
 * expiry) and extends it by heartbeat. When it lapses, another instance claims the job with a
 * higher epoch, and `appendEvents` refuses the old owner's writes from then on.
 * Expiry is judged by the Convex server's clock, so instances need not agree on the time.
 * The lease is a `leases` document of its own (leaseStore.ts): a heartbeat writes nothing else.
 */
import { getDocumentSize, v } from 'convex/values'
import type { Doc } from './_generated/dataModel'
import type { DatabaseReader } from './_generated/server'
import { serverMutation, serverQuery } from './access'
import { countAllActiveJobs } from './activeCount'
import { findLease, toLease, writeLease } from './leaseStore'
import { RECORD_PAGE_BYTES } from './limits'
import { ACTIVE_STATUSES, findJob, isTerminal, jobRecordValidator, type JobRecordValue, listedRequestJson, listedRequestOf, mergeRanges, recordBytes, requestJsonOf, toJobRecord } from './model'
import { leaseValidator } from './schema'

/** `listExpiredLeases` returns at most this many jobs by default. */
const DEFAULT_EXPIRED_LIMIT = 100

/** Takes the lease of an active job if it is free or expired, raising the epoch. */
export const claimLease = serverMutation({
  args: { jobId: v.string(), instanceId: v.string(), leaseMs: v.number() },
  returns: v.union(leaseValidator, v.null()),
  handler: async (ctx, { jobId, instanceId, leaseMs }) => {
    const job = await findJob(ctx.db, jobId)
    if (!job || isTerminal(job.status)) return null
    const now = Date.now()
    const stored = await findLease(ctx.db, jobId)
    const current = stored ? toLease(stored) : job.lease ?? null
    // A lease is held until `expiresAt`; at that instant it is free. Its holder renews by heartbeat.
    if (current && current.expiresAt > now) return null
    const lease = { instanceId, epoch: (current?.epoch ?? 0) + 1, expiresAt: now + leaseMs }
    await writeLease(ctx.db, job, stored, lease)
    return lease
  },
})

/**
 * Extends a held lease, even one that lapsed while nobody took it over (the epoch proves the same
 * owner); false when another instance took it over, or the job ended or is gone.
 */
export const heartbeatLease = serverMutation({
  args: { jobId: v.string(), lease: leaseValidator, leaseMs: v.number() },
  returns: v.boolean(),
  handler: async (ctx, { jobId, lease, leaseMs }) => {
    const sameOwner = (current: { instanceId: string, epoch: number }) => current.instanceId === lease.instanceId && current.epoch === lease.epoch
    // Only the lease document is read and written: `active` says whether the job still runs, so
    // the job document (which every viewer's subscription reads) is neither read nor touched.
    const stored = await findLease(ctx.db, jobId)
    if (stored) {
      if (!stored.active || !sameOwner(stored)) return false
      await ctx.db.patch(stored._id, { expiresAt: Date.now() + leaseMs })
      return true
    }
    // A job of an older version keeps its lease in the job document: moved out now, once.
    const job = await findJob(ctx.db, jobId)
    const current = job?.lease
    if (!job || !current || isTerminal(job.status) || !sameOwner(current)) return false
    await writeLease(ctx.db, job, null, { ...current, expiresAt: Date.now() + leaseMs })
    return true
  },
})

/**
 * Active jobs holding a lease that expired by the deployment's clock (the one claims count from;
 * an instance's own clock may be off), the longest-expired first (for recovery). Reading the time
 * makes Convex re-run this query rather than serve it from its cache.
 *
 * With `listed`, each record comes with its request as a listing gives it (a chat's last user
 * message): the servers that ask so read a job they claim whole. Without it, whole — a server of
 * the version before (still running during a rolling deploy, these functions already deployed)
 * runs the record it listed as it is, and a chat it continued got its last message only.
 */
export const listExpiredLeases = serverQuery({
  args: { limit: v.optional(v.number()), listed: v.optional(v.boolean()) },
  returns: v.array(jobRecordValidator),
  handler: async (ctx, { limit = DEFAULT_EXPIRED_LIMIT, listed = false }) => {
    const now = Date.now()
    const expired = await expiredLeaseRecords(ctx.db, now, limit, listed)
    // Jobs of an older version whose lease is still in the job document (empty once they moved).
    // The lower bound leaves out jobs with no embedded lease (their expiry is undefined).
    const ranges = ACTIVE_STATUSES.map(status => ctx.db.query('jobs')
      .withIndex('by_status_lease_expiry', q => q.eq('status', status).gte('lease.expiresAt', 0).lte('lease.expiresAt', now)))
    const embedded = expired.length < limit ? await mergeRanges(ctx.db, ranges, (a, b) => a.lease!.expiresAt - b.lease!.expiresAt, limit - expired.length) : []
    const cut = listed ? embedded.map(record => ({ ...record, requestJson: listedRequestJson(record.requestJson) })) : embedded
    return [...expired, ...cut].sort((a, b) => a.lease!.expiresAt - b.lease!.expiresAt)
  },
})

/**
 * Records of active jobs whose lease document expired by `now`, the longest-expired first, at
 * most `limit`; fewer when the documents pass the byte budget (recovery runs again at the next
 * heartbeat). Requests as listed, or whole.
 */
async function expiredLeaseRecords(db: DatabaseReader, now: number, limit: number, listed: boolean): Promise<JobRecordValue[]> {
  const records: JobRecordValue[] = []
  let bytes = 0
  const range = db.query('leases').withIndex('by_active_expiry', q => q.eq('active', true).lte('expiresAt', now))
  for await (const stored of range as AsyncIterable<Doc<'leases'>>) {
    if (records.length >= limit) break
    const job = await findJob(db, stored.jobId)
    // `active` turns false in the append that ends the job; a job gone or ended is not recovered.
    if (!job || isTerminal(job.status)) continue
    // As a listing gives it (a chat's last user message): recovery reads a job it claims whole.
    const { requestJson, bytesRead } = listed ? await listedRequestOf(db, job) : await wholeRequestOf(db, job)
    bytes += getDocumentSize(job) + bytesRead
    if (records.length > 0 && bytes > RECORD_PAGE_BYTES) break
    records.push(toJobRecord(job, requestJson, toLease(stored)))
  }
  return records
}

/** A job's whole request and the request bytes read for it (none more when it is in the job document). */
async function wholeRequestOf(db: DatabaseReader, job: Doc<'jobs'>): Promise<{ requestJson: string, bytesRead: number }> {
  const requestJson = await requestJsonOf(db, job)
  return { requestJson, bytesRead: recordBytes(job, requestJson) - getDocumentSize(job) }
}

/** Lapsed instance documents one heartbeat deletes at most (the next one deletes more). */
const LAPSED_INSTANCES_PER_CALL = 100

/**
 * Marks an instance alive for `ttlMs` by the deployment's clock (0: gone, at shutdown) and forgets
 * instances that lapsed. It reads only its own document and lapsed ones, never the live instances:
 * every instance heartbeats on the same period, and a mutation that read the others' documents
 * would conflict with each of their heartbeats (Convex re-runs it, and more often the more
 * instances there are). The live ones are counted by a query, `clusterLoad`.
 */
export const heartbeatInstance = serverMutation({
  // `token`: the calling process's own (an older server sends none, and gets null back).
  args: { instanceId: v.string(), ttlMs: v.number(), token: v.optional(v.string()) },
  // The token the registration had before ('' for none), when called with one.
  returns: v.union(v.null(), v.string()),
  handler: async (ctx, { instanceId, ttlMs, token }) => {
    const now = Date.now()
    const own = await ctx.db.query('instances').withIndex('by_instance', q => q.eq('instanceId', instanceId)).unique()
    if (ttlMs > 0) {
      const renewal = { expiresAt: now + ttlMs, ...(token === undefined ? {} : { token }) }
      if (own) await ctx.db.patch(own._id, renewal)
      else await ctx.db.insert('instances', { instanceId, ...renewal })
    }
    // Another live process's registration under the same id (its token there) is left to it.
    else if (own && (token === undefined || own.token === undefined || own.token === token)) await ctx.db.delete(own._id)
    const lapsed = await ctx.db.query('instances').withIndex('by_expiry', q => q.lte('expiresAt', now)).take(LAPSED_INSTANCES_PER_CALL)
    for (const instance of lapsed) await ctx.db.delete(instance._id)
    return token === undefined ? null : (own?.token ?? '')
  },
})

/**
 * When the next lease still in a job document (an older version's, not moved to `leases` yet: its
 * owner has not renewed it since the upgrade) lapses, after `now`; Infinity with none. One index
 * entry per active status, none once every such lease has moved.
 */
async function nextEmbeddedLapse(db: DatabaseReader, now: number): Promise<number> {
  const firsts = await Promise.all(ACTIVE_STATUSES.map(status => db.query('jobs')
    .withIndex('by_status_lease_expiry', q => q.eq('status', status).gt('lease.expiresAt', now)).first()))
  return Math.min(Number.POSITIVE_INFINITY, ...firsts.map(job => job?.lease?.expiresAt ?? Number.POSITIVE_INFINITY))
}

/**
 * How many instances are alive by the deployment's clock, and how many jobs are active: recovery
 * spreads the jobs of a lost instance over the live ones. A query, so it conflicts with nothing.
 */
export const clusterLoad = serverQuery({
  args: {},
  returns: v.object({ instances: v.number(), activeJobs: v.number(), nextLapseInMs: v.optional(v.union(v.number(), v.null())) }),
  handler: async (ctx) => {
    const now = Date.now()
    const live = await ctx.db.query('instances').withIndex('by_expiry', q => q.gt('expiresAt', now)).collect()
    // The next lease to lapse (one index entry): recovery scans again right then (server/lib/cluster.ts).
    const next = await ctx.db.query('leases').withIndex('by_active_expiry', q => q.eq('active', true).gt('expiresAt', now)).first()
    const nextExpiry = Math.min(next?.expiresAt ?? Number.POSITIVE_INFINITY, await nextEmbeddedLapse(ctx.db, now))
    return { instances: live.length, activeJobs: await countAllActiveJobs(ctx.db), nextLapseInMs: Number.isFinite(nextExpiry) ? nextExpiry - now : null }
  },
})
