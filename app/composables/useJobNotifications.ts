/**
 * One user-level stream (`/api/jobs/notifications`) for all of the user's jobs, however many
 * components ask for it: jobs created elsewhere, jobs that ended, jobs that need an answer, jobs
 * deleted elsewhere or lost by the server's store (also handed to `useBackgroundJobs().onDeleted`).
 * The stream opens while at least one mounted component uses it; each notification reaches every
 * listener once (a replay after a reconnect is dropped), and while the server is away it is asked
 * again with backoff; `onReconnect` says when it opened again. What to do with one — a toast, a
 * badge, a browser Notification (`showBrowserNotification`) — is the app's choice.
 */
import { getCurrentInstance, onBeforeUnmount, onMounted, toRaw, watch } from 'vue'
import type { Ref } from 'vue'
import { deletedJobs } from '../lib/deleted-jobs'
import { forgetPrompt } from '../lib/prompt-cache'
import type { NotificationListener, ReconnectListener } from '../lib/notification-listeners'
import { addNotificationListener, addReconnectListener, dispatchNotification, dispatchReconnect } from '../lib/notification-listeners'
import type { NotificationStreamHandle } from '../lib/notification-stream'
import { SEEN_KEYS_MAX } from '../lib/notification-stream'
import { followNotificationsAcrossTabs } from '../lib/notification-stream-tabs'
import { notificationKey } from '../lib/notification-key'
import { underAppBase } from '../../shared/app-base'

const STREAM_URL = '/api/jobs/notifications'

// Client-only singletons: the stream exists once per tab, never on the server (nor do listeners:
// lib/notification-listeners.ts). Reconnects, with backoff while the server is away, and the
// dedupe of replays: lib/notification-stream.ts.
let stream: NotificationStreamHandle | null = null
let users = 0

/**
 * Where the tab's stream is (the last notification's id, or its `stream-start` position) and the
 * keys of what it delivered lately. Kept in the app's state, not with the stream: after every
 * component using it unmounted (a page without it), the next mount resumes from there — opened
 * "from now", it would lose what was notified in between — and drops what a replay brings again.
 * `clearNuxtState()` (e.g. on sign-out) forgets it.
 */
interface NotificationPosition {
  id: string
  keys: string[]
}

function open(url: string, position: Ref<NotificationPosition | undefined>, renew = false): void {
  // Filled in the browser only (nothing of it in the SSR payload); not reactive: nothing renders it.
  const seen = toRaw(position.value ??= { id: '', keys: [] })
  // One stream for all of this browser's tabs of the app (an EventSource per tab would use up the
  // 6 connections an HTTP/1.1 browser opens to a host): notification-stream-tabs.ts.
  stream = followNotificationsAcrossTabs({
    url,
    after: seen.id || undefined,
    renew,
    onPosition: (id) => {
      seen.id = id
    },
    onReconnect: dispatchReconnect,
    onNotification: (notification, id) => {
      if (id) seen.id = id
      const key = notificationKey(notification)
      if (seen.keys.includes(key)) return
      seen.keys.push(key)
      if (seen.keys.length > SEEN_KEYS_MAX) seen.keys.shift()
      // First into the tab's deleted jobs: `useBackgroundJobs().list` leaves the job out from now on.
      if (notification.type === 'job-deleted') {
        forgetPrompt(notification.jobId)
        deletedJobs.add({ jobId: notification.jobId, threadId: notification.threadId, origin: deletedJobs.originOf(notification.jobId, notification.threadId) })
      }
      // The store lost it (it had not ended): gone from the server as if deleted, but by nobody —
      // its prompt is kept (the user may send it again).
      else if (notification.type === 'job-lost') deletedJobs.add({ jobId: notification.jobId, threadId: notification.threadId, origin: 'lost' })
      dispatchNotification(notification)
    },
  })
}

function close(): void {
  stream?.close()
  stream = null
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
  const streamUrl = underAppBase(useRuntimeConfig().app.baseURL, STREAM_URL)
  const position = useState<NotificationPosition | undefined>('background-jobs:notification-position')

  /**
   * Calls `listener` for every notification until the calling component unmounts. On the server it
   * does nothing (there is no stream, and nothing would remove it) and returns a no-op, so calling
   * it in `setup` is safe.
   */
  function onNotification(listener: NotificationListener): () => void {
    if (import.meta.server) return () => {}
    const remove = addNotificationListener(listener)
    if (getCurrentInstance()) onBeforeUnmount(remove)
    return remove
  }

  /**
   * Calls `listener` each time the stream opens again after a break (the server restarted, the
   * network came back, the device woke), until the calling component unmounts. Notifications missed
   * meanwhile are replayed to `onNotification`, but what failed to load while the server was away
   * (a list's refresh) is not: re-read it here. A no-op on the server, as `onNotification`.
   */
  function onReconnect(listener: ReconnectListener): () => void {
    if (import.meta.server) return () => {}
    const remove = addReconnectListener(listener)
    if (getCurrentInstance()) onBeforeUnmount(remove)
    return remove
  }

  /** Asks for permission to show browser notifications (call it from a click). A no-op on the server. */
  async function requestPermission(): Promise<void> {
    if (import.meta.server) return
    if (typeof Notification === 'undefined') {
      permission.value = 'unsupported'
      return
    }
    permission.value = await Notification.requestPermission()
  }

  if (getCurrentInstance()) {
    // Vue runs a component's unmount hooks even when it never mounted (a page left while Suspense
    // still waited for its data): only a mounted one counts, or `users` would go below zero and the
    // next component would never open the stream.
    let counted = false
    onMounted(() => {
      permission.value = typeof Notification === 'undefined' ? 'unsupported' : Notification.permission
      counted = true
      // A stream whose close is still pending (below) is kept.
      if (users++ === 0 && !stream) open(streamUrl, position)
    })
    // The position cleared (`clearNuxtState()`, e.g. on sign-out) while the stream is open: the
    // server follows the user a stream was opened for as long as it stays open, so the next user
    // signed in here would hear the last one's notifications. It opens again (the tab that follows
    // it for the others too) within the call that cleared it, before the app goes on. (A sync
    // watcher would run during SSR too, where there is no stream.)
    if (!import.meta.server) {
      watch(position, () => {
        if (position.value !== undefined || !stream) return
        close()
        open(streamUrl, position, true)
      }, { flush: 'sync' })
    }
    onBeforeUnmount(() => {
      if (!counted) return
      counted = false
      // Closed once this update is done, not at once: on a page switch the old page unmounts before
      // the new one mounts, and a new one that uses it too keeps the stream rather than opening
      // another — which, starting without `after`, would lose what was notified in between.
      if (--users === 0) {
        queueMicrotask(() => {
          if (users === 0) close()
        })
      }
    })
  }

  return { onNotification, onReconnect, requestPermission, permission }
}
