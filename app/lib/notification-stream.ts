/**
 * A framework-free follower of the user's notification stream (`/api/jobs/notifications`). When
 * the stream breaks it closes the EventSource at once — the browser's own reconnect would retry
 * every second or so for as long as the server is down — and opens a new one on its own schedule:
 * 1 s, then doubling up to 30 s, back to 1 s once a stream opens. The new stream resumes after the
 * last notification received (`?after=`, as Last-Event-ID would), and a notification delivered
 * twice (a replay) reaches the caller once.
 */
import type { JobNotification, NotificationType } from './api-types'
import type { EventSourceLike } from './job-stream'
import { notificationKey } from './notification-key'

/** Every named event the notification stream sends. */
export const NOTIFICATION_TYPES: readonly NotificationType[] = ['job-created', 'job-end', 'input-request']
/** Delay before reopening after the first break; doubles with each break in a row. */
export const NOTIFICATIONS_REOPEN_BASE_DELAY_MS = 1_000
/** Longest delay between attempts while the server stays away. */
export const NOTIFICATIONS_REOPEN_MAX_DELAY_MS = 30_000
/** Keys of delivered notifications kept to drop a replayed duplicate. */
export const SEEN_KEYS_MAX = 200

/** What `followNotifications` needs. */
export interface NotificationStreamOptions {
  /** The stream URL, e.g. `/api/jobs/notifications`. */
  url: string
  onNotification: (notification: JobNotification) => void
  /** @default `new EventSource(url)` */
  createEventSource?: (url: string) => EventSourceLike
  /** @default setTimeout / clearTimeout */
  setTimer?: (callback: () => void, delayMs: number) => unknown
  clearTimer?: (timer: unknown) => void
}

/** A running follower. */
export interface NotificationStreamHandle {
  /** Stops following; idempotent. */
  close: () => void
}

/** Starts following the notification stream. */
export function followNotifications(options: NotificationStreamOptions): NotificationStreamHandle {
  const createEventSource = options.createEventSource ?? (url => new EventSource(url) as EventSourceLike)
  const setTimer = options.setTimer ?? ((callback, delayMs) => setTimeout(callback, delayMs))
  const clearTimer = options.clearTimer ?? (timer => clearTimeout(timer as ReturnType<typeof setTimeout>))
  const seenKeys: string[] = []
  let source: EventSourceLike | null = null
  let reopenTimer: unknown = null
  /** Breaks in a row without a stream that opened in between: the backoff. */
  let failedAttempts = 0
  let lastEventId = ''
  let closed = false

  function deliver(type: NotificationType, message: MessageEvent): void {
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
    options.onNotification(notification)
  }

  function open(): void {
    if (closed) return
    const url = lastEventId ? `${options.url}${options.url.includes('?') ? '&' : '?'}after=${encodeURIComponent(lastEventId)}` : options.url
    const current = createEventSource(url)
    source = current
    current.onopen = () => {
      if (source === current) failedAttempts = 0
    }
    // Whatever broke (network, restart, HTTP error): no retry by the browser, ours after a delay.
    current.onerror = () => {
      if (closed || source !== current) return
      current.close()
      source = null
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
  }

  function close(): void {
    if (closed) return
    closed = true
    if (reopenTimer !== null) clearTimer(reopenTimer)
    reopenTimer = null
    source?.close()
    source = null
  }

  open()
  return { close }
}
