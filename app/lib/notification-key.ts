/** Deduplicating notifications. Pure, so it is unit-tested. */
import type { JobNotification } from './api-types'

/**
 * A key that is the same for a notification delivered twice (e.g. replayed after a reconnect):
 * job, type and input request, as the server dedupes them. Not the status: instances tell the
 * same creation with the status each saw first (`queued` where it runs, maybe `running` elsewhere).
 * A `thread-renamed` is about no job: its thread and its own id.
 */
export function notificationKey(notification: JobNotification): string {
  // A thread's renames are each news (the same title again too): one is the same only by its id.
  if (notification.type === 'thread-renamed') return [notification.type, notification.threadId ?? '', notification.id].join(':')
  return [notification.type, notification.jobId, notification.requestId ?? ''].join(':')
}
