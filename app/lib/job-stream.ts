/**
 * A framework-free follower of one job's SSE stream. It hands every frame to the caller, closes on
 * `job-end`, and reopens after the browser gives up (an HTTP error closes an EventSource for good),
 * resuming from the caller's last applied seq with `?after=`. A plain network drop is left to the
 * browser, which reconnects by itself and sends `Last-Event-ID`.
 */
import type { JobEvent, JobEventType } from '../../shared/events'
import type { JobState } from '../../shared/reducer'

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

/** `EventSource.CLOSED`: the browser will not reconnect by itself. */
const READY_STATE_CLOSED = 2
/** First delay before reopening a stream the browser gave up on; doubles each time. */
export const REOPEN_BASE_DELAY_MS = 1_000
/** Longest delay between reopen attempts. */
export const REOPEN_MAX_DELAY_MS = 15_000
/** Give up after this many reopen attempts in a row that received nothing. */
export const REOPEN_MAX_ATTEMPTS = 6

/** What `followJobStream` needs. */
export interface JobStreamOptions {
  /** The stream URL, e.g. `/api/jobs/<id>/stream`. */
  url: string
  /** The seq of the last event the caller applied (0: none); used to resume. */
  getSeq: () => number
  onSnapshot: (state: JobState) => void
  onEvent: (event: JobEvent) => void
  /** The job ended (after its `job-end` was handed to `onEvent`); the stream is closed. */
  onEnd?: () => void
  onConnectionChange?: (connected: boolean) => void
  /** Reopening failed `REOPEN_MAX_ATTEMPTS` times in a row (e.g. the job is gone: 404). */
  onGiveUp?: () => void
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

/** The URL to open: resume after `seq` when there is one. */
export function streamUrlAfter(url: string, seq: number): string {
  if (seq <= 0) return url
  return `${url}${url.includes('?') ? '&' : '?'}after=${seq}`
}

/** Starts following a job's stream. */
export function followJobStream(options: JobStreamOptions): JobStreamHandle {
  const createEventSource = options.createEventSource ?? (url => new EventSource(url) as EventSourceLike)
  const setTimer = options.setTimer ?? ((callback, delayMs) => setTimeout(callback, delayMs))
  const clearTimer = options.clearTimer ?? (timer => clearTimeout(timer as ReturnType<typeof setTimeout>))
  let source: EventSourceLike | null = null
  let reopenTimer: unknown = null
  let failedAttempts = 0
  let closed = false

  function handleFrame(type: string, message: MessageEvent) {
    if (closed) return
    failedAttempts = 0
    let data: unknown
    try {
      data = JSON.parse(String(message.data))
    }
    catch {
      return // A malformed frame is skipped; the next snapshot or replay repairs the state.
    }
    if (type === 'snapshot') {
      options.onSnapshot(data as JobState)
      return
    }
    const event = data as JobEvent
    options.onEvent(event)
    if (event.type === 'job-end') {
      // The server closes after job-end; without this the browser would reconnect and replay it.
      close()
      options.onEnd?.()
    }
  }

  function open() {
    if (closed) return
    const current = createEventSource(streamUrlAfter(options.url, options.getSeq()))
    source = current
    current.onopen = () => options.onConnectionChange?.(true)
    current.onerror = () => {
      if (closed || source !== current) return
      options.onConnectionChange?.(false)
      if (current.readyState === READY_STATE_CLOSED) scheduleReopen()
    }
    for (const type of JOB_STREAM_EVENT_TYPES) {
      current.addEventListener(type, message => handleFrame(type, message))
    }
  }

  function scheduleReopen() {
    source?.close()
    source = null
    if (failedAttempts >= REOPEN_MAX_ATTEMPTS) {
      options.onGiveUp?.()
      return
    }
    const delayMs = Math.min(REOPEN_BASE_DELAY_MS * 2 ** failedAttempts, REOPEN_MAX_DELAY_MS)
    failedAttempts++
    reopenTimer = setTimer(() => {
      reopenTimer = null
      open()
    }, delayMs)
  }

  function close() {
    if (closed) return
    closed = true
    if (reopenTimer !== null) clearTimer(reopenTimer)
    reopenTimer = null
    source?.close()
    source = null
    options.onConnectionChange?.(false)
  }

  open()
  return { close }
}
