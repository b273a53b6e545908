/**
 * The following side of the `redis` provider: a job's events and controls (numbered streams,
 * redis-follow.ts), the owner's replies to controls, a user's changed jobs and renamed threads (the
 * user feed, redis-user-feed.ts) — all by pub/sub, one channel per subject per instance — and
 * `settled`, which lets tests wait until everything published so far was handed on, without
 * sleeping.
 */
import { randomUUID } from 'node:crypto'
import type { JobEvent } from '../../../shared/events'
import type { RedisConnection } from './redis-client'
import type { ChannelHub, Follower } from './redis-follow'
import { follow, idleChain } from './redis-follow'
import type { StreamEntries } from './redis-records'
import { decodeControl, numberEvents, redisKeys } from './redis-records'
import type { SubscriptionFailureReport } from './subscription-metrics'
import type { ControlReply, JobListFilter, JobProvider, JobRecord } from './types'
import { createWorkSlots } from '../work-slots'
import { subscribeUserFeed } from './redis-user-feed'
import { createRetryingFollower } from './redis-retrying-follower'

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
      // A read that fails (a command timed out or was refused) is made again on a timer, as a
      // follower's catch-up is (redis-follow.ts): the reply may already be stored, and no later
      // message would ever bring it.
      const retrying = createRetryingFollower(error => onError(error, { jobId: id }))
      const hand = (json: string | null) => {
        if (json === null || delivered || retrying.stopped) return
        delivered = true
        listener(JSON.parse(json) as ControlReply)
      }
      let enqueue: (work: () => Promise<void>) => void = () => {}
      const readStored = async () => {
        if (delivered || retrying.stopped) return
        let json: string | null
        try {
          json = await command<string | null>(['HGET', keys.replies(id), controlId])
        }
        catch (error) {
          return retrying.retryLater(error, () => enqueue(readStored))
        }
        retrying.succeeded()
        hand(json)
      }
      const stop = track((hub) => {
        const follower = chained(hub, keys.replyChannel(id), (message) => {
          const space = message.indexOf(' ')
          if (message.slice(0, space) === controlId) hand(message.slice(space + 1))
        }, readStored)
        enqueue = follower.enqueue
        // A reply published while the pub/sub connection was down is lost on the way: it is
        // stored too, so it is read once the connection is back (the sender would wait it out).
        retrying.onReconnectStop(hub.onReconnect(() => follower.enqueue(readStored)))
        return retrying.stoppable(follower)
      })
      return retrying.unsubscribe(stop)
    },

    subscribeUserJobs(userId, listener, subscribeOptions) {
      return subscribeUserFeed({ options, keys, catchUps, track, chained }, userId, listener, subscribeOptions)
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
