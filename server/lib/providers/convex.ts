/**
 * The `convex` provider: jobs shared by many Nitro instances and kept across restarts.
 * Metadata lives in the `jobs` table, the log in append-only `eventBatches` (see convex/schema.ts);
 * each `appendEvents` call is one mutation, which is also where terminal status, seq continuity and
 * the lease epoch are checked. Viewers on other instances follow a job by query subscription, and
 * the owner follows the controls (abort, input answers) sent to its jobs the same way, and a
 * user's notification stream follows the user's changed jobs.
 * Batching writes in time (every 500 ms or 1 KB) is the caller's part: this provider writes what
 * it is given, once.
 */
import { createJobState, reduceEvents } from '../../../shared/reducer'
import type { JobEvent } from '../../../shared/events'
import { JobNotFoundError } from '../errors'
import { type ControlSubscriptionOptions, subscribeToControls } from './convex-control-subscription'
import { type ConvexFacade, createConvexClientFacade } from './convex-facade'
import { convexFunctions as fn, eventsAfter, toControlArgs, toJobRecord } from './convex-functions'
import { type EventSubscriptionOptions, subscribeToEvents } from './convex-subscription'
import { subscribeToUserJobs } from './convex-user-subscription'
import type { AppendResult, ControlReply, EventListener, EventRange, JobControl, JobLease, JobProvider, JobRecord, StoredJobControl } from './types'
import { ActiveLimitError } from './types'

/** How the provider reaches Convex: a deployment URL, or a ready facade (tests). */
export type ConvexProviderOptions = ({ url: string, facade?: never } | { facade: ConvexFacade, url?: never }) & {
  /** Called when a subscription fails. @default logs to the console */
  onError?: (error: unknown) => void
}

/** The `convex` provider: every multi-instance call of the contract is there. */
export interface ConvexJobProvider extends JobProvider {
  /**
   * Calls `listener` with the events after `options.afterSeq` (catch-up first, then live; default:
   * from the job's last seq when the subscription starts), each once, in seq order. A negative or
   * garbage `afterSeq` means 0.
   */
  subscribe(id: string, listener: EventListener, options?: Pick<EventSubscriptionOptions, 'afterSeq'>): () => void
  /** Stores a control for the job's owner and returns its id; throws `JobNotFoundError` for a missing or another user's job. */
  sendControl(id: string, control: JobControl): Promise<string>
  replyToControl(id: string, controlId: string, reply: ControlReply): Promise<void>
  subscribeControlReply(id: string, controlId: string, listener: (reply: ControlReply) => void): () => void
  /**
   * Calls `listener` with each control sent to the job after this call (with `fromStart`, the
   * stored ones first), once each, in the order sent.
   */
  subscribeControls(id: string, listener: (control: StoredJobControl) => void, options?: Pick<ControlSubscriptionOptions, 'fromStart'>): () => void
  /** Calls `listener` with the user's jobs changed after this call (see `feed:userChanges`). */
  subscribeUserJobs(userId: string, listener: (records: JobRecord[]) => void): () => void
  /** Loads the Convex client: call it at boot to fail early when the `convex` package is missing. */
  ready(): Promise<void>
  dispose(): Promise<void>
}

/** Thrown at boot when the `convex` provider is selected without a deployment URL. */
export class ConvexUrlMissingError extends Error {
  constructor() {
    super('The convex provider needs a deployment URL: set NUXT_BACKGROUND_JOBS_CONVEX_URL (runtimeConfig.backgroundJobs.convexUrl).')
    this.name = 'ConvexUrlMissingError'
  }
}

/** Convex documents hold at most 1 MiB: a batch above this many characters is stored in parts. */
const MAX_BATCH_CHARS = 400_000
/** What the engine may hand to one append: a single event above it can never be stored. */
const MAX_BATCH_BYTES = 800_000

/** The batch as JSON arrays of at most `maxChars` each (a single bigger event stays alone). */
export function splitBatch(events: JobEvent[], maxChars: number): string[] {
  const whole = JSON.stringify(events)
  if (whole.length <= maxChars || events.length <= 1) return [whole]
  const parts: string[] = []
  let current: string[] = []
  let currentChars = 2
  for (const event of events) {
    const json = JSON.stringify(event)
    if (current.length > 0 && currentChars + json.length + 1 > maxChars) {
      parts.push(`[${current.join(',')}]`)
      current = []
      currentChars = 2
    }
    current.push(json)
    currentChars += json.length + 1
  }
  parts.push(`[${current.join(',')}]`)
  return parts
}

/** A seq to read after: garbage and negative values mean "from the start". */
function normalizeSeq(afterSeq: number): number {
  return Number.isFinite(afterSeq) && afterSeq > 0 ? Math.floor(afterSeq) : 0
}

/** Creates the `convex` provider. */
export function createConvexProvider(options: ConvexProviderOptions): ConvexJobProvider {
  if (!options.facade && !options.url) throw new ConvexUrlMissingError()
  const ownsFacade = !options.facade
  const facade = options.facade ?? createConvexClientFacade(options.url!)
  const subscriptions = new Set<() => void>()

  /** Remembers a subscription so `dispose` stops it; returns its unsubscribe. */
  function track(stop: () => void): () => void {
    const unsubscribe = () => {
      subscriptions.delete(unsubscribe)
      stop()
    }
    subscriptions.add(unsubscribe)
    return unsubscribe
  }

  async function readEvents(id: string, afterSeq: number): Promise<EventRange | null> {
    const start = normalizeSeq(afterSeq)
    const events: JobEvent[] = []
    let cursor = start
    for (;;) {
      const page = await facade.query(fn.readEvents, { jobId: id, afterSeq: cursor })
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
    maxBatchBytes: MAX_BATCH_BYTES,

    async create(record, createOptions = {}) {
      // Named field by field: callers may hand a whole JobRecord, and Convex refuses unknown fields.
      const result = await facade.mutation(fn.create, {
        jobId: record.id,
        userId: record.userId,
        type: record.type,
        threadId: record.threadId,
        messageId: record.messageId,
        idempotencyKey: record.idempotencyKey,
        title: record.title,
        requestJson: JSON.stringify(record.request),
        createdAt: record.createdAt,
        lease: record.lease ?? null,
        ...(createOptions.maxActive === undefined ? {} : { maxActive: createOptions.maxActive }),
        ...(createOptions.maxActivePerUser === undefined ? {} : { maxActivePerUser: createOptions.maxActivePerUser }),
      })
      if ('refused' in result && result.refused) throw new ActiveLimitError(result.refused, result.limit)
      return { record: toJobRecord(result.record), created: result.created }
    },

    async get(id) {
      const stored = await facade.query(fn.get, { jobId: id })
      return stored ? toJobRecord(stored) : null
    },

    async list(filter) {
      const stored = await facade.query(fn.list, {
        userId: filter.userId,
        statuses: filter.status,
        threadId: filter.threadId,
        messageId: filter.messageId,
        limit: filter.limit,
      })
      return stored.map(toJobRecord)
    },

    async appendEvents(id, events, appendOptions = {}) {
      const epoch = appendOptions.epoch === undefined ? {} : { epoch: appendOptions.epoch }
      let result: AppendResult = { ok: true, lastSeq: 0 }
      // Almost always one part. A batch too big for one Convex document is written in several,
      // in order; if a later part is refused, the earlier parts stay (each continues the log).
      for (const eventsJson of splitBatch(events, MAX_BATCH_CHARS)) {
        result = await facade.mutation(fn.appendEvents, { jobId: id, eventsJson, ...epoch })
        if (!result.ok) return result
      }
      return result
    },

    readEvents,

    async getState(id) {
      const record = await this.get(id)
      if (!record) return null
      const range = await readEvents(id, 0)
      return reduceEvents(createJobState({ id, type: record.type, createdAt: record.createdAt }), range?.events ?? [])
    },

    async countActive(filter = {}) {
      return await facade.query(fn.countActive, filter.userId === undefined ? {} : { userId: filter.userId })
    },

    async deleteExpired(endedBefore, limit) {
      return await facade.mutation(fn.deleteExpired, limit === undefined ? { endedBefore } : { endedBefore, limit })
    },

    async takeRate(key, limit, windowMs) {
      return await facade.mutation(fn.takeRate, { key, limit, windowMs })
    },

    subscribe(id, listener, subscribeOptions = {}) {
      const afterSeq = subscribeOptions.afterSeq === undefined ? {} : { afterSeq: normalizeSeq(subscribeOptions.afterSeq) }
      return track(subscribeToEvents(facade, id, listener, { ...afterSeq, onError: options.onError }))
    },

    async sendControl(id, control) {
      const result = await facade.mutation(fn.sendControl, toControlArgs(id, control))
      if (!result.ok) throw new JobNotFoundError(id)
      return result.id
    },

    async replyToControl(id, controlId, reply) {
      await facade.mutation(fn.replyToControl, { jobId: id, controlId, replyJson: JSON.stringify(reply) })
    },

    subscribeControlReply(id, controlId, listener) {
      let delivered = false
      return track(facade.subscribe(fn.readReply, { jobId: id, controlId }, (replyJson) => {
        if (replyJson === null || delivered) return
        delivered = true
        listener(JSON.parse(replyJson) as ControlReply)
      }, error => (options.onError ?? console.error)(error)))
    },

    subscribeControls(id, listener, subscribeOptions = {}) {
      return track(subscribeToControls(facade, id, listener, { fromStart: subscribeOptions.fromStart, onError: options.onError }))
    },

    subscribeUserJobs(userId, listener) {
      return track(subscribeToUserJobs(facade, userId, listener, { onError: options.onError }))
    },

    async claimLease(id, instanceId, leaseMs) {
      return await facade.mutation(fn.claimLease, { jobId: id, instanceId, leaseMs })
    },

    async heartbeatLease(id, lease: JobLease, leaseMs) {
      const { instanceId, epoch, expiresAt } = lease
      return await facade.mutation(fn.heartbeatLease, { jobId: id, lease: { instanceId, epoch, expiresAt }, leaseMs })
    },

    async listExpiredLeases(now, limit) {
      const stored = await facade.query(fn.listExpiredLeases, limit === undefined ? { now } : { now, limit })
      return stored.map(toJobRecord)
    },

    async ready() {
      await facade.ready?.()
    },

    async dispose() {
      for (const unsubscribe of [...subscriptions]) unsubscribe()
      if (ownsFacade) await facade.close?.()
    },
  }
}
