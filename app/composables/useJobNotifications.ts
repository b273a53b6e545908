/**
 * One user-level stream (`/api/jobs/notifications`) for all of the user's jobs, however many
 * components ask for it: jobs created elsewhere, jobs that ended, jobs that need an answer.
 * The stream opens while at least one mounted component uses it; each notification reaches every
 * listener once (a replay after a reconnect is dropped). What to do with one — a toast, a badge,
 * a browser Notification (`showBrowserNotification`) — is the app's choice.
 */
import { getCurrentInstance, onBeforeUnmount, onMounted } from 'vue'
import type { JobNotification, NotificationType } from '../lib/api-types'
import { notificationKey } from '../lib/notification-key'

const NOTIFICATION_TYPES: NotificationType[] = ['job-created', 'job-end', 'input-request']
const STREAM_URL = '/api/jobs/notifications'
const REOPEN_BASE_DELAY_MS = 1_000
const REOPEN_MAX_DELAY_MS = 30_000
/** Keys of delivered notifications kept to drop a replayed duplicate. */
const SEEN_KEYS_MAX = 200

type Listener = (notification: JobNotification) => void

// Client-only singletons: the stream exists once per tab, never on the server.
const listeners = new Set<Listener>()
const seenKeys: string[] = []
let source: EventSource | null = null
let users = 0
let reopenTimer: ReturnType<typeof setTimeout> | null = null
let failedAttempts = 0

function open(): void {
  const current = new EventSource(STREAM_URL)
  source = current
  current.onopen = () => {
    failedAttempts = 0
  }
  current.onerror = () => {
    // CONNECTING: the browser retries by itself with Last-Event-ID. CLOSED: it gave up (HTTP error).
    if (source !== current || current.readyState !== EventSource.CLOSED) return
    current.close()
    source = null
    const delayMs = Math.min(REOPEN_BASE_DELAY_MS * 2 ** failedAttempts++, REOPEN_MAX_DELAY_MS)
    reopenTimer = setTimeout(() => {
      reopenTimer = null
      if (users > 0) open()
    }, delayMs)
  }
  for (const type of NOTIFICATION_TYPES) {
    current.addEventListener(type, message => {
      let data: Omit<JobNotification, 'type'>
      try {
        data = JSON.parse(String((message as MessageEvent).data))
      }
      catch {
        return
      }
      const notification: JobNotification = { ...data, type }
      const key = notificationKey(notification)
      if (seenKeys.includes(key)) return
      seenKeys.push(key)
      if (seenKeys.length > SEEN_KEYS_MAX) seenKeys.shift()
      for (const listener of listeners) listener(notification)
    })
  }
}

function close(): void {
  if (reopenTimer) clearTimeout(reopenTimer)
  reopenTimer = null
  source?.close()
  source = null
}

/**
 * Shows a browser Notification when the tab is hidden and the user allowed it (see
 * `requestPermission`); returns whether one was shown. `onClick` runs after the tab is focused.
 */
export function showBrowserNotification(title: string, body: string, onClick?: () => void): boolean {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted' || !document.hidden) return false
  const browserNotification = new Notification(title, { body, tag: title })
  browserNotification.onclick = () => {
    window.focus()
    onClick?.()
    browserNotification.close()
  }
  return true
}

/** Subscribes to the user's job notifications (the stream is shared and opened on mount). */
export function useJobNotifications() {
  const permission = useState<NotificationPermission | 'unsupported'>('background-jobs:notification-permission', () => 'default')

  /** Calls `listener` for every notification until the calling component unmounts. */
  function onNotification(listener: Listener): () => void {
    listeners.add(listener)
    const remove = () => listeners.delete(listener)
    if (getCurrentInstance()) onBeforeUnmount(remove)
    return remove
  }

  /** Asks for permission to show browser notifications (call it from a click). */
  async function requestPermission(): Promise<void> {
    if (typeof Notification === 'undefined') {
      permission.value = 'unsupported'
      return
    }
    permission.value = await Notification.requestPermission()
  }

  if (getCurrentInstance()) {
    onMounted(() => {
      permission.value = typeof Notification === 'undefined' ? 'unsupported' : Notification.permission
      if (users++ === 0) open()
    })
    onBeforeUnmount(() => {
      if (--users === 0) close()
    })
  }

  return { onNotification, requestPermission, permission }
}
