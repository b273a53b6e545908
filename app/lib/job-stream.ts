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
import type { JobEvent } from '../../shared/events'
import { isTerminalStatus } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import { decodeStreamEvent } from '../../shared/stream-wire'
import { resolveEventSourceFactory } from './event-source-factory'
import { createFetchProbe, JobAccessDeniedError } from './job-probe'
import type { EventSourceLike, JobConnectionState, JobStreamHandle, JobStreamOptions } from './job-stream-options'
import {
  JOB_STREAM_EVENT_TYPES, MAX_GAP_RESYNCS, REOPEN_BASE_DELAY_MS, REOPEN_MAX_ATTEMPTS, REOPEN_MAX_DELAY_MS,
  STALE_STREAM_MS, WAKE_QUIET_MS,
} from './job-stream-options'
import { subscribeToWakeSignals } from './wake-signals'

export type { JobProbe } from './job-probe'
export {
  JOB_STREAM_EVENT_TYPES, MAX_GAP_RESYNCS, REOPEN_BASE_DELAY_MS, REOPEN_MAX_ATTEMPTS, REOPEN_MAX_DELAY_MS,
  STALE_STREAM_MS, WAKE_QUIET_MS,
}
export type { EventSourceLike, JobConnectionState, JobStreamHandle, JobStreamOptions }

/** The URL to open: resume after a position (or a seq) when there is one. */
export function streamUrlAfter(url: string, after: number | StreamPosition): string {
  const position = typeof after === 'number' ? { epoch: 1, seq: after } : after
  if (position.seq <= 0) return url
  return `${url}${url.includes('?') ? '&' : '?'}after=${encodeURIComponent(formatEventId(position.seq, position.epoch))}`
}

/** Starts following a job's stream. */
export function followJobStream(options: JobStreamOptions): JobStreamHandle {
  const createEventSource = resolveEventSourceFactory(options.url, options.createEventSource, options.probe !== undefined)
  const setTimer = options.setTimer ?? ((callback, delayMs) => setTimeout(callback, delayMs))
  const clearTimer = options.clearTimer ?? (timer => clearTimeout(timer as ReturnType<typeof setTimeout>))
  const probe = options.probe ?? createFetchProbe(options.url)
  const staleAfterMs = options.staleAfterMs ?? STALE_STREAM_MS
  const now = options.now ?? Date.now
  let source: EventSourceLike | null = null
  let retryTimer: unknown = null
  /** Checks an open stream that stays quiet (see STALE_STREAM_MS). */
  let quietTimer: unknown = null
  /** When the current stream last showed life (opened or sent a frame). */
  let lastSignOfLife = now()
  /** A check of the open stream is under way (a quiet stream, or a wake signal). */
  let verifying = false
  /** A probe after a break is under way (`check`). */
  let checking = false
  /**
   * A wake signal came while a probe was on its way: that probe may have left before the network
   * was back, so if it fails, the next one goes at once rather than after the backoff.
   */
  let wokeWhileProbing = false
  /** Breaks in a row without a frame in between: the backoff. */
  let attempts = 0
  /** Streams in a row that broke before they opened although the job exists: the give-up count. */
  let brokenStreams = 0
  let connection: JobConnectionState | null = null
  let closed = false
  /** The epoch in the id of the last frame received (ids are `<seq>` or `<epoch>:<seq>`). */
  let frameEpoch = 1
  /** Resyncs in a row for a delta that left a gap (a server that keeps sending one is believed). */
  let gapResyncs = 0

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
    lastSignOfLife = now()
    const knownEpoch = options.getEpoch?.() ?? frameEpoch
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
    if ((event.epoch ?? 1) > knownEpoch && (event.fromSeq ?? event.seq) <= options.getSeq()) {
      // A later owner's event at a seq the caller has: its state holds events an owner streamed
      // but died before storing (a stream from an instance that follows the store goes on across
      // the takeover). Applied, the new owner's first events would be dropped as seen and the rest
      // land on the lost text: take the server's state again instead.
      dropSource()
      setState('reconnecting')
      scheduleCheck()
      return
    }
    if (event.type === 'job-end' && event.fromSeq !== undefined && event.fromSeq <= options.getSeq()) {
      // An end that covers seqs the store never took (it refused them: decision 54), some of which
      // the caller has — text it was streamed by the job's owner, then followed from another server
      // that only hears what was stored. Applied, the end would leave that text: take the state again.
      dropSource()
      setState('reconnecting')
      scheduleCheck()
      return
    }
    if (options.leavesGap?.(event) && gapResyncs < MAX_GAP_RESYNCS) {
      // Text that starts past the end of ours: something between was lost. Take the state again.
      gapResyncs++
      dropSource()
      setState('reconnecting')
      scheduleCheck()
      return
    }
    if (event.type === 'text-delta' || event.type === 'reasoning-delta') gapResyncs = 0
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
    lastSignOfLife = now()
    watchQuiet(staleAfterMs)
    /** When this stream opened (null: not yet). */
    let openedAtMs: number | null = null
    current.onopen = () => {
      if (closed || source !== current) return
      brokenStreams = 0
      openedAtMs = now()
      lastSignOfLife = openedAtMs
      setState('open')
    }
    // Whatever broke (network, restart, HTTP error), the follower takes over from the browser's own retry.
    current.onerror = () => {
      if (closed || source !== current) return
      // A stream that stayed open a while (a quiet job sends no frame, only heartbeats) ends the
      // backoff of the breaks before it: this break is a new one, asked about at once. One that
      // broke soon after opening keeps it (a server that accepts streams and drops them).
      if (openedAtMs !== null && now() - openedAtMs >= REOPEN_MAX_DELAY_MS) attempts = 0
      dropSource()
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

  /** Closes the current stream (no reconnect by the browser) and its quiet check. */
  function dropSource() {
    if (quietTimer !== null) clearTimer(quietTimer)
    quietTimer = null
    source?.close()
    source = null
  }

  /** Checks the open stream once it has been quiet for `staleAfterMs` (a frame meanwhile postpones it). */
  function watchQuiet(delayMs: number) {
    if (quietTimer !== null) clearTimer(quietTimer)
    quietTimer = null
    if (staleAfterMs <= 0 || closed || !source) return
    quietTimer = setTimer(() => {
      quietTimer = null
      const quietMs = now() - lastSignOfLife
      if (quietMs >= staleAfterMs) void verify()
      else watchQuiet(staleAfterMs - quietMs)
    }, delayMs)
  }

  /**
   * Asks the server whether the open stream missed anything. It did (the server is past our seq,
   * on another epoch, or the job ended) → the stream died silently: drop it, adopt the state and
   * open a new one. Nothing missed → keep it (a job waiting for an answer is quiet).
   */
  async function verify() {
    const current = source
    if (verifying || !current) return
    verifying = true
    let state: JobState | null
    try {
      state = await probe()
    }
    catch (failure) {
      if (closed || source !== current) return
      if (failure instanceof JobAccessDeniedError) return deny(failure)
      // The server cannot be reached: the stream is as good as broken.
      dropSource()
      setState('offline')
      attempts = Math.max(attempts, 1)
      scheduleCheck()
      return
    }
    finally {
      verifying = false
      // A failure above already used it (scheduleCheck); an answer makes it moot.
      wokeWhileProbing = false
    }
    if (closed || source !== current) return
    if (!state) {
      close()
      options.onLost?.()
      return
    }
    const missed = state.seq > options.getSeq() || (state.epoch ?? 1) !== (options.getEpoch?.() ?? frameEpoch) || isTerminalStatus(state.status)
    if (!missed) {
      lastSignOfLife = now()
      watchQuiet(staleAfterMs)
      return
    }
    dropSource()
    setState('reconnecting')
    adopt(state)
  }

  function scheduleCheck() {
    const backoffMs = attempts === 0 ? 0 : Math.min(REOPEN_BASE_DELAY_MS * 2 ** (attempts - 1), REOPEN_MAX_DELAY_MS)
    const delayMs = wokeWhileProbing ? 0 : backoffMs
    wokeWhileProbing = false
    attempts++
    retryTimer = setTimer(() => {
      retryTimer = null
      void check()
    }, delayMs)
  }

  async function check() {
    let state: JobState | null
    checking = true
    try {
      state = await probe()
    }
    catch (failure) {
      checking = false
      if (closed) return
      if (failure instanceof JobAccessDeniedError) return deny(failure)
      setState('offline')
      scheduleCheck()
      return
    }
    checking = false
    wokeWhileProbing = false
    if (closed) return
    if (!state) {
      close()
      options.onLost?.()
      return
    }
    setState('reconnecting')
    adopt(state)
  }

  /** Takes the server's state; ends when the job has, else follows the stream after it. */
  function adopt(state: JobState) {
    options.onSnapshot(state)
    if (isTerminalStatus(state.status)) {
      close()
      options.onEnd?.()
      return
    }
    open()
  }

  /** The device may be back: ask now rather than after the backoff, and check a stream that has been quiet. */
  function wake() {
    if (closed) return
    if (checking || verifying) {
      wokeWhileProbing = true
      return
    }
    if (retryTimer !== null) {
      clearTimer(retryTimer)
      retryTimer = null
      void check()
      return
    }
    if (source && now() - lastSignOfLife >= Math.min(WAKE_QUIET_MS, staleAfterMs || WAKE_QUIET_MS)) void verify()
  }

  function deny(error: JobAccessDeniedError) {
    close('denied')
    options.onDenied?.(error)
  }

  /** Stops following; idempotent. */
  function close(finalState: 'closed' | 'denied' = 'closed') {
    if (closed) return
    closed = true
    unsubscribeFromWake()
    if (retryTimer !== null) clearTimer(retryTimer)
    retryTimer = null
    dropSource()
    setState(finalState)
  }

  const unsubscribeFromWake = (options.subscribeToWake ?? subscribeToWakeSignals)(wake)
  setState('connecting')
  open()
  return { close: () => close() }
}
