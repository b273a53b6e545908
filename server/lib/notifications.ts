/**
 * The user-level stream: completions and input requests of all of a user's jobs, so one tab can
 * tell the user about a job it is not showing. Each user keeps a short numbered backlog, so a
 * reconnect with Last-Event-ID replays what it missed; idle users are dropped.
 */
import type { JobStatus } from '../../shared/events'

/** One notification. `id` counts per user. */
export interface JobNotification {
  id: number
  type: 'job-created' | 'job-end' | 'input-request'
  jobId: string
  threadId: string | null
  status: JobStatus
  title: string
  requestId?: string
  prompt?: string
  at: number
}

/** Where a user's notifications go. */
export interface NotificationSink {
  send(notification: JobNotification): void
  comment(text: string): void
  close(): void
}

interface UserChannel {
  nextId: number
  backlog: JobNotification[]
  sinks: Set<NotificationSink>
  lastAt: number
}

/** Notifications kept per user for replays. */
export const NOTIFICATION_BACKLOG = 100

/** The notification hub of one engine. */
export class NotificationHub {
  private readonly users = new Map<string, UserChannel>()

  constructor(private readonly now: () => number) {}

  /** Users with a channel (for leak checks). */
  get size(): number {
    return this.users.size
  }

  /** Every open sink (for heartbeats). */
  *sinks(): Iterable<NotificationSink> {
    for (const channel of this.users.values()) yield* channel.sinks
  }

  private channel(userId: string): UserChannel {
    let channel = this.users.get(userId)
    if (!channel) {
      channel = { nextId: 1, backlog: [], sinks: new Set(), lastAt: this.now() }
      this.users.set(userId, channel)
    }
    return channel
  }

  /** Records and sends a notification. */
  notify(userId: string, notification: Omit<JobNotification, 'id' | 'at'>): void {
    const channel = this.channel(userId)
    const full: JobNotification = { ...notification, id: channel.nextId++, at: this.now() }
    channel.lastAt = full.at
    channel.backlog.push(full)
    if (channel.backlog.length > NOTIFICATION_BACKLOG) channel.backlog.shift()
    for (const sink of channel.sinks) sink.send(full)
  }

  /** Adds a sink; replays what came after `afterId` when it is still held. Returns detach. */
  attach(userId: string, sink: NotificationSink, afterId: number | null): () => void {
    const channel = this.channel(userId)
    if (afterId !== null) {
      for (const notification of channel.backlog) if (notification.id > afterId) sink.send(notification)
    }
    channel.sinks.add(sink)
    return () => {
      channel.sinks.delete(sink)
      channel.lastAt = this.now()
    }
  }

  /** Drops users with no open stream and nothing newer than `idleBefore`. */
  prune(idleBefore: number): void {
    for (const [userId, channel] of this.users) {
      if (channel.sinks.size === 0 && channel.lastAt < idleBefore) this.users.delete(userId)
    }
  }

  /** Closes every sink and forgets everything. */
  closeAll(): void {
    for (const sink of [...this.sinks()]) sink.close()
    this.users.clear()
  }
}
