/**
 * A framework-free follower of one job's SSE stream. It hands every frame to the caller and closes
 * on `job-end`. When the stream breaks (a network drop, a server restart, an HTTP error) it closes
 * the EventSource and asks the server about the job (`probe`, by default `GET /api/jobs/:id`):
 * found → the snapshot is adopted and the stream reopens after the caller's seq (`?after=`);
 * gone (404) → the job was lost (e.g. a restart of a memory provider) and the follower stops;
 * unreachable → `offline`, asking again with backoff until the server answers. Its connection
 * state (`connecting`, `open`, `reconnecting`, `offline`, `closed`) is reported as it changes.
 * The resume position is the caller's seq with its lease epoch (`<epoch>:<seq>` after another
 * server took the job over; shared/event-id.ts), so a position the lost owner never stored gets a
 * snapshot instead of events that would not fit.
 */
import type { StreamPosition } from '../../shared/event-id'
import { formatEventId, parseEventId } from '../../shared/event-id'
import type { JobEvent, JobEventType } from '../../shared/events'
import { isTerminalStatus } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import { decodeStreamEvent } from '../../shared/stream-wire'

/** Every named event the job stream sends. */
export const JOB_STREAM_EVENT_TYPES: readonly (JobEventType | 'snapshot')[] = [
  'snapshot',
  'job-status',
  'text-delta',
  'reasoning-delta',
  'step-start',
  'step-end',
  'tool-call',
  'tool-result',
  'input-request',
  'input-response',
  'node-start',
  'node-end',
  'job-end',
]

/** The part of `EventSource` this file uses (so tests can pass a fake). */
export interface EventSourceLike {
  readonly readyState: number
  onopen: ((event: Event) => void) | null
  onerror: ((event: Event) => void) | null
  addEventListener(type: string, listener: (event: MessageEvent) => void): void
  close(): void
}

/** How the follower's connection stands. */
export type JobConnectionState = 'connecting' | 'open' | 'reconnecting' | 'offline' | 'closed'

/** What the server says about the job when the stream broke: its state, or `null` when it is gone (404). Throws when unreachable. */
export type JobProbe = () => Promise<JobState | null>

/** Delay before the second attempt after a break (the first is immediate); doubles each time. */
export const REOPEN_BASE_DELAY_MS = 1_000
/** Longest delay between attempts (also how often an unreachable server is asked again). */
export const REOPEN_MAX_DELAY_MS = 10_000
/** Give up after this many streams in a row that failed to open although the job exists (e.g. a stream cap's 429). */
export const REOPEN_MAX_ATTEMPTS = 6

/** What `followJobStream` needs. */
export interface JobStreamOptions {
  /** The stream URL, e.g. `/api/jobs/<id>/stream`. */
  url: string
  /** The seq of the last event the caller applied (0: none); used to resume. */
  getSeq: () => number
  /**
   * The lease epoch of the caller's state (`state.epoch`, absent: 1); used to resume. @default the
   * epoch in the id of the last frame received
   */
  getEpoch?: () => number
  onSnapshot: (state: JobState) => void
  onEvent: (event: JobEvent) => void
  /** The job ended (after its `job-end` was handed to `onEvent`); the stream is closed. */
  onEnd?: () => void
  onConnectionChange?: (connected: boolean) => void
  /** The connection state changed. */
  onStateChange?: (state: JobConnectionState) => void
  /** The job answered 404 while followed (e.g. lost in a server restart); the follower stopped. */
  onLost?: () => void
  /** The stream failed to open `REOPEN_MAX_ATTEMPTS` times in a row although the job exists; the follower stopped. */
  onGiveUp?: () => void
  /** Asks the server about the job after a break. @default `GET` the stream URL without `/stream` */
  probe?: JobProbe
  /** @default `new EventSource(url)` */
  createEventSource?: (url: string) => EventSourceLike
  /** @default setTimeout / clearTimeout */
  setTimer?: (callback: () => void, delayMs: number) => unknown
  clearTimer?: (timer: unknown) => void
}

/** A running follower. */
export interface JobStreamHandle {
  /** Stops following; idempotent. */
  close: () => void
}

/** The URL to open: resume after a position (or a seq) when there is one. */
export function streamUrlAfter(url: string, after: number | StreamPosition): string {
  const position = typeof after === 'number' ? { epoch: 1, seq: after } : after
  if (position.seq <= 0) return url
  return `${url}${url.includes('?') ? '&' : '?'}after=${encodeURIComponent(formatEventId(position.seq, position.epoch))}`
}

/** `GET /api/jobs/:id` for a stream URL `/api/jobs/:id/stream`: the job's state, null on 404. */
export function createFetchProbe(streamUrl: string): JobProbe {
  const jobUrl = streamUrl.replace(/\/stream(?=\?|$)/, '').replace(/\?.*$/, '')
  return async () => {
    const response = await fetch(jobUrl, { headers: { accept: 'application/json' } })
    if (response.status === 404) return null
    if (!response.ok) throw new Error(`job probe answered ${response.status}`)
    return ((await response.json()) as { state: JobState }).state
  }
}

/** Starts following a job's stream. */
export function followJobStream(options: JobStreamOptions): JobStreamHandle {
  const createEventSource = options.createEventSource ?? (url => new EventSource(url) as EventSourceLike)
  const setTimer = options.setTimer ?? ((callback, delayMs) => setTimeout(callback, delayMs))
  const clearTimer = options.clearTimer ?? (timer => clearTimeout(timer as ReturnType<typeof setTimeout>))
  const probe = options.probe ?? createFetchProbe(options.url)
  let source: EventSourceLike | null = null
  let retryTimer: unknown = null
  /** Breaks in a row without a frame in between: the backoff. */
  let attempts = 0
  /** Streams in a row that broke before they opened although the job exists: the give-up count. */
  let brokenStreams = 0
  let connection: JobConnectionState | null = null
  let closed = false
  /** The epoch in the id of the last frame received (ids are `<seq>` or `<epoch>:<seq>`). */
  let frameEpoch = 1

  function setState(next: JobConnectionState) {
    if (next === connection) return
    const wasOpen = connection === 'open'
    connection = next
    options.onStateChange?.(next)
    if (wasOpen !== (next === 'open')) options.onConnectionChange?.(next === 'open')
  }

  function handleFrame(type: string, message: MessageEvent) {
    if (closed) return
    attempts = 0
    brokenStreams = 0
    frameEpoch = parseEventId(message.lastEventId)?.epoch ?? frameEpoch
    let data: unknown
    try {
      data = JSON.parse(String(message.data))
    }
    catch {
      return // A malformed frame is skipped (here and below); the next snapshot or replay repairs the state.
    }
    if (type === 'snapshot') {
      options.onSnapshot(data as JobState)
      return
    }
    // Text deltas come compact (`[offset, text]`, seq from the frame's id): shared/stream-wire.ts.
    const event = decodeStreamEvent(type, message.lastEventId, data, Date.now())
    if (!event) return
    options.onEvent(event)
    if (event.type === 'job-end') {
      // The server closes after job-end; without this the browser would reconnect and replay it.
      close()
      options.onEnd?.()
    }
  }

  function open() {
    if (closed) return
    const current = createEventSource(streamUrlAfter(options.url, { epoch: options.getEpoch?.() ?? frameEpoch, seq: options.getSeq() }))
    source = current
    current.onopen = () => {
      if (closed || source !== current) return
      brokenStreams = 0
      setState('open')
    }
    // Whatever broke (network, restart, HTTP error), the follower takes over from the browser's own retry.
    current.onerror = () => {
      if (closed || source !== current) return
      current.close()
      source = null
      brokenStreams++
      if (brokenStreams > REOPEN_MAX_ATTEMPTS) {
        close()
        options.onGiveUp?.()
        return
      }
      setState(connection === 'offline' ? 'offline' : 'reconnecting')
      scheduleCheck()
    }
    for (const type of JOB_STREAM_EVENT_TYPES) {
      current.addEventListener(type, message => handleFrame(type, message))
    }
  }

  function scheduleCheck() {
    const delayMs = attempts === 0 ? 0 : Math.min(REOPEN_BASE_DELAY_MS * 2 ** (attempts - 1), REOPEN_MAX_DELAY_MS)
    attempts++
    retryTimer = setTimer(() => {
      retryTimer = null
      void check()
    }, delayMs)
  }

  async function check() {
    let state: JobState | null
    try {
      state = await probe()
    }
    catch {
      if (closed) return
      setState('offline')
      scheduleCheck()
      return
    }
    if (closed) return
    if (!state) {
      close()
      options.onLost?.()
      return
    }
    setState('reconnecting')
    options.onSnapshot(state)
    if (isTerminalStatus(state.status)) {
      close()
      options.onEnd?.()
      return
    }
    open()
  }

  /** Stops following; idempotent. */
  function close() {
    if (closed) return
    closed = true
    if (retryTimer !== null) clearTimer(retryTimer)
    retryTimer = null
    source?.close()
    source = null
    setState('closed')
  }

  setState('connecting')
  open()
  return { close }
}
