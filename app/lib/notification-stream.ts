/**
 * A framework-free follower of the user's notification stream (`/api/jobs/notifications`). When
 * the stream breaks it closes the EventSource at once — the browser's own reconnect would retry
 * every second or so for as long as the server is down — and opens a new one on its own schedule:
 * 1 s, then doubling up to 30 s, back to 1 s once a stream opens. The new stream resumes after the
 * last notification received (`?after=`, as Last-Event-ID would), and a notification delivered
 * twice (a replay) reaches the caller once. When the device may be back (wake-signals.ts: online,
 * tab shown, page restored) it reopens at once instead of waiting out the delay (or, while one is
 * connecting, right after that attempt fails — it may have left before the network was back), and a stream quiet
 * for `NOTIFICATIONS_WAKE_QUIET_MS` is reopened too: it may have died without an error while the
 * device slept, and the replay after the last id brings what it missed.
 */
import type { JobNotification, NotificationType } from './api-types'
import type { EventSourceLike } from './job-stream'
import { notificationKey } from './notification-key'
import type { WakeSubscription } from './wake-signals'
import { subscribeToWakeSignals } from './wake-signals'

/** Every named event the notification stream sends. */
export const NOTIFICATION_TYPES: readonly NotificationType[] = ['job-created', 'job-end', 'input-request', 'input-answered', 'job-deleted', 'job-lost', 'thread-renamed']
/**
 * The event a stream opened without a resume position starts with: its id is the position, so a
 * tab that has had no notification yet resumes after a break rather than from the reopening.
 */
export const STREAM_START_EVENT = 'stream-start'
/** Delay before reopening after the first break; doubles with each break in a row. */
export const NOTIFICATIONS_REOPEN_BASE_DELAY_MS = 1_000
/** Longest delay between attempts while the server stays away. */
export const NOTIFICATIONS_REOPEN_MAX_DELAY_MS = 30_000
/** On a wake signal, a stream that has said nothing for this long is reopened (it may be dead). */
export const NOTIFICATIONS_WAKE_QUIET_MS = 45_000
/** Keys of delivered notifications kept to drop a replayed duplicate. */
export const SEEN_KEYS_MAX = 200

/** What `followNotifications` needs. */
export interface NotificationStreamOptions {
  /** The stream URL, e.g. `/api/jobs/notifications`. */
  url: string
  /** Each notification once; `id` is its stream id (the resume position after it). */
  onNotification: (notification: JobNotification, id: string) => void
  /** A fresh stream's resume position (`stream-start`), before any notification of it (across tabs: also one another tab tells). */
  onPosition?: (id: string) => void
  /**
   * A stream opened again after a break (an error, or a wake that reopened a quiet stream): the
   * server answers again. Notifications missed meanwhile are replayed, but what the app read or
   * failed to read while it was away (a list, a job's state) is not: read it again here.
   */
  onReconnect?: () => void
  /** The stream broke (an error, or a wake found it quiet): across tabs, what the next tab to follow it is told (notification-stream-tabs.ts). */
  onBreak?: () => void
  /** The stream broke before this one follows it (another tab followed it, and closed meanwhile): its first open is a reconnect too. @default false */
  broken?: boolean
  /** Resume after this notification id (another tab's last, notification-stream-tabs.ts). @default none: from now */
  after?: string
  /** @default `new EventSource(url, { withCredentials: true })` (as `followJobStream`: an API on another origin gets the user's cookie) */
  createEventSource?: (url: string) => EventSourceLike
  /** @default setTimeout / clearTimeout */
  setTimer?: (callback: () => void, delayMs: number) => unknown
  clearTimer?: (timer: unknown) => void
  /** Signals that the device may be back. @default the browser's (wake-signals.ts) */
  subscribeToWake?: WakeSubscription
  /** @default Date.now */
  now?: () => number
}

/** A running follower. */
export interface NotificationStreamHandle {
  /** Stops following; idempotent. */
  close: () => void
}

/** Starts following the notification stream. */
export function followNotifications(options: NotificationStreamOptions): NotificationStreamHandle {
  const createEventSource = options.createEventSource ?? (url => new EventSource(url, { withCredentials: true }) as EventSourceLike)
  const setTimer = options.setTimer ?? ((callback, delayMs) => setTimeout(callback, delayMs))
  const clearTimer = options.clearTimer ?? (timer => clearTimeout(timer as ReturnType<typeof setTimeout>))
  const now = options.now ?? Date.now
  const seenKeys: string[] = []
  /** When the current stream last showed life (opened or sent a notification). */
  let lastSignOfLife = now()
  let source: EventSourceLike | null = null
  let reopenTimer: unknown = null
  /** Breaks in a row without a stream that opened in between: the backoff. */
  let failedAttempts = 0
  let lastEventId = options.after ?? ''
  let closed = false
  /** The stream broke (or was reopened as dead) since one last opened: the next open is a reconnect. */
  let broken = options.broken ?? false
  /**
   * A wake signal came while the current stream was still connecting: that attempt may have left
   * before the network was back, so if it fails the next one goes at once, not after the backoff.
   */
  let wokeWhileConnecting = false
  /** The current stream has opened (`onopen`, or it sent something): until then it is connecting. */
  let opened = false

  function deliver(type: NotificationType, message: MessageEvent): void {
    lastSignOfLife = now()
    opened = true
    if (message.lastEventId) lastEventId = message.lastEventId
    let data: Omit<JobNotification, 'type'>
    try {
      data = JSON.parse(String(message.data))
    }
    catch {
      return
    }
    const notification: JobNotification = { ...data, type }
    const key = notificationKey(notification)
    if (seenKeys.includes(key)) return
    seenKeys.push(key)
    if (seenKeys.length > SEEN_KEYS_MAX) seenKeys.shift()
    options.onNotification(notification, lastEventId)
  }

  function open(): void {
    if (closed) return
    const url = lastEventId ? `${options.url}${options.url.includes('?') ? '&' : '?'}after=${encodeURIComponent(lastEventId)}` : options.url
    const current = createEventSource(url)
    source = current
    opened = false
    lastSignOfLife = now()
    current.onopen = () => {
      if (source !== current) return
      opened = true
      wokeWhileConnecting = false
      failedAttempts = 0
      lastSignOfLife = now()
      if (!broken) return
      broken = false
      options.onReconnect?.()
    }
    // Whatever broke (network, restart, HTTP error): no retry by the browser, ours after a delay.
    current.onerror = () => {
      if (closed || source !== current) return
      current.close()
      source = null
      broken = true
      options.onBreak?.()
      if (wokeWhileConnecting) {
        wokeWhileConnecting = false
        open()
        return
      }
      const delayMs = Math.min(NOTIFICATIONS_REOPEN_BASE_DELAY_MS * 2 ** failedAttempts++, NOTIFICATIONS_REOPEN_MAX_DELAY_MS)
      reopenTimer = setTimer(() => {
        reopenTimer = null
        open()
      }, delayMs)
    }
    for (const type of NOTIFICATION_TYPES) {
      current.addEventListener(type, message => {
        if (!closed && source === current) deliver(type, message)
      })
    }
    current.addEventListener(STREAM_START_EVENT, message => {
      if (closed || source !== current || !message.lastEventId) return
      lastSignOfLife = now()
      opened = true
      lastEventId = message.lastEventId
      options.onPosition?.(lastEventId)
    })
  }

  /**
   * The device may be back: reopen now if waiting out a delay, or if the stream has been quiet long
   * enough to be dead; while one is connecting, a failure of it is followed at once.
   */
  function wake(): void {
    if (closed) return
    if (reopenTimer !== null) {
      clearTimer(reopenTimer)
      reopenTimer = null
      open()
      return
    }
    if (source && now() - lastSignOfLife >= NOTIFICATIONS_WAKE_QUIET_MS) {
      // Quiet that long — an open stream, or an attempt still connecting (half-open across a sleep): reopened.
      source.close()
      source = null
      broken = true
      options.onBreak?.()
      open()
      return
    }
    if (source && !opened) wokeWhileConnecting = true
  }

  function close(): void {
    if (closed) return
    closed = true
    unsubscribeFromWake()
    if (reopenTimer !== null) clearTimer(reopenTimer)
    reopenTimer = null
    source?.close()
    source = null
  }

  const unsubscribeFromWake = (options.subscribeToWake ?? subscribeToWakeSignals)(wake)
  open()
  return { close }
}
