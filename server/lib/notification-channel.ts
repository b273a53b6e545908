/**
 * One user's channel in the notification hub (notifications.ts): the streams open for the user,
 * the short numbered backlog a reconnect replays, and the keys of what was notified (the dedupe:
 * a job running here is notified by its run and again by the feed). The backlog holds what a
 * reconnect still needs: a question answered or of an ended job, a deleted job's notifications, a
 * thread's earlier titles leave it.
 */
import type { JobNotification } from '../../shared/api-types'

/** Where a user's notifications go. */
export interface NotificationSink {
  send(notification: JobNotification): void
  /**
   * A stream opened without a resume position gets one at once (`stream-start`): every
   * notification sent after it has a greater id, so a tab that has had no notification yet can
   * still resume after a break instead of starting again "from now" (and missing what came between).
   */
  position?(id: number): void
  comment(text: string): void
  close(): void
}

/** A user's streams, backlog and notified keys, and the feed of their jobs elsewhere. */
export interface UserChannel {
  backlog: JobNotification[]
  sinks: Set<NotificationSink>
  lastAt: number
  /** Keys of what was notified (job, type, request), oldest first, for the dedupe. */
  notified: Set<string>
  /** Stops the feed of the user's jobs elsewhere (while any sink is attached). */
  stopFeed: (() => void) | null
  /** Since when (this instance's clock) the running feed follows the user's jobs elsewhere. */
  feedFrom: number
  /**
   * The last ids this instance gave the user's streams (notifications and fresh streams'
   * positions), oldest first: a resume from one of them needs no clock-skew margin.
   */
  given: number[]
  /**
   * The read-again (`recheck`) of questions the backlog asks, while it runs: a stream that resumes
   * meanwhile waits for it too, or the backlog would ask it a question answered already.
   */
  rechecking: Promise<void> | null
}

/** Notifications kept per user for replays. */
export const NOTIFICATION_BACKLOG = 100

/** Notified keys kept per user: far more than the jobs a user can have going at once. */
export const NOTIFIED_KEYS_KEPT = 1_000

/** The notifications after which nothing more of a job is sent: it is gone from the store. */
export type GoneType = 'job-deleted' | 'job-lost'
export const GONE_TYPES: readonly JobNotification['type'][] = ['job-deleted', 'job-lost'] satisfies GoneType[]

/** What makes two notifications the same: job, type and input request. */
export function notificationKey(notification: Pick<JobNotification, 'jobId' | 'type' | 'requestId'>): string {
  return `${notification.jobId}\u0000${notification.type}\u0000${notification.requestId ?? ''}`
}

/** A channel with no stream, backlog or notified key yet. */
export function createUserChannel(now: number): UserChannel {
  return { backlog: [], sinks: new Set(), lastAt: now, notified: new Set(), stopFeed: null, feedFrom: 0, given: [], rechecking: null }
}

/** Records `key` as notified (the oldest of `NOTIFIED_KEYS_KEPT` goes); false when it was already. */
export function firstTime(channel: UserChannel, key: string): boolean {
  if (channel.notified.has(key)) return false
  channel.notified.add(key)
  if (channel.notified.size > NOTIFIED_KEYS_KEPT) channel.notified.delete(channel.notified.values().next().value!)
  return true
}

/** Keeps a notification for replays (the oldest past `NOTIFICATION_BACKLOG` goes), with what it makes stale. */
export function keepInBacklog(channel: UserChannel, notification: JobNotification): void {
  // An ended job asks nothing any more, nor does an answered question: a reconnect's replay does not ask again.
  if (notification.type === 'job-end') dropRequests(channel, notification.jobId)
  else if (notification.type === 'input-answered' && notification.requestId !== undefined) dropRequests(channel, notification.jobId, notification.requestId)
  channel.backlog.push(notification)
  if (channel.backlog.length > NOTIFICATION_BACKLOG) channel.backlog.shift()
}

/**
 * Drops a job's `input-request`s from the backlog: without `requestId` every one, with a list every
 * one but those (still pending).
 */
export function dropRequests(channel: UserChannel, jobId: string, requestId?: string | readonly string[]): void {
  const kept = (id: string | undefined) => (typeof requestId === 'string' ? id !== requestId : requestId !== undefined && id !== undefined && requestId.includes(id))
  channel.backlog = channel.backlog.filter(notification => notification.jobId !== jobId || notification.type !== 'input-request' || kept(notification.requestId))
}

/** Drops a thread's earlier `thread-renamed` from the backlog (a reconnect needs the last title only). */
export function dropRename(channel: UserChannel, threadId: string): void {
  channel.backlog = channel.backlog.filter(notification => notification.type !== 'thread-renamed' || notification.threadId !== threadId)
}

/**
 * Drops a gone job's notifications from the backlog (its gone ones stay); a deletion in a thread
 * also drops the thread's `thread-renamed`.
 */
export function dropGoneJob(channel: UserChannel, type: GoneType, jobId: string, threadId: string | null): void {
  channel.backlog = channel.backlog.filter(notification => (notification.jobId !== jobId || GONE_TYPES.includes(notification.type))
    // A deletion in the thread may have taken its last job, and the title its user gave it
    // with it: a reconnect is not told that title again (a tab reads a thread's title from its list).
    && !(type === 'job-deleted' && threadId !== null && notification.type === 'thread-renamed' && notification.threadId === threadId))
}
