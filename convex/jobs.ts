/**
 * Job documents: create (idempotent per user + key, refused over the active-job limits and the
 * creation rate, counted in the same transaction), get (and `getHead`, without the request),
 * list (newest first; the first page of jobPages.ts), count active.
 * Each read goes through an index from schema.ts. Only the servers may call them (access.ts).
 */
import { ConvexError, v } from 'convex/values'
import { serverMutation, serverQuery } from './access'
import { addHit, rateArgs, rateRoom } from './rates'
import { MAX_REQUEST_BYTES, type TooLarge, utf8Bytes } from './limits'
import { addActiveJob, countActiveJobsOfAddress, countActiveJobsOfUser, countAllActiveJobs, countStillActive, MAX_COUNTED_PER_USER } from './activeCount'
import { findJob, jobRecordValidator, listedRequestOf, nextChangedAt, readJobRecord, storeListedRequest, toJobRecord } from './model'
import { leaseOf } from './leaseStore'
import { readJobPage } from './jobPages'
import { changedJobValidator, createdJobValidator, toChangedJob } from './changedJob'
import { indexThreadJob } from './threads'
import { jobFields, jobStatusValidator, leaseValidator } from './schema'

/** Creates a job, or returns the one already created with the same user + idempotency key. */
export const create = serverMutation({
  args: {
    // The stored fields the engine chooses; status, times and seq start from the mutation.
    jobId: jobFields.jobId,
    userId: jobFields.userId,
    type: jobFields.type,
    threadId: jobFields.threadId,
    messageId: jobFields.messageId,
    idempotencyKey: jobFields.idempotencyKey,
    title: jobFields.title,
    requestJson: jobFields.requestJson,
    createdAt: jobFields.createdAt,
    lease: v.optional(v.union(leaseValidator, v.null())),
    /** With a lease: its length; the expiry is then counted from the deployment's clock, not the instance's. */
    leaseMs: v.optional(v.number()),
    /** Refuse when the user already has this many active jobs. */
    maxActivePerUser: v.optional(v.number()),
    /** Refuse when this many jobs are active in the deployment. */
    maxActive: v.optional(v.number()),
    /** Count the job under this anonymous client address while active; refuse when `limit` are already. */
    maxActivePerAddress: v.optional(v.object({ address: v.string(), limit: v.number() })),
    /**
     * The active jobs of the deployment as the caller counted them just before. Counted here, in
     * every creation, every shard of the count would be in each one's read set, so every two
     * creations (and every job end) would conflict; from the caller the global limit may be passed
     * by creations racing at the same moment. Without it, counted here (a few documents).
     */
    activeNow: v.optional(v.number()),
    /**
     * The user's jobs the caller ends once this one is created: those still active (read in this
     * transaction) count as free against both limits; one ended meanwhile frees nothing.
     */
    freeing: v.optional(v.array(v.string())),
    /** Count a hit of this rate window for a job really created; refuse when it is full (servers of an earlier version). */
    rate: v.optional(v.object(rateArgs)),
    /** Count a hit of every one of these windows for a job really created; refuse, counting none, when one is full. */
    rates: v.optional(v.array(v.object(rateArgs))),
    /**
     * A new job comes back without the request just sent (this version's servers ask so). Without
     * it, with its whole request: a server of an earlier version (still running during a rolling
     * deploy, these functions already deployed) reads the request from the answer.
     */
    withoutRequest: v.optional(v.boolean()),
  },
  returns: v.union(
    // An idempotent retry: the job stored before, with its request as a listing gives it (it may differ from this call's).
    v.object({ record: jobRecordValidator, created: v.boolean() }),
    // A new job: without the request the caller has just sent (up to 1 MB), when it asks so.
    v.object({ record: createdJobValidator, created: v.literal(true) }),
    v.object({ refused: v.union(v.literal('user'), v.literal('address'), v.literal('global')), limit: v.number() }),
    v.object({ refused: v.literal('rate'), retryAfterMs: v.number(), key: v.optional(v.string()) }),
  ),
  handler: async (ctx, args) => {
    const { idempotencyKey, userId } = args
    const requestBytes = utf8Bytes(args.requestJson)
    if (requestBytes > MAX_REQUEST_BYTES) throw new ConvexError<TooLarge>({ code: 'too-large', message: `A job's request holds at most ${MAX_REQUEST_BYTES} bytes of JSON; got ${requestBytes}` })
    // A mutation is serializable, so this look-up and the insert below cannot race.
    const previous = idempotencyKey === null
      ? null
      : await ctx.db.query('jobs')
          .withIndex('by_user_idempotency', q => q.eq('userId', userId).eq('idempotencyKey', idempotencyKey))
          .first()
    // With its request as a listing gives it: the retry is compared by the fingerprint that keeps
    // (idempotency.ts), not by a chat's whole history (up to 1 MB, on every retry).
    if (previous) return { record: toJobRecord(previous, (await listedRequestOf(ctx.db, previous)).requestJson, await leaseOf(ctx.db, previous)), created: false }
    // Never hand back a job under a reused id: it may belong to someone else.
    if (await findJob(ctx.db, args.jobId)) throw new Error(`A job with id ${args.jobId} already exists`)
    // Counted in the same transaction as the insert, so the limits hold across instances.
    const { lease: given, leaseMs, maxActivePerUser, maxActive, maxActivePerAddress, activeNow, freeing, rate, rates, requestJson, withoutRequest, ...fields } = args
    // Expiry is judged by this deployment's clock (leases.ts): an instance whose clock is behind
    // must not start its own job with a lease that is already over.
    const lease = given && leaseMs !== undefined ? { ...given, expiresAt: Date.now() + leaseMs } : given
    // Counted only as far as the limit: reaching it is all the decision needs. A count reads at most
    // MAX_COUNTED_PER_USER entries, so a larger limit acts as that (compared as given, it was never reached).
    const freed = await countStillActive(ctx.db, userId, freeing ?? [])
    const perUser = maxActivePerUser === undefined ? undefined : Math.min(maxActivePerUser, MAX_COUNTED_PER_USER)
    if (perUser !== undefined && await countActiveJobsOfUser(ctx.db, userId, perUser + freed) >= perUser + freed) return { refused: 'user' as const, limit: perUser }
    if (maxActivePerAddress && await countActiveJobsOfAddress(ctx.db, maxActivePerAddress.address, maxActivePerAddress.limit, freeing) >= Math.min(maxActivePerAddress.limit, MAX_COUNTED_PER_USER)) return { refused: 'address' as const, limit: maxActivePerAddress.limit }
    if (maxActive !== undefined && (activeNow ?? await countAllActiveJobs(ctx.db)) - freed >= maxActive) return { refused: 'global' as const, limit: maxActive }
    const windows = [...(rate ? [rate] : []), ...(rates ?? [])]
    // Every full window is looked at: the refusal names the one that frees last, when all have room.
    let refused: { refused: 'rate', retryAfterMs: number, key: string } | null = null
    for (const window of windows) {
      const decision = await rateRoom(ctx.db, window)
      if (!decision.ok && (refused === null || decision.retryAfterMs > refused.retryAfterMs)) refused = { refused: 'rate' as const, retryAfterMs: decision.retryAfterMs, key: window.key }
    }
    if (refused) return refused
    for (const window of windows) await addHit(ctx.db, window.key)
    const id = await ctx.db.insert('jobs', {
      ...fields,
      status: 'queued',
      updatedAt: args.createdAt,
      endedAt: null,
      lastSeq: 0,
      changedAt: await nextChangedAt(ctx.db, userId),
    })
    // The request and the lease in documents of their own: the job document is patched by every
    // append, and a heartbeat must not touch what viewers' subscriptions read.
    await ctx.db.insert('jobRequests', { jobId: args.jobId, requestJson })
    if (args.type === 'chat') await storeListedRequest(ctx.db, args.jobId, requestJson)
    if (lease) await ctx.db.insert('leases', { jobId: args.jobId, ...lease, active: true })
    await addActiveJob(ctx.db, args.jobId, userId, maxActivePerAddress?.address)
    await indexThreadJob(ctx.db, args)
    const record = await ctx.db.get(id)
    if (!withoutRequest) return { record: toJobRecord(record!, requestJson, lease ?? null), created: true }
    return { record: { ...toChangedJob(record!), storeCreatedAt: Math.floor(record!._creationTime), lease: lease ?? null }, created: true as const }
  },
})

/** One job by its engine id, or null. */
export const get = serverQuery({
  // `userId`: the reader may only see that user's job; another user's is null, as a missing one,
  // and its request is neither read nor sent back (the engine's ownership check).
  args: { jobId: v.string(), userId: v.optional(v.string()) },
  returns: v.union(jobRecordValidator, v.null()),
  handler: async (ctx, { jobId, userId }) => {
    const doc = await findJob(ctx.db, jobId)
    return doc && (userId === undefined || doc.userId === userId) ? await readJobRecord(ctx.db, doc) : null
  },
})

/**
 * One job by its engine id as a listing returns it: a chat's request with its last user message as
 * its only message (what the job's summary shows), or null. The servers' ownership check of every
 * route (a stream's connect, a snapshot, an abort, an answer): the whole request (up to 1 MB, a
 * long chat's history) is not sent back. With `userId`, another user's job is null, as in `get`.
 */
export const getListed = serverQuery({
  args: { jobId: v.string(), userId: v.optional(v.string()) },
  returns: v.union(jobRecordValidator, v.null()),
  handler: async (ctx, { jobId, userId }) => {
    const doc = await findJob(ctx.db, jobId)
    if (!doc || (userId !== undefined && doc.userId !== userId)) return null
    return toJobRecord(doc, (await listedRequestOf(ctx.db, doc)).requestJson, await leaseOf(ctx.db, doc))
  },
})

/**
 * One job by its engine id without its request and lease (`getState` needs only its type and
 * creation time; the request is up to 1 MB), or null. Reads the job document only.
 */
export const getHead = serverQuery({
  args: { jobId: v.string() },
  returns: v.union(changedJobValidator, v.null()),
  handler: async (ctx, { jobId }) => {
    const doc = await findJob(ctx.db, jobId)
    return doc && toChangedJob(doc)
  },
})

/**
 * A user's jobs, newest first; every given filter must match. The first page of `jobPages:page`
 * without its `resume` (kept for servers of an earlier version).
 */
export const list = serverQuery({
  args: {
    userId: v.string(),
    statuses: v.optional(v.array(jobStatusValidator)),
    threadId: v.optional(v.string()),
    messageId: v.optional(v.string()),
    limit: v.optional(v.number()),
  },
  returns: v.array(jobRecordValidator),
  handler: async (ctx, args) => (await readJobPage(ctx.db, args)).jobs,
})

/**
 * Jobs not in a terminal status: in the deployment (a few shard documents), or the user's when
 * `userId` is given (counted up to `MAX_COUNTED_PER_USER`).
 */
export const countActive = serverQuery({
  args: { userId: v.optional(v.string()) },
  returns: v.number(),
  handler: async (ctx, { userId }) => userId === undefined ? await countAllActiveJobs(ctx.db) : await countActiveJobsOfUser(ctx.db, userId),
})
