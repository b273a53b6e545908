/**
 * Viewers on this instance of jobs that run on another one: one provider subscription per job
 * feeds every local viewer of it (never a subscription or a poll per viewer), dropped with the
 * job's last viewer. A feed knows the last seq the store delivered, so a viewer resuming from a
 * position the owner streamed but has not stored yet can wait a moment for it instead of
 * getting a whole snapshot.
 */
import type { JobEvent } from '../../shared/events'
import type { JobProvider, JobRecord } from './providers/types'
import type { TimerSet } from './timers'
import type { Viewer } from './viewer'
import { closeViewer, deliver, eventFrame } from './viewer'
import { stopQuietly } from './stop-quietly'

/** A subscription shared by the local viewers of a job that runs elsewhere. */
interface RemoteFeed {
  viewers: Set<Viewer>
  unsubscribe: () => void
  /** The last seq the subscription delivered (or the job's seq when it started). */
  seq: number
  /** True once a `job-end` came through. */
  ended: boolean
  /** Called after each delivery. */
  waiters: Set<() => void>
}

/** Creates the feeds of an engine. */
export function createRemoteFeeds(options: { provider: JobProvider, timers: TimerSet }) {
  const feeds = new Map<string, RemoteFeed>()

  function drop(jobId: string) {
    const feed = feeds.get(jobId)
    if (!feed) return
    feeds.delete(jobId)
    // One that throws (the provider's client already closed) lets go all the same: its waiters are
    // woken, and whoever dropped it (a viewer leaving, the engine's shutdown) goes on.
    stopQuietly(feed.unsubscribe)
    for (const waiter of feed.waiters) waiter()
  }

  function open(record: JobRecord): RemoteFeed {
    const feed: RemoteFeed = { viewers: new Set(), unsubscribe: () => {}, seq: record.lastSeq, ended: false, waiters: new Set() }
    feeds.set(record.id, feed)
    // From the seq the caller authorized at: nothing can fall between this and its catch-up read.
    let unsubscribe: () => void
    try {
      unsubscribe = subscribe(record, feed)
    }
    catch (error) {
      // Nothing behind it: a feed left registered would be joined by every later viewer of the
      // job here, which would get its catch-up and then nothing, for as long as the job runs.
      if (feeds.get(record.id) === feed) feeds.delete(record.id)
      throw error
    }
    // Dropped while subscribing (a provider that answered at once that the job is gone): let go.
    if (feeds.get(record.id) === feed) feed.unsubscribe = unsubscribe
    else unsubscribe()
    return feed
  }

  function subscribe(record: JobRecord, feed: RemoteFeed): () => void {
    return options.provider.subscribe!(record.id, (events: JobEvent[]) => {
      for (const event of events) {
        feed.seq = Math.max(feed.seq, event.seq)
        if (event.type === 'job-end') feed.ended = true
        // One frame for every local viewer: the sink serialises it once.
        const frame = eventFrame(event)
        for (const viewer of feed.viewers) {
          deliver(viewer, event, frame)
          if (viewer.closed) feed.viewers.delete(viewer)
        }
      }
      for (const waiter of [...feed.waiters]) waiter()
      if (feed.viewers.size === 0) drop(record.id)
    }, {
      afterSeq: record.lastSeq,
      // The job left the store (a store restarted without its data): close its viewers, whose
      // reconnect then gets the 404 — never a stream that waits for ever.
      onGone: () => {
        if (feeds.get(record.id) !== feed) return
        for (const viewer of feed.viewers) closeViewer(viewer)
        drop(record.id)
      },
    })
  }

  return {
    /** Adds a viewer to the job's feed (opening it); returns how to take it out again. */
    join(record: JobRecord, viewer: Viewer): () => void {
      const feed = feeds.get(record.id) ?? open(record)
      feed.viewers.add(viewer)
      return () => {
        const current = feeds.get(record.id)
        current?.viewers.delete(viewer)
        if (current && current.viewers.size === 0) drop(record.id)
      }
    },
    /** Resolves once the job's feed delivered `seq` (or the end), or after `timeoutMs`. */
    reached(jobId: string, seq: number, timeoutMs: number): Promise<void> {
      const feed = feeds.get(jobId)
      if (!feed || feed.seq >= seq || feed.ended) return Promise.resolve()
      return new Promise((resolve) => {
        const done = () => {
          if (feeds.get(jobId) === feed && feed.seq < seq && !feed.ended) return
          feed.waiters.delete(check)
          cancel()
          resolve()
        }
        const check = () => done()
        const cancel = options.timers.timeout(() => {
          feed.waiters.delete(check)
          resolve()
        }, timeoutMs)
        feed.waiters.add(check)
      })
    },
    /** Local viewers of remote jobs. */
    viewers: () => [...feeds.values()].reduce((sum, feed) => sum + feed.viewers.size, 0),
    /** Jobs followed. */
    get size() {
      return feeds.size
    },
    closeAll() {
      for (const [jobId, feed] of [...feeds]) {
        for (const viewer of feed.viewers) closeViewer(viewer)
        drop(jobId)
      }
    },
  }
}
