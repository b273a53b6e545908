/** Deduplicating notifications. Pure, so it is unit-tested. */
import type { JobNotification } from './api-types'

/**
 * A key that is the same for a notification delivered twice (e.g. replayed after a reconnect):
 * job, type and input request, as the server dedupes them. Not the status: instances tell the
 * same creation with the status each saw first (`queued` where it runs, maybe `running` elsewhere).
 */
export function notificationKey(notification: JobNotification): string {
  return [notification.type, notification.jobId, notification.requestId ?? ''].join(':')
}
