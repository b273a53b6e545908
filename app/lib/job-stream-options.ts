/**
 * The options, states and limits of the job-stream follower (job-stream.ts): what a caller passes
 * to `followJobStream` and the constants tests and callers read.
 */
import type { JobEvent, JobEventType } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import type { JobAccessDeniedError, JobProbe } from './job-probe'
import type { WakeSubscription } from './wake-signals'

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
  'tool-progress',
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

/**
 * How the follower's connection stands. `denied`: the server refused (401/403 — signed out, or no
 * longer allowed); the follower stopped, as asking again would get the same answer.
 */
export type JobConnectionState = 'connecting' | 'open' | 'reconnecting' | 'offline' | 'closed' | 'denied'

/** Delay before the second attempt after a break (the first is immediate); doubles each time. */
export const REOPEN_BASE_DELAY_MS = 1_000
/** Longest delay between attempts (also how often an unreachable server is asked again). */
export const REOPEN_MAX_DELAY_MS = 10_000
/** Give up after this many streams in a row that failed to open although the job exists (e.g. a stream cap's 429). */
export const REOPEN_MAX_ATTEMPTS = 6
/**
 * A stream with no frame for this long is checked against the server (three of the server's
 * default 15 s heartbeats, which an EventSource cannot see): a connection can die without an error
 * (a laptop that slept, a phone that changed networks, a NAT that forgot it), and it would show
 * the text as it was for as long as the page stays open.
 */
export const STALE_STREAM_MS = 45_000
/** Resyncs in a row for deltas that leave a gap before the follower applies them as they come. */
export const MAX_GAP_RESYNCS = 3
/** On a wake signal (wake-signals.ts), a stream quiet for at least this long is checked at once. */
export const WAKE_QUIET_MS = 5_000

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
  /**
   * Whether a live event would leave a hole in the caller's text (reducer.ts `deltaLeavesGap`):
   * the follower then takes the server's state again rather than freeze the text. @default never
   */
  leavesGap?: (event: JobEvent) => boolean
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
  /** The server refused (401/403: signed out, or no longer allowed); the follower stopped in `denied`. */
  onDenied?: (error: JobAccessDeniedError) => void
  /** Asks the server about the job after a break. @default `GET` the stream URL without `/stream` (job-probe.ts) */
  probe?: JobProbe
  /** How long an open stream may stay quiet before it is checked (0: never). @default STALE_STREAM_MS */
  staleAfterMs?: number
  /** Signals that the device may be back (online, tab shown, page restored). @default the browser's (wake-signals.ts) */
  subscribeToWake?: WakeSubscription
  /** @default Date.now */
  now?: () => number
  /** @default `new EventSource(url, { withCredentials: true })`; outside a browser pass one (and an absolute `url`): event-source-factory.ts */
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
