/**
 * The tab's listeners of the user's job notifications (`useJobNotifications().onNotification`)
 * and of its stream's reconnects (`onReconnect`).
 * Client only: during SSR `onNotification` adds nothing here, since this set lives as long as the
 * server process — a component's unmount hook never runs on the server, so every render would
 * leave its listener behind, and a listener could hear another request's user's notifications.
 */
import type { JobNotification } from './api-types'
import { callEachListener } from './call-listeners'
import { createListenerSet } from './listener-set'

/** A listener of notifications. */
export type NotificationListener = (notification: JobNotification) => void

const listeners = createListenerSet<JobNotification>()

/** Adds `listener`; returns a function that removes it (idempotent). */
export function addNotificationListener(listener: NotificationListener): () => void {
  return listeners.add(listener)
}

/** Hands a notification to every listener. */
export function dispatchNotification(notification: JobNotification): void {
  callEachListener(listeners.snapshot(), notification, 'onNotification')
}

/** The number of listeners right now (tests count leaks with it, e.g. after SSR renders). */
export function notificationListenerCount(): number {
  return listeners.size
}

/** A listener of the stream's reconnects (`useJobNotifications().onReconnect`). */
export type ReconnectListener = () => void

const reconnectListeners = createListenerSet<void>()

/** Adds `listener` for reconnects; returns a function that removes it (idempotent). */
export function addReconnectListener(listener: ReconnectListener): () => void {
  return reconnectListeners.add(listener)
}

/** Tells every reconnect listener that the stream opened again after a break. */
export function dispatchReconnect(): void {
  callEachListener(reconnectListeners.snapshot(), undefined, 'onReconnect')
}

/** The number of reconnect listeners right now (tests count leaks with it). */
export function reconnectListenerCount(): number {
  return reconnectListeners.size
}
