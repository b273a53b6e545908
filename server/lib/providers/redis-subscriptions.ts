/**
 * The following side of the `redis` provider: a job's events and controls (numbered streams,
 * redis-follow.ts), the owner's replies to controls, a user's changed jobs and renamed threads — all by pub/sub, one
 * channel per subject per instance — and `settled`, which lets tests wait until everything
 * published so far was handed on, without sleeping.
 */
import { randomUUID } from 'node:crypto'
import type { JobEvent } from '../../../shared/events'
import type { RedisConnection } from './redis-client'
import type { ChannelHub, Follower } from './redis-follow'
import { CATCH_UP_RETRY_BASE_MS, CATCH_UP_RETRY_MAX_MS, follow, idleChain } from './redis-follow'
import type { StreamEntries } from './redis-records'
import { decodeControl, numberEvents, redisKeys } from './redis-records'
import type { SubscriptionFailureReport } from './subscription-metrics'
import type { ControlReply, JobListFilter, JobProvider, JobRecord, ThreadRenamed } from './types'
import { createWorkSlots } from '../work-slots'
import { createTimerSet } from '../timers'
import { USER_CHANGES_KEPT } from './redis-user-changes'
import type { GoneKind } from './redis-gone-jobs'
import { goneKindOf, goneSince } from './redis-gone-jobs'
import { isRenamedMessage, parseRenamedMessage, renamedSince } from './redis-renames'

/**
 * After a pub/sub reconnect a user subscription reads the user's newest jobs (this many at most)
 * and those in the user's recorded changes, and hands on those changed since its last message,
 * less this margin for instances' clocks.
 */
const USER_CATCH_UP_JOBS = 100
const USER_CATCH_UP_MARGIN_MS = 5_000
/**
 * How long a deletion stays in its user's `deleted:<userId>` set (DELETE_JOB_SCRIPT), for a
 * catch-up after a reconnect: a pub/sub outage longer than this misses the deletions older than it.
 */
export const DELETION_RECORD_MS = 3_600_000
/**
 * One reconnect starts the catch-up of every user followed here (thousands of notification
 * streams): this many run at a time, so the records read at once (each up to a request's size)
 * and the commands queued stay bounded; the others wait their turn.
 */
const USER_CATCH_UPS_AT_ONCE = 4

/** What a record handed on by a feed's start says (a later message that reads the same is dropped). */
const changeOf = (record: JobRecord) => `${record.status}\u0000${record.updatedAt}\u0000${record.lastSeq}`
const GONE = '\u0000gone:'

/** `settled` republishes its marker this often, this many times at most. */
const SETTLE_RETRY_MS = 50
const SETTLE_ATTEMPTS = 200

/** What the subscriptions need from the provider. */
export interface RedisSubscriptionOptions {
  prefix: string
  connect: () => Promise<{ connection: RedisConnection, hub: ChannelHub }>
  command: <T>(args: string[]) => Promise<T>
  /** Every stored event of a job after a seq. */
  readEntries: (id: string, afterSeq: number) => Promise<JobEvent[]>
  /** A job's record as a user feed hands it on (its request need not be read: a listing's read). */
  get: (id: string) => Promise<JobRecord | null>
  /** A user's jobs, newest first (a user subscription's catch-up after a reconnect). */
  list: (filter: JobListFilter) => Promise<JobRecord[]>
  now: () => number
  /** A failure on the way to a follower; `context.jobId` for a job's events, controls or reply. */
  onError: SubscriptionFailureReport
}

/** The subscription calls of the contract, plus what tests and `dispose` need. */
export type RedisSubscriptions = Required<Pick<JobProvider, 'subscribe' | 'subscribeControls' | 'subscribeControlReply' | 'subscribeUserJobs'>> & {
  followers(): number
  settled(): Promise<void>
  stopAll(): void
}

/** Creates the subscriptions of one provider. */
export function createRedisSubscriptions(options: RedisSubscriptionOptions): RedisSubscriptions {
  const { prefix, connect, command, onError } = options
  const keys = redisKeys(prefix)
  const followers = new Map<() => void, { follower?: Follower, starting: Promise<void> }>()
  const catchUps = createWorkSlots(USER_CATCH_UPS_AT_ONCE)

  /** Starts a follower and remembers it, so `stopAll` stops it (and `settled` waits for it). */
  function track(start: (hub: ChannelHub) => Follower): () => void {
    let stopped = false
    const entry: { follower?: Follower, starting: Promise<void> } = { starting: Promise.resolve() }
    const unsubscribe = () => {
      stopped = true
      followers.delete(unsubscribe)
      entry.follower?.stop()
    }
    followers.set(unsubscribe, entry)
    entry.starting = connect().then(({ hub }) => {
      if (!stopped) entry.follower = start(hub)
    }, onError)
    return unsubscribe
  }

  /** A follower over one channel with its own ordered chain of work (`enqueue` adds to it). */
  function chained(hub: ChannelHub, channel: string, handle: (message: string) => Promise<void> | void, first?: () => Promise<void>): Follower & { enqueue: (work: () => Promise<void>) => void } {
    let chain = Promise.resolve()
    const enqueue = (work: () => Promise<void> | void) => {
      chain = chain.then(work).catch(onError)
    }
    const listening = hub.listen(channel, message => enqueue(() => handle(message)))
    if (first) chain = chain.then(() => listening.ready).then(first).catch(onError)
    return { stop: listening.stop, idle: () => idleChain(() => chain), enqueue }
  }

  let settleChannel: Promise<{ token: () => Promise<void> }> | undefined
  /** A channel this instance publishes markers to: a marker received means everything before it was. */
  const settleMarkers = () => settleChannel ??= connect().then(async ({ hub }) => {
    const waiting = new Map<string, () => void>()
    const listening = hub.listen(`${prefix}settle`, message => waiting.get(message)?.())
    await listening.ready
    return {
      async token() {
        const token = randomUUID()
        let received = false
        const arrived = new Promise<void>(resolve => waiting.set(token, () => {
          received = true
          resolve()
        }))
        // A marker published while the pub/sub connection is reconnecting is lost: send it again.
        for (let attempt = 0; !received && attempt < SETTLE_ATTEMPTS; attempt++) {
          await command(['PUBLISH', `${prefix}settle`, token])
          let retry: NodeJS.Timeout | undefined
          await Promise.race([arrived, new Promise(resolve => retry = setTimeout(resolve, SETTLE_RETRY_MS))])
          clearTimeout(retry)
        }
        waiting.delete(token)
        if (!received) throw new Error('settled(): the pub/sub connection did not come back')
      },
    }
  })

  return {
    subscribe(id, listener, subscribeOptions = {}) {
      return track(hub => follow({
        hub,
        channel: keys.log(id),
        after: subscribeOptions.afterSeq,
        head: async () => Number(await command<string | null>(['HGET', keys.job(id), 'lastSeq']) ?? 0),
        readAfter: async after => numberEvents(await options.readEntries(id, after)),
        parse: message => numberEvents(JSON.parse(message) as JobEvent[]),
        deliver: listener,
        onError: error => onError(error, { jobId: id }),
        exists: async () => (await command<number>(['EXISTS', keys.job(id)])) === 1,
        onGone: subscribeOptions.onGone,
        // A log rewound under the follower (Redis back from an older snapshot): its listener's
        // events are no longer the stored ones, and new ones will reuse their seqs.
        onRewound: 'gone',
      }))
    },

    subscribeControls(id, listener, subscribeOptions = {}) {
      return track(hub => follow({
        hub,
        channel: keys.controls(id),
        after: subscribeOptions.fromStart ? 0 : undefined,
        head: async () => Number(await command<string | null>(['HGET', keys.job(id), 'controls']) ?? 0),
        readAfter: async (after) => {
          const entries = await command<StreamEntries>(['XRANGE', keys.controls(id), `${after + 1}-0`, '+'])
          return entries.map(([, fields]) => decodeControl(fields[1]!))
        },
        parse: message => [decodeControl(message)],
        deliver: controls => controls.forEach(control => listener(control)),
        onError: error => onError(error, { jobId: id }),
      }))
    },

    subscribeControlReply(id, controlId, listener) {
      let delivered = false
      let stopped = false
      const hand = (json: string | null) => {
        if (json === null || delivered || stopped) return
        delivered = true
        listener(JSON.parse(json) as ControlReply)
      }
      // A read that fails (a command timed out or was refused) is made again on a timer, as a
      // follower's catch-up is (redis-follow.ts): the reply may already be stored, and no later
      // message would ever bring it.
      const retryTimers = createTimerSet()
      let failures = 0
      let retryPending = false
      let enqueue: (work: () => Promise<void>) => void = () => {}
      const readStored = async () => {
        if (delivered || stopped) return
        let json: string | null
        try {
          json = await command<string | null>(['HGET', keys.replies(id), controlId])
        }
        catch (error) {
          onError(error, { jobId: id })
          if (stopped || retryPending) return
          retryPending = true
          retryTimers.timeout(() => {
            retryPending = false
            enqueue(readStored)
          }, Math.min(CATCH_UP_RETRY_MAX_MS, CATCH_UP_RETRY_BASE_MS * 2 ** failures++))
          return
        }
        failures = 0
        hand(json)
      }
      let stopReconnect = () => {}
      const stop = track((hub) => {
        const follower = chained(hub, keys.replyChannel(id), (message) => {
          const space = message.indexOf(' ')
          if (message.slice(0, space) === controlId) hand(message.slice(space + 1))
        }, readStored)
        enqueue = follower.enqueue
        // A reply published while the pub/sub connection was down is lost on the way: it is
        // stored too, so it is read once the connection is back (the sender would wait it out).
        stopReconnect = hub.onReconnect(() => follower.enqueue(readStored))
        // Stopped by `stopAll` too (dispose): no retry may outlive it.
        return { ...follower, stop: () => {
          stopped = true
          retryTimers.clearAll()
          follower.stop()
        } }
      })
      return () => {
        stopped = true
        retryTimers.clearAll()
        stopReconnect()
        stop()
      }
    },

    subscribeUserJobs(userId, listener, subscribeOptions = {}) {
      let stopped = false
      // Messages published while the pub/sub connection was down are lost: after a reconnect, the
      // user's jobs changed since the last message are read (the engine drops what it already sent).
      let heardAt = options.now()
      // What happened from here (or `since`) until Redis confirms the SUBSCRIBE went to nobody: it
      // is read from the user's recorded changes then (redis-user-changes.ts), not again when heard.
      const openedAt = Math.min(heardAt, subscribeOptions.since ?? heardAt)
      const startRead = new Map<string, string>()
      // Where a catch-up that failed (or a message whose record was not read) asks the next one to
      // read from (none: +Infinity), and its retry.
      let missedSince = Number.POSITIVE_INFINITY
      let retryPending = false
      let failures = 0
      const retryTimers = createTimerSet()
      let stopReconnect = () => {}
      const { onDeleted, onLost } = subscribeOptions
      const readsGone = Boolean(onDeleted || onLost)
      const handOnGone = (id: string, kind: GoneKind) => (kind === 'deleted' ? onDeleted : onLost)?.(id)
      const { onRenamed } = subscribeOptions
      const handOnRenamed = (message: string) => {
        const rename = onRenamed && parseRenamedMessage(message)
        if (rename) onRenamed!(rename)
      }
      // The renames a feed missed (its start, a catch-up): before the deletions read with them.
      const renamesSince = (since: number) => onRenamed ? renamedSince(command, prefix, userId, since) : Promise.resolve([])
      // One job at a time, in publish order: reading each record must not reorder them.
      const stop = track((hub) => {
        const follower = chained(hub, keys.user(userId), async (id) => {
          const at = heardAt = options.now()
          if (stopped) return
          // A rename (redis-renames.ts), in order with the job ids around it.
          if (isRenamedMessage(id)) return void handOnRenamed(id)
          let record: JobRecord | null
          let gone: GoneKind | null = null
          try {
            record = await options.get(id)
            // No record: deleted, or found lost by its owner (redis-gone-jobs.ts recorded which), or an id this
            // database never held — an app with the same prefix in another database (channels are not per database).
            if (!record) gone = await goneKindOf(command, keys, userId, id)
          }
          catch (error) {
            // Not read (Redis slow, the connection dropping): the user's jobs changed since this
            // message are read later, as after a reconnect — the message will not come again.
            missedSince = Math.min(missedSince, at - USER_CATCH_UP_MARGIN_MS)
            return retryLater(error)
          }
          if (stopped) return
          const read = startRead.get(id)
          if (read !== undefined) {
            // The start's read handed this record (or deletion) on already.
            if (read === (record ? changeOf(record) : gone ? GONE + gone : '')) return
            startRead.delete(id)
          }
          if (record) listener([record])
          else if (gone) handOnGone(id, gone)
        }, async () => {
          if (stopped) return
          let records: JobRecord[]
          let deleted: Array<{ id: string, kind: GoneKind }>
          let renamed: ThreadRenamed[]
          try {
            const [ids, gone, renames] = await Promise.all([
              command<string[]>(['ZRANGE', keys.changedOfUser(userId), '+inf', String(openedAt), 'BYSCORE', 'REV', 'LIMIT', '0', String(USER_CHANGES_KEPT)]),
              readsGone ? goneSince(command, keys, userId, openedAt) : [],
              renamesSince(openedAt),
            ])
            renamed = renames
            records = (await Promise.all(ids.map(id => options.get(id)))).filter(record => record !== null)
            deleted = gone
          }
          catch (error) {
            // As a message not read: the retry's catch-up reads the user's jobs changed since.
            missedSince = Math.min(missedSince, openedAt)
            return retryLater(error)
          }
          if (stopped) return
          records.sort((a, b) => a.updatedAt - b.updatedAt)
          for (const record of records) startRead.set(record.id, changeOf(record))
          for (const { id, kind } of deleted) startRead.set(id, GONE + kind)
          if (records.length > 0) listener(records)
          renamed.forEach(rename => onRenamed!(rename))
          for (const { id, kind } of deleted) {
            if (stopped) return
            handOnGone(id, kind)
          }
        })
        /**
         * Reads the jobs changed (and deleted) since the last message heard. A read that fails (a
         * command timing out just as the connection came back) is tried again on a timer for the
         * same window until it succeeds, as a job follower's is (redis-follow.ts): the lost
         * notifications would come back no other way.
         */
        const catchUp = async () => {
          if (stopped) return
          const since = Math.min(missedSince, heardAt - USER_CATCH_UP_MARGIN_MS)
          missedSince = since
          heardAt = options.now()
          let changed: JobRecord[]
          let deleted: Array<{ id: string, kind: GoneKind }>
          let renamed: ThreadRenamed[]
          try {
            // The newest jobs, and the user's recorded changes (redis-user-changes.ts): a job created
            // before the newest 100 that changed meanwhile is only there.
            const [listed, recorded] = await Promise.all([
              options.list({ userId, limit: USER_CATCH_UP_JOBS }),
              command<string[]>(['ZRANGE', keys.changedOfUser(userId), '+inf', String(since), 'BYSCORE', 'REV', 'LIMIT', '0', String(USER_CHANGES_KEPT)]),
            ])
            const listedIds = new Set(listed.map(record => record.id))
            const older = await Promise.all(recorded.filter(id => !listedIds.has(id)).map(id => options.get(id)))
            changed = [...listed, ...older.filter(record => record !== null)].filter(record => record.updatedAt >= since)
            // Jobs deleted (or found lost) meanwhile: their ids on the channel were missed, their records are gone.
            deleted = readsGone ? await goneSince(command, keys, userId, since) : []
            renamed = await renamesSince(since)
          }
          catch (error) {
            return retryLater(error)
          }
          missedSince = Number.POSITIVE_INFINITY
          failures = 0
          changed.sort((a, b) => a.updatedAt - b.updatedAt)
          if (changed.length > 0 && !stopped) listener(changed)
          if (!stopped) renamed.forEach(rename => onRenamed!(rename))
          for (const { id, kind } of deleted) {
            if (stopped) return
            handOnGone(id, kind)
          }
        }
        const enqueueCatchUp = () => follower.enqueue(() => catchUps.run(catchUp))
        /** Reports a failed read and runs a catch-up later (doubling delays), once at a time. */
        const retryLater = (error: unknown) => {
          onError(error)
          if (stopped || retryPending) return
          retryPending = true
          retryTimers.timeout(() => {
            retryPending = false
            enqueueCatchUp()
          }, Math.min(CATCH_UP_RETRY_MAX_MS, CATCH_UP_RETRY_BASE_MS * 2 ** failures++))
        }
        stopReconnect = hub.onReconnect(enqueueCatchUp)
        // Stopped by `stopAll` too (dispose): no retry may outlive it.
        return { ...follower, stop: () => {
          stopped = true
          retryTimers.clearAll()
          follower.stop()
        } }
      })
      return () => {
        stopped = true
        retryTimers.clearAll()
        stopReconnect()
        stop()
      }
    },

    followers: () => followers.size,

    async settled() {
      const markers = await settleMarkers()
      await Promise.all([...followers.values()].map(entry => entry.starting))
      await markers.token()
      // Let the connection's own events of this turn run first (a reconnect queues a catch-up).
      await new Promise(resolve => setImmediate(resolve))
      await Promise.all([...followers.values()].map(entry => entry.follower?.idle()))
    },

    stopAll() {
      for (const stop of [...followers.keys()]) stop()
      settleChannel = undefined
    },
  }
}
