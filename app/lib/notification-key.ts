/** Deduplicating notifications. Pure, so it is unit-tested. */
import type { JobNotification } from './api-types'

/** A key that is the same for a notification delivered twice (e.g. replayed after a reconnect). */
export function notificationKey(notification: JobNotification): string {
  return [notification.type, notification.jobId, notification.requestId ?? '', notification.status].join(':')
}
