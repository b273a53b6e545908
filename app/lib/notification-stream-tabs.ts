/**
 * One notification stream for all of a browser's tabs of the app, not one per tab. Over HTTP/1.1
 * (`nuxt dev`, or a server without HTTP/2 in front) a browser opens at most 6 connections to a
 * host, and each open EventSource holds one: with a stream per tab, the 7th tab of the app could
 * not even load, and fewer tabs left no connection for a request. Here the tabs elect one
 * (a Web Lock: the first to ask holds it until it closes; then the next one gets it), which follows
 * the stream (notification-stream.ts) and hands every notification to the others over a
 * BroadcastChannel, with its id, so the next tab to take over resumes after the last one seen. A tab
 * that opens again after a while (its app's pages used no stream meanwhile) is told by the others
 * what came after the last id it had: the tabs keep the last notifications for that. A tab
 * about to be frozen (a background tab on Android) hands the stream over and queues up again. The
 * tabs' wake signals (online, shown again) go to the tab that follows the stream.
 * Without Web Locks (a page not in a secure context: plain HTTP other than localhost) each tab
 * follows its own stream, as before.
 */
import type { JobNotification } from './api-types'
import { notificationKey } from './notification-key'
import type { NotificationStreamHandle, NotificationStreamOptions } from './notification-stream'
import { followNotifications, SEEN_KEYS_MAX } from './notification-stream'
import { subscribeToWakeSignals } from './wake-signals'

/** The lock the tab that follows the stream holds, and the channel it broadcasts on. */
export const NOTIFICATIONS_TAB_LOCK = 'background-jobs:notifications'

/** The part of `BroadcastChannel` used here. */
export interface TabChannel {
  postMessage(message: unknown): void
  onmessage: ((event: MessageEvent) => void) | null
  close(): void
}

/** How tabs coordinate: `navigator.locks.request` and a `BroadcastChannel` (injectable for tests). */
export interface TabCoordination {
  requestLock: (name: string, signal: AbortSignal, hold: () => Promise<void>) => Promise<unknown>
  openChannel: (name: string) => TabChannel
  /**
   * Calls back when the browser is about to freeze this tab (the Page Lifecycle's `freeze`, e.g. a
   * background tab on Android): a frozen tab would hold the stream while hearing nothing, so it
   * hands it to the next tab. Returns an unsubscribe.
   */
  onFreeze: (callback: () => void) => () => void
}

/**
 * What one tab tells the others: a notification or a fresh stream's resume position (from the tab
 * that follows the stream), a wake signal (to it), or — from a tab that just opened — a question for
 * the last id seen, which any tab that has one answers with a `position`, and, when the tab says
 * where it was (`after`), with the notifications it keeps that came after it, for that tab only
 * (`to`: a tab opened since then never had them, and they are not its news).
 */
type TabMessage = { notification: JobNotification, id: string, to?: string } | { position: string } | { wake: true } | { broke: true } | { reconnected: true } | { ask: true, from: string, after?: string } | { renew: true }

/** Whether notification id `id` comes after `than` (ids are the server's clock in ms: numbers). */
function isLaterId(id: string, than: string): boolean {
  if (!than) return true
  const [a, b] = [Number(id), Number(than)]
  return Number.isFinite(a) && Number.isFinite(b) ? a > b : id !== than
}

/** Whether `notification` is a question that `closing` (its job's end, or its answer) closed. */
function isClosedBy(notification: JobNotification, closing: JobNotification): boolean {
  if (notification.type !== 'input-request' || notification.jobId !== closing.jobId) return false
  return closing.type === 'job-end' || notification.requestId === closing.requestId
}

/** The browser's Web Locks and BroadcastChannel, or null where either is missing (no secure context, SSR, Node). */
export function browserTabCoordination(): TabCoordination | null {
  if (typeof window === 'undefined' || typeof BroadcastChannel !== 'function' || !window.navigator?.locks) return null
  const locks = window.navigator.locks
  return {
    requestLock: (name, signal, hold) => locks.request(name, { signal }, hold),
    openChannel: name => new BroadcastChannel(name),
    onFreeze: (callback) => {
      document.addEventListener('freeze', callback)
      return () => document.removeEventListener('freeze', callback)
    },
  }
}

/**
 * Follows the notification stream once for every tab (see above); `onNotification` gets each
 * notification once in this tab, whichever tab follows the stream.
 */
export function followNotificationsAcrossTabs(
  options: NotificationStreamOptions & {
    /**
     * The signed-in user may have changed (the app cleared its state, e.g. on sign-out): the tab
     * that follows the stream opens it again, as the user the server now sees (an open stream
     * stays its first user's), and the tabs drop the notifications they kept for a tab that asks.
     */
    renew?: boolean
  },
  coordination: TabCoordination | null = browserTabCoordination(),
): NotificationStreamHandle {
  if (!coordination) return followNotifications(options)
  const tabs = coordination
  const seenKeys: string[] = []
  /** The last notifications this tab had, with their ids: what a tab that opens again missed. */
  const recent: { notification: JobNotification, id: string }[] = []
  /** This tab, as the others answer it. */
  const tabId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`
  let lastEventId = options.after ?? ''
  let stream: NotificationStreamHandle | null = null
  /** The wake of the stream this tab follows (null: another tab follows it). */
  let wakeStream: (() => void) | null = null
  let releaseLock: (() => void) | null = null
  let closed = false
  /** The stream broke and has not opened again since, whichever tab followed it: the next open is a reconnect. */
  let broken = false
  const stopAsking = new AbortController()
  const channel = coordination.openChannel(NOTIFICATIONS_TAB_LOCK)

  function deliver(notification: JobNotification, id: string): void {
    // Only forward: a tab told what another one missed may hear older ids than its own.
    if (id && isLaterId(id, lastEventId)) lastEventId = id
    const key = notificationKey(notification)
    if (seenKeys.includes(key)) return
    seenKeys.push(key)
    if (seenKeys.length > SEEN_KEYS_MAX) seenKeys.shift()
    if (id) {
      // As the server's backlog: a deleted (or lost) job's earlier notifications (its title) are not told
      // again, nor is a question its answer or its job's end closed (a tab told it would ask again).
      if (notification.type === 'job-deleted' || notification.type === 'job-lost') recent.splice(0, recent.length, ...recent.filter(kept => kept.notification.jobId !== notification.jobId))
      else if (notification.type === 'job-end' || notification.type === 'input-answered') recent.splice(0, recent.length, ...recent.filter(kept => !isClosedBy(kept.notification, notification)))
      recent.push({ notification, id })
      if (recent.length > SEEN_KEYS_MAX) recent.shift()
    }
    options.onNotification(notification, id)
  }

  channel.onmessage = (event) => {
    const message = event.data as TabMessage | null
    if (closed || !message) return
    if ('notification' in message) {
      if (message.to === undefined || message.to === tabId) deliver(message.notification, message.id)
    }
    // A position only fills in a tab that has none: an older id than a newer one it has would just
    // replay more (the keys drop it), but nothing is gained by going back.
    else if ('position' in message) {
      if (lastEventId) return
      lastEventId = message.position
      options.onPosition?.(lastEventId)
    }
    else if ('ask' in message) {
      if (lastEventId) channel.postMessage({ position: lastEventId } satisfies TabMessage)
      // A tab opened while the stream is broken: should it take the stream over, its first open is a reconnect.
      if (broken) channel.postMessage({ broke: true } satisfies TabMessage)
      // The others drop what they had already (by key).
      if (message.after) {
        for (const kept of recent) {
          if (isLaterId(kept.id, message.after)) channel.postMessage({ ...kept, to: message.from } satisfies TabMessage)
        }
      }
    }
    // The stream another tab follows opened again after a break: the server is back for this tab too.
    else if ('reconnected' in message) {
      broken = false
      options.onReconnect?.()
    }
    // It broke: should that tab close before it opens again, the tab taking it over tells the reconnect.
    else if ('broke' in message) broken = true
    else if ('renew' in message) {
      recent.length = 0
      if (stream) {
        stepDown()
        askToLead()
      }
    }
    else if (message.wake) wakeStream?.()
  }
  // A tab opened after the last notification would otherwise take the stream over "from now" when
  // the tab that follows it closes (maybe while it waited out a break): what came meanwhile is lost.
  // A tab that knows where it was (its pages used no stream for a while) asks what came since: the
  // tab that follows the stream had it, this one's stream was closed.
  // Renewing: first, so the others keep nothing of the last user's to tell this tab.
  if (options.renew) channel.postMessage({ renew: true } satisfies TabMessage)
  channel.postMessage((lastEventId ? { ask: true, from: tabId, after: lastEventId } : { ask: true, from: tabId }) satisfies TabMessage)

  // A wake signal (online, the tab shown again, a page restored) comes to the tab the user looks
  // at, seldom the one that follows the stream (a tab in the background): it is passed on to that
  // one, which reopens its stream if it waits out a delay or has been quiet (notification-stream.ts).
  const stopWaking = (options.subscribeToWake ?? subscribeToWakeSignals)(() => {
    if (closed) return
    if (wakeStream) wakeStream()
    else channel.postMessage({ wake: true } satisfies TabMessage)
  })

  /** Asks for the lock; held until this tab closes the stream (unmount, the tab closing, a freeze): then the next tab follows it. */
  function askToLead(): void {
    tabs.requestLock(NOTIFICATIONS_TAB_LOCK, stopAsking.signal, () => new Promise<void>((resolve) => {
      if (closed) return resolve()
      releaseLock = resolve
      stream = followNotifications({
        ...options,
        after: lastEventId || undefined,
        broken,
        // Its wake signals are this tab's and the other tabs' (above).
        subscribeToWake: (wake) => {
          wakeStream = wake
          return () => {
            if (wakeStream === wake) wakeStream = null
          }
        },
        onNotification: (notification, id) => {
          channel.postMessage({ notification, id } satisfies TabMessage)
          deliver(notification, id)
        },
        onBreak: () => {
          broken = true
          channel.postMessage({ broke: true } satisfies TabMessage)
        },
        onReconnect: () => {
          broken = false
          channel.postMessage({ reconnected: true } satisfies TabMessage)
          options.onReconnect?.()
        },
        // The next tab to take over resumes from it too, even before any notification came.
        onPosition: (id) => {
          lastEventId = id
          channel.postMessage({ position: id } satisfies TabMessage)
          options.onPosition?.(id)
        },
      })
    })).catch(() => {
      // Aborted by close() while still waiting for the lock: nothing to do.
    })
  }

  /** Stops following the stream and lets the lock go (to the next tab in line). */
  function stepDown(): void {
    stream?.close()
    stream = null
    releaseLock?.()
    releaseLock = null
  }

  // About to be frozen while following the stream: hand it over, and queue up again for later.
  const stopWatchingFreeze = tabs.onFreeze(() => {
    if (closed || !stream) return
    stepDown()
    askToLead()
  })
  askToLead()

  return {
    close() {
      if (closed) return
      closed = true
      stopWatchingFreeze()
      stopWaking()
      stopAsking.abort()
      stepDown()
      channel.onmessage = null
      channel.close()
    },
  }
}
