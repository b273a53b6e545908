/**
 * One user-level stream (`/api/jobs/notifications`) for all of the user's jobs, however many
 * components ask for it: jobs created elsewhere, jobs that ended, jobs that need an answer.
 * Each notification becomes a toast (unless its thread is on screen), marks its thread unseen, and,
 * when the tab is hidden and permission was given, a browser Notification.
 */
import { getCurrentInstance, onBeforeUnmount, onMounted } from 'vue'
import type { JobNotification, NotificationType } from '../lib/api-types'
import { describeNotification, notificationKey } from '../lib/notification-text'

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
let deliver: Listener = () => {}

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
      deliver(notification)
    })
  }
}

function close(): void {
  if (reopenTimer) clearTimeout(reopenTimer)
  reopenTimer = null
  source?.close()
  source = null
}

/** Shows a browser Notification if the tab is hidden and the user allowed it. */
function notifyBrowser(title: string, body: string, onClick: () => void): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted' || !document.hidden) return
  const browserNotification = new Notification(title, { body, tag: title })
  browserNotification.onclick = () => {
    window.focus()
    onClick()
    browserNotification.close()
  }
}

/** Subscribes to the user's job notifications (the stream is shared and opened on mount). */
export function useJobNotifications() {
  const { push } = useToasts()
  const { markUnseen } = useUnseenThreads()
  const viewingThreadId = useState<string | null>('background-jobs:viewing-thread', () => null)
  const permission = useState<NotificationPermission | 'unsupported'>('background-jobs:notification-permission', () => 'default')

  function threadPath(notification: JobNotification): string | undefined {
    return notification.threadId ? `/threads/${encodeURIComponent(notification.threadId)}` : undefined
  }

  deliver = (notification) => {
    for (const listener of listeners) listener(notification)
    const text = describeNotification(notification)
    if (!text) return
    const onScreen = Boolean(notification.threadId) && notification.threadId === viewingThreadId.value && !document.hidden
    if (notification.threadId && !onScreen) markUnseen(notification.threadId)
    if (!onScreen) push({ message: text.title, tone: text.tone, to: threadPath(notification) })
    notifyBrowser(text.title, text.body, () => {
      const path = threadPath(notification)
      if (path) void navigateTo(path)
    })
  }

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

  return { onNotification, requestPermission, permission, viewingThreadId }
}
