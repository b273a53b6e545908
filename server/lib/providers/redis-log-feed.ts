/**
 * The live tail of every job an instance follows, over one pub/sub channel per instance (its
 * feed). Following a job adds the instance's feed token to the job's watch set (`watch:<id>`);
 * the append script then publishes, per script call (one group commit of an owner), one message
 * per watching instance with the batches of all the jobs it watches that the call appended:
 * `[id, events, id, events, …]`. So what Redis publishes and an instance parses grows with the
 * owners' group commits, not with jobs × batch windows (at 500 jobs: hundreds of messages a
 * second instead of ten thousand), and following a job costs a SADD and a SREM, not a SUBSCRIBE
 * and an UNSUBSCRIBE on the pub/sub connection.
 *
 * A watch entry outlives an instance that stops without saying so; the job's end deletes the
 * set, and retention deletes what a late follower added. After a reconnect every watched job is
 * registered again (a Redis restarted without its data lost the sets; the followers' catch-up
 * reads what was appended meanwhile).
 */
import { randomUUID } from 'node:crypto'
import type { JobEvent } from '../../../shared/events'
import type { ChannelHub, Source } from './redis-follow'

/** Options of `createLogFeed`. */
export interface LogFeedOptions {
  hub: ChannelHub
  prefix: string
  command: <T>(args: string[]) => Promise<T>
  onError: (error: unknown) => void
  /** This instance's feed token (tests). @default a random UUID */
  token?: string
}

/** The feed of one provider. */
export interface LogFeed {
  /** One job's live batches, as a follower's source. */
  source(id: string): Source<JobEvent[]>
  /** Jobs followed now (tests: returns to zero). */
  readonly size: number
}

/** The feed channel of a token. */
export const feedChannel = (prefix: string, token: string) => `${prefix}feed:${token}`
/** The watch set of a job: the feed tokens of the instances that follow it. */
export const watchKey = (prefix: string, id: string) => `${prefix}watch:${id}`

interface Watched {
  listeners: Set<(events: JobEvent[]) => void>
  /** Settles once the watch entry is stored (and the feed channel subscribed). */
  ready: Promise<void>
}

/** Creates the feed of a provider; it subscribes its channel with the first job followed. */
export function createLogFeed(options: LogFeedOptions): LogFeed {
  const { hub, prefix, command, onError } = options
  const token = options.token ?? randomUUID()
  const watched = new Map<string, Watched>()
  /** SREMs on their way, by job: a job followed again meanwhile is added only after its removal. */
  const leaving = new Map<string, Promise<void>>()
  let channel: { ready: Promise<void>, stop: () => void } | undefined

  function dispatch(message: string) {
    let flat: unknown[]
    try {
      flat = JSON.parse(message) as unknown[]
    }
    catch (error) {
      onError(error)
      return
    }
    for (let index = 0; index + 1 < flat.length; index += 2) {
      const job = watched.get(flat[index] as string)
      if (!job) continue
      const events = flat[index + 1] as JobEvent[]
      for (const listener of [...job.listeners]) listener(events)
    }
  }

  const add = (id: string) => command<number>(['SADD', watchKey(prefix, id), token])

  function watch(id: string): Watched {
    let job = watched.get(id)
    if (job) return job
    channel ??= hub.listen(feedChannel(prefix, token), dispatch)
    const subscribed = channel.ready
    const left = leaving.get(id)
    job = { listeners: new Set(), ready: (left ? Promise.all([subscribed, left]) : subscribed).then(() => add(id)).then(() => {}) }
    watched.set(id, job)
    return job
  }

  function unwatch(id: string, job: Watched) {
    if (watched.get(id) !== job) return
    watched.delete(id)
    const left = job.ready.catch(() => {}).then(() => command(['SREM', watchKey(prefix, id), token])).then(() => {}, onError)
    leaving.set(id, left)
    void left.then(() => {
      if (leaving.get(id) === left) leaving.delete(id)
    })
  }

  // Watch sets lost with a Redis restarted without its data are written again.
  hub.onReconnect(() => {
    for (const id of watched.keys()) add(id).catch(onError)
  })

  return {
    source: id => ({
      listen(listener) {
        const job = watch(id)
        job.listeners.add(listener)
        return {
          ready: job.ready,
          stop() {
            if (job.listeners.delete(listener) && job.listeners.size === 0) unwatch(id, job)
          },
        }
      },
      onReconnect: listener => hub.onReconnect(listener),
    }),
    get size() {
      return watched.size
    },
  }
}
