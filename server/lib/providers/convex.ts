/**
 * The `convex` provider: jobs shared by many Nitro instances and kept across restarts.
 * Metadata lives in the `jobs` table, the log in append-only `eventBatches` (see convex/schema.ts);
 * each `appendEvents` call is one mutation, which is also where terminal status, seq continuity and
 * the lease epoch are checked. Viewers on other instances follow a job by query subscription, and
 * the owner follows the controls (abort, input answers) sent to its jobs the same way, and a
 * user's notification stream follows the user's changed jobs.
 * Every call carries the servers' secret (convex/access.ts) and has a time limit: an unreachable
 * deployment makes calls fail with `ProviderUnavailableError` (503) instead of hanging.
 * Batching writes in time (every 500 ms or 1 KB) is the caller's part: this provider writes what
 * it is given, once, sized to Convex's limits (convex-append.ts).
 */
import { createJobState, reduceEvents } from '../../../shared/reducer'
import type { JobEvent } from '../../../shared/events'
import type { FunctionReturnType } from 'convex/server'
import { MAX_APPEND_BYTES, MAX_REQUEST_BYTES } from '../../../convex/limits'
import { MIN_SECRET_LENGTH } from '../../../convex/secret'
import { JobNotFoundError } from '../errors'
import { createCallDeadline } from './call-deadline'
import { checkConvexDeployment } from './convex-boot-check'
import { createConvexAppender } from './convex-append'
import { replyJsonOf } from './convex-reply'
import { createRenewals } from './convex-renewals'
import { createUnansweredGate } from './convex-unanswered'
import { lateCreationEnd, reportLateCreationEnd } from '../failed-end'
import { assertStorable, ConvexSecretMissingError, ConvexUrlMissingError, createLimitErrorLog, explainFailure } from './convex-errors'
import { subscribeToControls } from './convex-control-subscription'
import { type ConvexFacade, createConvexClientFacade } from './convex-facade'
import { convexFunctions as fn, eventsAfter, toChangedJobRecord, toControlArgs, toJobRecord, toStoredJobControl, toStoredThread } from './convex-functions'
import { subscribeToEvents } from './convex-subscription'
import { subscribeToUserJobs } from './convex-user-subscription'
import type { ControlReply, EventRange, JobLease, JobRecord, StoredJobControl } from './types'
import type { ConvexJobProvider, ConvexProviderOptions } from './convex-types'
import { ActiveLimitError, RateRefusedError } from './types'
import { createConsoleLogger } from '../logger'
import { createSharedInstanceIdWatch } from './shared-instance-id'
import { useMetrics } from '../metrics'
import { createSubscriptionMetrics } from './subscription-metrics'

export type { ConvexJobProvider, ConvexProviderOptions } from './convex-types'
export { ConvexAccessError, ConvexCallError, ConvexInvalidRateError, ConvexLimitError, ConvexSecretMissingError, ConvexTooLargeError, ConvexUrlMissingError } from './convex-errors'

/** A Convex call that has not answered after this long fails (503 on routes). */
export const DEFAULT_CONVEX_TIMEOUT_MS = 10_000
/** Jobs `list` returns when no limit is given (the contract's default). */
const DEFAULT_LIST_LIMIT = 50

/** The facade the options describe; throws a boot error naming what is missing. */
function facadeOf(options: ConvexProviderOptions): ConvexFacade {
  if (options.facade) return options.facade
  if (!options.url) throw new ConvexUrlMissingError()
  if (!options.secret || options.secret.length < MIN_SECRET_LENGTH) throw new ConvexSecretMissingError(options.secret ?? '')
  return createConvexClientFacade(options.url, options.secret, options.logger)
}

/** A seq to read after: garbage and negative values mean "from the start". */
function normalizeSeq(afterSeq: number): number {
  return Number.isFinite(afterSeq) && afterSeq > 0 ? Math.floor(afterSeq) : 0
}

/** Creates the `convex` provider. */
export function createConvexProvider(options: ConvexProviderOptions): ConvexJobProvider {
  const ownsFacade = !options.facade
  const logger = options.logger ?? createConsoleLogger()
  const facade = facadeOf(options)
  const subscriptions = new Set<() => void>()
  const subscriptionMetrics = createSubscriptionMetrics('convex', options.metrics)
  /** A subscription's failure: counted, then given to `onError` (or logged with what failed). */
  // Counted once per reconnect of the client's WebSocket (it renews every subscription then).
  const stopCountingReconnects = facade.onReconnect?.(subscriptionMetrics.reconnected)
  const subscriptionFailed = (what: string, jobId?: string) => subscriptionMetrics.failed((error) => {
    if (options.onError) options.onError(error, jobId === undefined ? undefined : { jobId })
    else console.error(`[background-jobs] ${what}${jobId === undefined ? '' : ` of job ${jobId}`} failed`, error)
  })
  const retryAfterSeconds = options.retryAfterSeconds ?? 5
  const timeLimit = createCallDeadline({
    provider: 'convex',
    storeName: 'Convex',
    timeoutMs: options.timeoutMs ?? DEFAULT_CONVEX_TIMEOUT_MS,
    timeoutVariable: 'NUXT_BACKGROUND_JOBS_CONVEX_TIMEOUT_MS',
    retryAfterSeconds,
  })
  // Every one-shot call has a time limit; subscriptions wait for the connection to come back.
  // A call past one of Convex's limits, logged at most once a minute per function (it is sent again and again).
  const logLimit = createLimitErrorLog(logger)
  const deadline = <T>(promise: Promise<T>, what: string) => timeLimit(promise.catch(error => explainFailure(error, what, retryAfterSeconds, logLimit)), what)
  const query: ConvexFacade['query'] = (reference, args) => {
    // Given up on at its time limit: the client drops it instead of keeping it for the reconnect.
    const abandon = new AbortController()
    return deadline(facade.query(reference, args, { signal: abandon.signal }), reference as unknown as string)
      .finally(() => abandon.abort(new Error('no longer waited for')))
  }
  // Mutations a request makes (creations, controls, deletions, rate hits): a bounded number held unanswered.
  const unanswered = createUnansweredGate({ retryAfterSeconds })
  const mutation: ConvexFacade['mutation'] = (reference, args) => {
    const what = reference as unknown as string
    return deadline(unanswered.send(() => facade.mutation(reference, args), what), what)
  }
  const appender = createConvexAppender({ facade, deadline })
  // Heartbeats come on timers: through an outage, one outstanding per lease or instance, not one per beat.
  const renewals = createRenewals({ deadline })
  // Another live process heartbeating under this instance's id is warned about (shared-instance-id.ts).
  const instanceIdWatch = createSharedInstanceIdWatch(message => logger.warn(message))

  /** Remembers a subscription so `dispose` stops it; returns its unsubscribe. */
  function track(stop: () => void): () => void {
    const unsubscribe = () => {
      subscriptions.delete(unsubscribe)
      stop()
    }
    subscriptions.add(unsubscribe)
    return unsubscribe
  }

  /** Ends a job whose creation committed after the caller gave up on it (it never ran); `request`: the one sent. */
  async function endUnstarted(late: FunctionReturnType<typeof fn.create>, request: JobRecord['request']): Promise<void> {
    if (!('record' in late) || !late.created || !late.record.lease) return
    const end = lateCreationEnd('Convex', late.record.lastSeq + 1, Date.now())
    const stored = await appender.appendEvents(late.record.jobId, [end], { epoch: late.record.lease.epoch })
      .catch((error) => {
        (options.onError ?? console.error)(error)
        return null
      })
    // A stored end like any other: counted and logged (`job ended`).
    if (stored?.ok) reportLateCreationEnd({ logger, metrics: options.metrics ?? useMetrics() }, { id: late.record.jobId, type: late.record.type, request, instanceId: late.record.lease.instanceId }, end)
  }

  async function readEvents(id: string, afterSeq: number): Promise<EventRange | null> {
    const start = normalizeSeq(afterSeq)
    const events: JobEvent[] = []
    let cursor = start
    for (;;) {
      const page = await query(fn.readEvents, { jobId: id, afterSeq: cursor })
      if (page === null) return cursor === start ? null : { events, complete: false }
      const fresh = eventsAfter(page, cursor)
      events.push(...fresh)
      if (fresh.length > 0) cursor = fresh[fresh.length - 1]!.seq
      if (!page.hasMore || fresh.length === 0) break
    }
    // Complete unless the log no longer starts right after `start` (nothing is trimmed today).
    const complete = events.length === 0 || events[0]!.seq === start + 1
    return { events, complete }
  }

  return {
    name: 'convex',
    // One mutation stores up to this much at once (several documents; a big event in pieces).
    maxBatchBytes: MAX_APPEND_BYTES,
    // A request is one document: the AI SDK route keeps a chat's history under this.
    maxRequestBytes: MAX_REQUEST_BYTES,

    async create(record, createOptions = {}) {
      const requestJson = JSON.stringify(record.request)
      // Before anything is counted or stored: a clear 413, not Convex's document limit.
      assertStorable('request', requestJson)
      // The global limit is counted before, outside the creation's transaction (see jobs.create).
      const activeNow = createOptions.maxActive === undefined ? undefined : await query(fn.countActive, {})
      // Named field by field: callers may hand a whole JobRecord, and Convex refuses unknown fields.
      const attempt = unanswered.send(() => facade.mutation(fn.create, {
        jobId: record.id,
        userId: record.userId,
        type: record.type,
        threadId: record.threadId,
        messageId: record.messageId,
        idempotencyKey: record.idempotencyKey,
        title: record.title,
        requestJson,
        createdAt: record.createdAt,
        lease: record.lease ?? null,
        // The deployment counts the lease's expiry from its own clock.
        ...(record.lease && createOptions.leaseMs !== undefined ? { leaseMs: createOptions.leaseMs } : {}),
        ...(createOptions.maxActive === undefined ? {} : { maxActive: createOptions.maxActive, activeNow }),
        ...(createOptions.maxActivePerUser === undefined ? {} : { maxActivePerUser: createOptions.maxActivePerUser }),
        ...(createOptions.maxActivePerAddress ? { maxActivePerAddress: { address: createOptions.maxActivePerAddress.address, limit: createOptions.maxActivePerAddress.limit } } : {}),
        ...(createOptions.freeing?.length ? { freeing: [...createOptions.freeing] } : {}),
        ...(createOptions.rates?.length ? { rates: createOptions.rates.map(({ key, limit, windowMs }) => ({ key, limit, windowMs })) } : {}),
        // The request just sent need not come back (servers of an earlier version read it from the answer).
        withoutRequest: true,
      }), 'jobs:create')
      let result: Awaited<typeof attempt>
      try {
        result = await deadline(attempt, 'jobs:create')
      }
      catch (error) {
        // Timed out, it may still commit: the Convex client sends it again after the reconnect.
        // The caller answered 503 and started nothing, so a job stored that late is ended at once
        // (recovery would otherwise run it, or fail it as lost, after its lease lapsed).
        if ((error as { name?: string })?.name === 'ProviderUnavailableError') void attempt.then(late => endUnstarted(late, record.request), () => undefined)
        throw error
      }
      if ('refused' in result) {
        if (result.refused === 'rate') throw new RateRefusedError(result.retryAfterMs, result.key ?? createOptions.rates?.[0]?.key ?? '')
        throw new ActiveLimitError(result.refused, result.limit)
      }
      // A new job comes back without its request (the one just sent); a retry's with the stored one, as listed.
      const { record: stored } = result
      if ('requestJson' in stored) return { record: toJobRecord(stored), created: result.created }
      // The deployment's clock at the insert (none from a deployment of an earlier version).
      const storeCreatedAt = stored.storeCreatedAt === undefined ? {} : { storeCreatedAt: stored.storeCreatedAt }
      return { record: { ...toChangedJobRecord(stored), ...storeCreatedAt, request: JSON.parse(requestJson) as JobRecord['request'], lease: stored.lease }, created: result.created }
    },

    async get(id, owner) {
      const stored = await query(fn.get, owner ? { jobId: id, userId: owner.userId } : { jobId: id })
      return stored ? toJobRecord(stored) : null
    },

    async getListed(id, owner) {
      // Not `get`: an ownership check needs what a summary shows, not a long chat's whole history.
      const stored = await query(fn.getListed, owner ? { jobId: id, userId: owner.userId } : { jobId: id })
      return stored ? toJobRecord(stored) : null
    },

    async list(filter) {
      const limit = Math.max(0, filter.limit ?? DEFAULT_LIST_LIMIT)
      const jobs: JobRecord[] = []
      let before = filter.before
      // A page stops early to stay under a transaction's read limits: read on from where it stopped.
      while (jobs.length < limit) {
        const page = await query(fn.listPage, {
          userId: filter.userId,
          statuses: filter.status,
          threadId: filter.threadId,
          messageId: filter.messageId,
          before: before && { createdAt: before.createdAt, jobId: before.id },
          limit: limit - jobs.length,
        })
        jobs.push(...page.jobs.map(toJobRecord))
        if (!page.resume) break
        before = { createdAt: page.resume.createdAt, id: page.resume.jobId }
      }
      return jobs
    },

    async listThreads({ userId, limit, before }) {
      // Each job once, named by id (servers of an earlier version read first, last and active records).
      const page = await query(fn.listThreads, { userId, limit, before: before ?? null, byId: true })
      return {
        threads: page.threads.map(toStoredThread),
        next: page.next,
      }
    },

    async renameThread(userId, threadId, title, renameId) {
      const newest = await mutation(fn.renameThread, { userId, threadId, title, ...(renameId === undefined ? {} : { renameId }) })
      return typeof newest === 'string' ? newest : null
    },

    /** Requires `{ epoch }`: Convex stores only what the job's lease holder writes. */
    appendEvents: appender.appendEvents,

    readEvents,

    async getState(id) {
      // Not `get`: the request (up to 1 MB) is not needed for the state.
      const record = await query(fn.getHead, { jobId: id })
      if (!record) return null
      const range = await readEvents(id, 0)
      return reduceEvents(createJobState({ id, type: record.type, createdAt: record.createdAt }), range?.events ?? [])
    },

    async countActive(filter = {}) {
      return await query(fn.countActive, filter.userId === undefined ? {} : { userId: filter.userId })
    },

    /**
     * Retention runs inside the deployment (its cron, `BACKGROUND_JOBS_RETENTION_MS`): no server
     * may delete jobs, so this deletes nothing.
     */
    async deleteExpired() {
      return 0
    },

    async deleteJob(id) {
      // A job with more rows than one transaction may delete takes several calls (deletion.ts).
      for (;;) {
        const outcome = await mutation(fn.deleteJob, { jobId: id })
        if (outcome !== 'more') return outcome
      }
    },

    async takeRate(key, limit, windowMs) {
      return await mutation(fn.takeRate, { key, limit, windowMs })
    },

    subscribe(id, listener, subscribeOptions = {}) {
      const afterSeq = subscribeOptions.afterSeq === undefined ? {} : { afterSeq: normalizeSeq(subscribeOptions.afterSeq) }
      return track(subscribeToEvents(facade, id, listener, { ...afterSeq, onError: subscriptionFailed('convex subscription', id), ...(subscribeOptions.onGone ? { onGone: subscribeOptions.onGone } : {}) }))
    },

    async sendControl(id, control) {
      const args = toControlArgs(id, control)
      assertStorable('answer', 'answerJson' in args ? args.answerJson : undefined)
      const result = await mutation(fn.sendControl, args)
      if (!result.ok) throw new JobNotFoundError(id)
      return result.id
    },

    async replyToControl(id, controlId, reply) {
      await mutation(fn.replyToControl, { jobId: id, controlId, replyJson: replyJsonOf(reply) })
    },

    subscribeControlReply(id, controlId, listener) {
      let delivered = false
      return track(facade.subscribe(fn.readReply, { jobId: id, controlId }, (replyJson) => {
        if (replyJson === null || delivered) return
        delivered = true
        listener(JSON.parse(replyJson) as ControlReply)
      }, subscriptionFailed('convex control reply subscription', id)))
    },

    async readControlReply(id, controlId) {
      const json = await query(fn.readReply, { jobId: id, controlId })
      return json === null ? null : JSON.parse(json) as ControlReply
    },

    async readControls(id) {
      const controls: StoredJobControl[] = []
      for (let afterNumber = 0; ;) {
        const page = await query(fn.readControls, { jobId: id, afterNumber })
        for (const stored of page?.controls ?? []) controls.push(toStoredJobControl(stored))
        if (!page?.hasMore) return controls
        afterNumber = page.controls.at(-1)!.number
      }
    },

    subscribeControls(id, listener, subscribeOptions = {}) {
      return track(subscribeToControls(facade, id, listener, { fromStart: subscribeOptions.fromStart, onError: subscriptionFailed('convex control subscription', id) }))
    },

    subscribeUserJobs(userId, listener, subscribeOptions = {}) {
      return track(subscribeToUserJobs(facade, userId, listener, { ...subscribeOptions, onError: subscriptionFailed('convex user feed subscription') }))
    },

    async publishJobLost({ id, userId, threadId }) {
      return await mutation(fn.recordLost, { userId, jobId: id, threadId })
    },

    async claimLease(id, instanceId, leaseMs) {
      return await mutation(fn.claimLease, { jobId: id, instanceId, leaseMs })
    },

    async heartbeatLease(id, lease: JobLease, leaseMs) {
      const { instanceId, epoch, expiresAt } = lease
      return await renewals.renew(`lease\u0000${id}\u0000${instanceId}\u0000${epoch}`, 'leases:heartbeatLease', () => facade.mutation(fn.heartbeatLease, { jobId: id, lease: { instanceId, epoch, expiresAt }, leaseMs }))
    },

    async listExpiredLeases(limit) {
      // Judged by the deployment's clock, as claims are (the instance's may be off).
      // Listed (a chat's last user message): takeOver reads the job it claims whole.
      const stored = await query(fn.listExpiredLeases, limit === undefined ? { listed: true } : { limit, listed: true })
      return stored.map(toJobRecord)
    },

    async heartbeatInstance(instanceId, ttlMs) {
      // Judged by the deployment's clock, as leases are. The mutation writes this instance's own
      // document only; the count is a query, so the instances' heartbeats never conflict.
      const ttl = Math.max(0, Math.floor(ttlMs))
      const previous = await renewals.renew(`instance\u0000${instanceId}\u0000${ttl > 0}`, 'leases:heartbeatInstance', () => facade.mutation(fn.heartbeatInstance, { instanceId, ttlMs: ttl, token: instanceIdWatch.token }))
      instanceIdWatch.heartbeat(instanceId, ttl, previous ?? '')
      return await query(fn.clusterLoad, {})
    },

    async ping() {
      await query(fn.healthCheck, {})
    },

    async ready() {
      await facade.ready?.()
      await checkConvexDeployment({ check: () => query(fn.healthCheck, {}), url: options.url })
    },

    async dispose() {
      stopCountingReconnects?.()
      for (const unsubscribe of [...subscriptions]) unsubscribe()
      appender.clear()
      if (ownsFacade) await facade.close?.()
    },
  }
}
