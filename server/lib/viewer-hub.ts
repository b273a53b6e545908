/**
 * Attaches viewers to jobs. A job running here: its live log catches the viewer up synchronously
 * (no gap is possible). A job running on another instance: one provider subscription per job
 * feeds every local viewer, started before the catch-up read so nothing falls between. A
 * finished job: catch-up frames, then the stream closes. One heartbeat timer serves all viewers.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { StreamPosition } from '../../shared/event-id'
import type { JobEvent } from '../../shared/events'
import { isTerminalStatus } from '../../shared/events'
import { createJobState, reduceEvents } from '../../shared/reducer'
import { leaseEpochOf, underLease } from './under-lease'
import type { HeldLog } from './catch-up'
import { catchUpFrames } from './catch-up'
import type { BackgroundJobsConfig } from './config'
import { JobNotFoundError } from './errors'
import type { Logger } from './logger'
import { silentLogger } from './logger'
import type { JobRun } from './job-run'
import { useMetrics } from './metrics'
import type { NotificationHub } from './notifications'
import type { JobProvider, JobRecord } from './providers/types'
import { writeIntervalMs } from './persist-queue'
import { createRemoteFeeds } from './remote-feeds'
import type { TimerSet } from './timers'
import type { Viewer, ViewerSink } from './viewer'
import { closeViewer, createViewer, markReady, sendCatchUp, writeCatchUp } from './viewer'

/** Something that can receive a heartbeat comment. */
interface Beating { comment(text: string): void }

/** Extra time a resuming viewer waits for the store beyond two write intervals. */
const STORE_CATCH_UP_MARGIN_MS = 500

/** What `attach` returns: how to detach, and whether anything will follow. */
export interface Attachment {
  detach: () => void
  /** False when the stream is complete already (finished job): the route ends the response. */
  open: boolean
  /** True when the viewer already had everything of a finished job (the route answers 204). */
  upToDate: boolean
}

/** Options of the hub. */
export interface ViewerHubOptions {
  provider: JobProvider
  runs: Map<string, JobRun>
  timers: TimerSet
  getConfig: () => BackgroundJobsConfig
  notifications: NotificationHub
  /** @default silentLogger */
  logger?: Logger
}

/** Creates the hub. */
export function createViewerHub(options: ViewerHubOptions) {
  const { provider, runs, timers } = options
  const logger = options.logger ?? silentLogger
  const feeds = createRemoteFeeds({ provider, timers })
  /** Every stream that gets the ping, with the job it shows (none for a notification stream). */
  const heartbeat = new Map<Beating, string | undefined>()
  /** Streams whose ping threw once: logged that once, not at every beat for as long as they stay. */
  const failedBeats = new WeakSet<Beating>()
  let cancelHeartbeat: (() => void) | null = null
  // The engine's own context: the heartbeat, armed by the first stream, is no request's (request-scope.ts).
  const inEngineContext = AsyncLocalStorage.snapshot()

  function updateHeartbeat() {
    if (heartbeat.size > 0 && !cancelHeartbeat) {
      cancelHeartbeat = inEngineContext(() => timers.interval(() => {
        for (const [target, jobId] of heartbeat) {
          // One sink that throws must not leave the others without their ping (nor a stalled
          // client after it uncut), at every beat for as long as it stays.
          try {
            target.comment('ping')
          }
          catch (error) {
            if (failedBeats.has(target)) continue
            failedBeats.add(target)
            logger.error('heartbeat failed (not logged again for this stream)', { ...(jobId === undefined ? {} : { jobId }), error })
          }
        }
      }, options.getConfig().stream.heartbeatMs))
    }
    else if (heartbeat.size === 0 && cancelHeartbeat) {
      cancelHeartbeat()
      cancelHeartbeat = null
    }
  }

  const heartbeatSet = {
    add(target: Beating, jobId?: string) {
      heartbeat.set(target, jobId)
      updateHeartbeat()
    },
    delete(target: Beating) {
      heartbeat.delete(target)
      updateHeartbeat()
    },
  }

  /** The log of a run here: its events follow the state it started from (fresh, or taken over). */
  function liveLog(run: JobRun): HeldLog {
    return { events: run.live.events, complete: true, state: run.live.state, baseState: run.live.baseState }
  }

  /**
   * The stored log of a job. Throws `JobNotFoundError` when the job is gone since its record was
   * read (retention deleted it meanwhile): a viewer gets the 404 it would get a moment later,
   * never the snapshot of an empty, `queued` job.
   */
  async function storedLog(record: JobRecord): Promise<HeldLog> {
    const base = createJobState({ id: record.id, type: record.type, createdAt: record.createdAt })
    const range = await provider.readEvents(record.id, 0)
    if (range === null) throw new JobNotFoundError(record.id)
    if (range?.complete) return { events: range.events, complete: true, state: underLease(record, reduceEvents(base, range.events)), baseState: base }
    // A log read cut short may be a job deleted between its pages (Convex): its state is gone too.
    const state = await provider.getState(record.id)
    if (state === null) throw new JobNotFoundError(record.id)
    return { events: range?.events ?? [], complete: false, state: underLease(record, state), baseState: base }
  }

  /**
   * Keeps a viewer in the heartbeat and in its job's viewer set until it goes: closed by the
   * engine (its close notification) or detached by the route (the client went away).
   */
  function track(viewer: Viewer, jobId: string, remove: () => void): Attachment {
    let tracked = true
    const untrack = () => {
      if (!tracked) return
      tracked = false
      remove()
      heartbeatSet.delete(viewer.sink)
    }
    if (viewer.closed) untrack()
    else {
      viewer.onClose = untrack
      heartbeatSet.add(viewer.sink, jobId)
    }
    const detach = () => {
      viewer.onClose = null
      viewer.closed = true
      untrack()
    }
    return { detach, open: true, upToDate: false }
  }

  /** A viewer of the job; a send of its sink that throws (against ViewerSink's contract) is logged once, as it is closed. */
  function createJobViewer(sink: ViewerSink, jobId: string): Viewer {
    const viewer = createViewer(sink)
    viewer.onSendFailed = error => logger.error('a viewer\'s stream threw on send; it was closed', { jobId, error })
    return viewer
  }

  function attachLive(run: JobRun, sink: ViewerSink, after: StreamPosition | null): Attachment {
    // Flush first: the catch-up then holds the pending text and the progress due (an update inside
    // its call's 250 ms follows live), and the batch is never sent twice.
    run.live.flushForRead()
    const viewer = createJobViewer(sink, run.record.id)
    if (sendCatchUp(viewer, catchUpFrames(liveLog(run), after, leaseEpochOf(run.record)))) {
      markReady(viewer, run.live.state.seq)
      run.live.viewers.add(viewer)
    }
    // What the client missed after the last frame it got (the live log holds it all), not the
    // whole state again: a snapshot of a long answer to a slow client would stall it once more.
    sink.onResyncNeeded = (written) => {
      if (viewer.closed) return
      useMetrics().increment('viewer_resyncs_total')
      // The pending text goes into the catch-up, not out to this viewer ahead of it.
      viewer.ready = false
      run.live.flushForRead()
      if (sendCatchUp(viewer, catchUpFrames(liveLog(run), written ?? null, leaseEpochOf(run.record)))) markReady(viewer, run.live.state.seq)
    }
    return track(viewer, run.record.id, () => run.live.removeViewer(viewer))
  }

  async function attachRemote(record: JobRecord, sink: ViewerSink, after: StreamPosition | null): Promise<Attachment> {
    const viewer = createJobViewer(sink, record.id)
    const remove = feeds.join(record, viewer)
    let log: HeldLog
    try {
      log = await storedLog(record)
      // A position the owner streamed but has not stored yet (writes are batched): wait a moment
      // for the store rather than sending a whole snapshot. Another epoch's position gets one.
      if (after && after.seq > log.state.seq && after.epoch === leaseEpochOf(record) && !isTerminalStatus(log.state.status)) {
        await feeds.reached(record.id, after.seq, 2 * writeIntervalMs(options.getConfig().persist.intervalMs, provider) + STORE_CATCH_UP_MARGIN_MS)
        log = await storedLog(record)
      }
    }
    catch (error) {
      // The catch-up read failed: release the viewer (and the job's subscription if it was the last).
      viewer.closed = true
      remove()
      throw error
    }
    // A catch-up whose send threw closed the viewer; `track` then lets it go (and the feed).
    if (sendCatchUp(viewer, catchUpFrames(log, after, leaseEpochOf(record)))) {
      markReady(viewer, log.state.seq)
      if (isTerminalStatus(log.state.status)) closeViewer(viewer)
    }
    sink.onResyncNeeded = (written) => {
      if (viewer.closed) return
      useMetrics().increment('viewer_resyncs_total')
      // Live events wait behind the catch-up while the store is read (written ahead of it, they
      // would come twice and out of order). The store holds every event the feed delivered (a
      // remote feed only hears of stored ones), so the catch-up covers what was dropped.
      viewer.ready = false
      void storedLog(record).then((fresh) => {
        if (viewer.closed) return
        if (!sendCatchUp(viewer, catchUpFrames(fresh, written ?? null, leaseEpochOf(record)))) return
        markReady(viewer, Math.max(viewer.cursor, fresh.state.seq))
        // The job ended while the store was read: its `job-end` was in the catch-up.
        if (isTerminalStatus(fresh.state.status)) closeViewer(viewer)
      }, () => closeViewer(viewer))
    }
    return track(viewer, record.id, remove)
  }

  /**
   * The whole log of a job that is neither live here nor followed from elsewhere (it has ended):
   * from memory when it ended here (maybe not written yet: the live log is complete), else from
   * the store. Null when an attach follows the job live.
   */
  function endedLog(record: JobRecord): HeldLog | Promise<HeldLog> | null {
    const run = runs.get(record.id)
    if (run && !run.live.ended && !run.abandoned) return null
    // A run given up here (another instance took the job over) whose code has not returned yet is
    // no end: the job runs on elsewhere and is followed from the store like any other.
    if ((!run || run.abandoned) && !isTerminalStatus(record.status) && provider.subscribe) return null
    return run && run.live.ended ? liveLog(run) : storedLog(record)
  }

  return {
    heartbeat: heartbeatSet,
    /** Attaches a sink to a job the caller was authorized for. */
    async attach(record: JobRecord, sink: ViewerSink, after: StreamPosition | null): Promise<Attachment> {
      const log = endedLog(record)
      if (log === null) {
        const run = runs.get(record.id)
        return run && !run.abandoned ? attachLive(run, sink, after) : attachRemote(record, sink, after)
      }
      const frames = catchUpFrames(log instanceof Promise ? await log : log, after, leaseEpochOf(record))
      writeCatchUp(sink, frames)
      return { detach: () => {}, open: false, upToDate: frames.length === 0 }
    },
    /**
     * Whether `attach` from `after` would find the viewer up to date (the route's 204), read the
     * same way but with nothing attached or written (a HEAD on the stream).
     */
    async upToDate(record: JobRecord, after: StreamPosition | null): Promise<boolean> {
      if (after === null) return false
      // Only a position at the stored log's end can be up to date: no need to read it otherwise.
      if (!runs.has(record.id) && after.seq !== record.lastSeq) return false
      const log = endedLog(record)
      return log !== null && catchUpFrames(await log, after, leaseEpochOf(record)).length === 0
    },
    /** Hook for committed events: the ops counters (server/lib/metrics.ts). */
    onCommit(run: JobRun, event: JobEvent) {
      useMetrics().recordEvent(run.record.id, event)
    },
    count(): number {
      let count = 0
      for (const run of runs.values()) count += run.live.viewers.size
      return count + feeds.viewers()
    },
    remoteFeeds: () => feeds.size,
    closeAll() {
      feeds.closeAll()
      heartbeat.clear()
      updateHeartbeat()
    },
  }
}
