/**
 * Following something that grows in Redis (a job's event log, its controls) without polling:
 * one pub/sub channel per job per instance, shared by every local follower of that job, plus a
 * numbered stream to catch up from. A follower keeps a cursor (the last number it delivered):
 * published items past it are delivered at once; a gap (a message missed while the pub/sub
 * connection was down), a reconnect or an empty message (a nudge: the subject may be gone) makes it
 * read the stream from its cursor. Work per follower
 * runs one step at a time, so items arrive once each and in order. A catch-up read that fails (a
 * command timed out just as the connection came back) is tried again on a timer until it succeeds:
 * the item it was to find may be the last one ever published (a job's end), with no later message
 * to set off another read.
 */
import type { RedisConnection } from './redis-client'
import { createTimerSet } from '../timers'

/** A failed catch-up read is tried again after this, doubling up to `CATCH_UP_RETRY_MAX_MS`. */
export const CATCH_UP_RETRY_BASE_MS = 500
export const CATCH_UP_RETRY_MAX_MS = 10_000

/** One pub/sub channel shared by the followers on this instance. */
interface SharedChannel {
  listeners: Set<(message: string) => void>
  ready: Promise<void>
}

/** Refcounted pub/sub channels over one connection. */
export interface ChannelHub {
  /** Listens to a channel; `ready` settles once Redis confirmed the subscription. */
  listen(channel: string, listener: (message: string) => void): { ready: Promise<void>, stop: () => void }
  onReconnect(listener: () => void): () => void
  /** Channels subscribed now (tests: returns to zero). */
  readonly size: number
}

/** Creates the hub of a connection. */
export function createChannelHub(connection: RedisConnection, onError: (error: unknown) => void): ChannelHub {
  const channels = new Map<string, SharedChannel>()
  /**
   * Unsubscribes still on their way, by channel. A channel listened to again meanwhile subscribes
   * only after its unsubscribe was sent: the client drops every listener of a channel it
   * unsubscribes, so the other order would leave the new listener deaf.
   */
  const leaving = new Map<string, Promise<void>>()
  /**
   * An UNSUBSCRIBE the connection dropped before Redis confirmed it (a drop, the half-open check
   * replacing a silent connection) is rejected, but the client keeps the channel's listener and
   * subscribes it again when it reconnects: this instance would get the channel's every message,
   * for nobody, for good. So it is sent again after the reconnect, unless the channel is listened
   * to again by then.
   */
  const unsubscribe = (channel: string): Promise<void> => connection.unsubscribe(channel).catch((error: unknown) => {
    const stopWaiting = connection.onReconnect(() => {
      stopWaiting()
      if (!channels.has(channel)) unsubscribe(channel).catch(onError)
    })
    throw error
  })
  return {
    listen(channel, listener) {
      let shared = channels.get(channel)
      if (!shared) {
        const created: SharedChannel = { listeners: new Set(), ready: Promise.resolve() }
        const dispatch = (message: string) => {
          for (const each of [...created.listeners]) each(message)
        }
        // A SUBSCRIBE the connection dropped before Redis confirmed it is rejected, and the client
        // restores only confirmed subscriptions when it reconnects: this one is sent again at the
        // next reconnect while anyone still listens (followers catch up once `ready` settles).
        const subscribe = (): Promise<void> => connection.subscribe(channel, dispatch).catch((error: unknown) => {
          if (created.listeners.size === 0 || channels.get(channel) !== created) throw error
          onError(error)
          return new Promise<void>((resolve, reject) => {
            const stopWaiting = connection.onReconnect(() => {
              stopWaiting()
              // Nobody listens any more: nothing to subscribe (its `stop` unsubscribes nothing).
              if (created.listeners.size === 0 || channels.get(channel) !== created) resolve()
              else subscribe().then(resolve, reject)
            })
          })
        })
        const left = leaving.get(channel)
        created.ready = left ? left.then(subscribe) : subscribe()
        channels.set(channel, shared = created)
      }
      shared.listeners.add(listener)
      const current = shared
      return {
        ready: current.ready,
        stop() {
          if (!current.listeners.delete(listener) || current.listeners.size > 0) return
          if (channels.get(channel) === current) channels.delete(channel)
          const left = current.ready.then(() => unsubscribe(channel)).catch(onError)
          leaving.set(channel, left)
          void left.then(() => {
            if (leaving.get(channel) === left) leaving.delete(channel)
          })
        },
      }
    },
    onReconnect: listener => connection.onReconnect(listener),
    get size() {
      return channels.size
    },
  }
}

/** An item with the range of numbers it covers (a merged delta covers several seqs). */
export interface Numbered<Item> {
  first: number
  last: number
  item: Item
}

/** Options of `follow`. */
export interface FollowOptions<Item> {
  hub: ChannelHub
  channel: string
  /** Deliver items after this number (catch-up, then live). @default the head when it starts */
  after?: number
  /** The current last number (for a follower that starts "from now"). */
  head: () => Promise<number>
  /** Every stored item after a number, in order. */
  readAfter: (after: number) => Promise<Array<Numbered<Item>>>
  /** The items of a published message. */
  parse: (message: string) => Array<Numbered<Item>>
  deliver: (items: Item[]) => void
  onError: (error: unknown) => void
  /**
   * Whether the subject still exists, asked when a catch-up read found nothing; when it does not,
   * the follower stops and calls `onGone`.
   */
  exists?: () => Promise<boolean>
  onGone?: () => void
  /**
   * What to do when a catch-up finds the stream ending before the cursor: the store restarted from
   * an older snapshot (or failed over to a replica behind it), and the numbers after its end will
   * be used again for other items. 'gone': stop and call `onGone` (what was delivered is no longer
   * what the store holds); 'follow': go on from the stream's new end. @default 'follow'
   */
  onRewound?: 'gone' | 'follow'
}

/** A running follower. */
export interface Follower {
  stop: () => void
  /** Settles once the follower has nothing queued (tests: deliveries have arrived). */
  idle: () => Promise<void>
}

/** Starts following. */
export function follow<Item>(options: FollowOptions<Item>): Follower {
  let cursor: number | undefined
  let stopped = false
  // Everything a follower does runs in this chain: catch-up reads and live messages never interleave.
  let chain = Promise.resolve()
  const run = (step: () => Promise<void> | void) => {
    chain = chain.then(() => (stopped ? undefined : step())).catch(options.onError)
  }

  function hand(items: Array<Numbered<Item>>) {
    const fresh = items.filter(entry => entry.last > cursor!)
    if (fresh.length === 0 || stopped) return
    cursor = fresh.at(-1)!.last
    options.deliver(fresh.map(entry => entry.item))
  }

  const timers = createTimerSet()
  let failures = 0
  let retryPending = false

  /** Runs `step` again later (doubling delays), once at a time, after it failed with `error`. */
  function retryLater(step: () => Promise<void>, error: unknown) {
    options.onError(error)
    if (stopped || retryPending) return
    retryPending = true
    const delay = Math.min(CATCH_UP_RETRY_MAX_MS, CATCH_UP_RETRY_BASE_MS * 2 ** failures++)
    timers.timeout(() => {
      retryPending = false
      run(step)
    }, delay)
  }

  async function catchUp() {
    let items: Array<Numbered<Item>>
    let exists = true
    let end: number | undefined
    try {
      items = await options.readAfter(cursor!)
      if (items.length === 0 && options.exists) exists = await options.exists()
      // Nothing after the cursor: is there anything up to it still?
      if (items.length === 0 && exists) end = await options.head()
    }
    catch (error) {
      return retryLater(catchUp, error)
    }
    failures = 0
    if (!exists) return gone()
    if (end !== undefined && end < cursor!) {
      if (options.onRewound === 'gone') return gone()
      cursor = end
      return
    }
    hand(items)
  }

  /** Starts from `after` (catching up) or from the head, once the subscription is confirmed. */
  async function begin() {
    await listening.ready
    if (options.after !== undefined) {
      cursor = options.after
      return catchUp()
    }
    try {
      cursor = await options.head()
    }
    catch (error) {
      return retryLater(begin, error)
    }
  }

  function gone() {
    if (stopped) return
    stop()
    options.onGone?.()
  }

  function stop() {
    if (stopped) return
    stopped = true
    timers.clearAll()
    stopReconnect()
    listening.stop()
  }

  const listening = options.hub.listen(options.channel, (message) => {
    let items: Array<Numbered<Item>>
    try {
      items = options.parse(message)
    }
    catch (error) {
      options.onError(error)
      return
    }
    // An empty message is a nudge (the store found the subject gone): look, as after a gap.
    if (items.length === 0) {
      run(catchUp)
      return
    }
    run(() => {
      // Not started yet (the head could not be read): the start's catch-up will have these.
      if (cursor === undefined) return
      const next = items.find(entry => entry.last > cursor!)
      // A message that does not continue from the cursor means one was missed: read the stream.
      if (next && next.first > cursor! + 1) return catchUp()
      hand(items)
    })
  })
  const stopReconnect = options.hub.onReconnect(() => run(() => (cursor === undefined ? undefined : catchUp())))
  // Nothing published before the subscription is confirmed can be missed: the catch-up reads after it.
  run(begin)
  return {
    stop,
    idle: () => idleChain(() => chain),
  }
}

/** Waits until a promise chain that may grow while it runs is still. */
export async function idleChain(current: () => Promise<unknown>): Promise<void> {
  let tail: Promise<unknown>
  do {
    tail = current()
    await tail
  } while (tail !== current())
}
