/**
 * The engine's stream entry points — a job's SSE stream (its GET and HEAD) and a user's
 * notification stream — with what each checks before anything is attached: the layer switched
 * on, the engine not shutting down (a stream opened after `dispose` closed them all would never
 * be closed), and the job one the user may see.
 */
import type { StreamPosition } from '../../shared/event-id'
import type { BackgroundJobsConfig } from './config'
import { ShuttingDownError } from './errors'
import type { NotificationHub, NotificationSink } from './notifications'
import type { JobRecord } from './providers/types'
import type { ViewerSink } from './viewer'
import type { createViewerHub } from './viewer-hub'

/** What the stream entry points read and attach to. */
export interface EngineStreamsOptions {
  getConfig: () => BackgroundJobsConfig
  /** Throws when the layer is switched off in `config`. */
  assertEnabled: (config: BackgroundJobsConfig) => void
  /** True once the engine is being disposed. */
  disposed: () => boolean
  /** Loads a job the user may see (its live state laid over), or throws JobNotFoundError (job-access.ts). */
  authorizeRead: (userId: string, jobId: string) => Promise<JobRecord>
  viewers: Pick<ReturnType<typeof createViewerHub>, 'attach' | 'upToDate' | 'heartbeat'>
  notifications: NotificationHub
  /** Arms the engine's cleanup interval (it prunes the hub's users). */
  ensureCleanupTimer: (config: BackgroundJobsConfig) => void
}

/** Creates the engine's stream entry points. */
export function createEngineStreams({ getConfig, assertEnabled, disposed, authorizeRead, viewers, notifications, ensureCleanupTimer }: EngineStreamsOptions) {
  /** Streams opened after `dispose` would never be closed (it closed them all): 503, the client tries again. */
  function assertNotDisposed() {
    if (disposed()) throw new ShuttingDownError()
  }

  /** What every stream's GET checks before anything is attached (its HEAD too): the flag on, not shutting down. */
  function assertStreamsServed() {
    assertEnabled(getConfig())
    assertNotDisposed()
  }

  /**
   * What a HEAD on a job's stream answers, with nothing attached: the job looked up as a viewer's
   * would be (404 when the user cannot see it), and whether its GET from `after` would be a 204.
   */
  async function probeStream(userId: string, jobId: string, after: StreamPosition | null): Promise<{ upToDate: boolean }> {
    assertStreamsServed()
    const record = await authorizeRead(userId, jobId)
    assertNotDisposed()
    return { upToDate: await viewers.upToDate(record, after) }
  }

  /** Attaches a viewer; `after` is its resume position (a plain number is a seq of the first epoch). */
  async function attachViewer(userId: string, jobId: string, sink: ViewerSink, after: StreamPosition | number | null) {
    assertEnabled(getConfig())
    assertNotDisposed()
    const record = await authorizeRead(userId, jobId)
    assertNotDisposed()
    return viewers.attach(record, sink, typeof after === 'number' ? { epoch: 1, seq: after } : after)
  }

  function attachNotifications(userId: string, sink: NotificationSink, afterId: number | null): () => void {
    const config = getConfig()
    assertEnabled(config)
    assertNotDisposed()
    // Its user stays in the hub after the stream closes: pruned by cleanup, also on an instance
    // that serves notification streams but never created a job.
    ensureCleanupTimer(config)
    const detach = notifications.attach(userId, sink, afterId)
    viewers.heartbeat.add(sink)
    return () => {
      detach()
      viewers.heartbeat.delete(sink)
    }
  }

  return { probeStream, assertStreamsServed, attachViewer, attachNotifications }
}
