/**
 * The user-level stream: creations, completions, input requests, deletions and losses of all of a
 * user's jobs, and the titles they give their threads, so one tab can tell the user about a job it is not showing (or drop one gone). Each user keeps a short numbered backlog, so a reconnect with Last-Event-ID replays
 * what it missed. Idle users are dropped after retention, and past `NOTIFICATION_USERS_MAX` users
 * the least recently active idle one goes first.
 * Ids follow the clock (the time of the notification in ms, or one more than the last id given here
 * when that is not past it), so the ids of instances order alike: a reconnect that lands on another
 * instance replays what that one notified after the last id the tab had — from
 * `NOTIFICATION_REPLAY_SKEW_MS` before it, when the id is not one this instance gave, since the
 * other's clock may run ahead (the client drops a replayed duplicate). A position over a year old
 * (a counter id of the version before), or past the clock by more than that margin, is taken as
 * none (notification-positions.ts). With a shared provider, the
 * hub also follows the user's jobs on other instances while the user has a stream open (`follow`, see user-feed.ts); each notification
 * is sent once per job, type and request, whichever way it arrives first.
 */
import type { JobNotification } from '../../shared/api-types'
import type { Logger } from './logger'
import { silentLogger } from './logger'
import { stopQuietly } from './stop-quietly'
import { NOTIFICATION_REPLAY_SKEW_MS, nextNotificationId, placeablePosition, replayFrom } from './notification-positions'
import type { GoneType, NotificationSink, UserChannel } from './notification-channel'
import { createUserChannel, dropGoneJob, dropRename, dropRequests, firstTime, GONE_TYPES, keepInBacklog, NOTIFICATION_BACKLOG, notificationKey } from './notification-channel'

export type { JobNotification } from '../../shared/api-types'
export { NOTIFICATION_POSITION_MAX_AGE_MS, NOTIFICATION_REPLAY_SKEW_MS } from './notification-positions'
export type { NotificationSink } from './notification-channel'
export { NOTIFICATION_BACKLOG, NOTIFIED_KEYS_KEPT, notificationKey } from './notification-channel'

/**
 * Starts following a user's jobs that run elsewhere — from `since` (a stream's resume position)
 * when given, else from now; returns a function that stops it. `recheck`
 * reads again the jobs of `input-request`s the backlog kept while nothing followed them, and
 * settles (notifies) those no longer pending; it never rejects.
 */
export type FollowUser = ((userId: string, since?: number) => () => void) & {
  recheck?: (userId: string, requests: readonly JobNotification[]) => Promise<void>
}

/**
 * Users kept at most, beyond those with an open stream: past it, the user touched least lately
 * (notified or detached) with no open stream is forgotten first. Idle users are also dropped after
 * retention (`prune`), but many distinct users within one retention window (anonymous clients
 * that each start one job) would otherwise all be held until then.
 */
export const NOTIFICATION_USERS_MAX = 10_000

/** The notification hub of one engine. */
export class NotificationHub {
  private readonly users = new Map<string, UserChannel>()
  /** The last id given, over all users: ids only grow, also for a user forgotten (pruned, evicted) and back. */
  private lastId = 0

  /**
   * `follow`, when given, runs from a user's first attached sink until their last detaches.
   * `maxUsers`: users without an open stream kept at most (see `NOTIFICATION_USERS_MAX`).
   * `onUser`: a user entered the hub, however (a job, a stream, a deletion): the engine makes sure
   * its cleanup pass runs, which prunes them once idle (`prune`). `logger`: where a dropped stream
   * is logged (@default silentLogger).
   */
  constructor(private readonly now: () => number, private readonly follow?: FollowUser, private readonly maxUsers = NOTIFICATION_USERS_MAX, private readonly onUser?: () => void, private readonly logger: Logger = silentLogger) {}

  /** Users with a channel (for leak checks). */
  get size(): number {
    return this.users.size
  }

  /** Users whose jobs elsewhere are followed now (for leak checks). */
  get feeds(): number {
    let count = 0
    for (const channel of this.users.values()) if (channel.stopFeed) count++
    return count
  }

  /** Every open sink (for heartbeats). */
  *sinks(): Iterable<NotificationSink> {
    for (const channel of this.users.values()) yield* channel.sinks
  }

  private channel(userId: string): UserChannel {
    let channel = this.users.get(userId)
    if (!channel) {
      channel = createUserChannel(this.now())
      this.users.set(userId, channel)
      this.onUser?.()
    }
    return channel
  }

  /**
   * Records and sends a notification, unless the same one (job, type, request) was sent already:
   * a job running here is notified by its run and again by the feed. Returns whether it was sent.
   */
  notify(userId: string, notification: Omit<JobNotification, 'id' | 'at'>): boolean {
    const channel = this.channel(userId)
    const key = notificationKey(notification)
    // Nothing more of a deleted or lost job (its own `job-deleted` / `job-lost` included): a late
    // record from the feed would bring its title back, or show it going on.
    if (GONE_TYPES.some(type => channel.notified.has(notificationKey({ jobId: notification.jobId, type }))) || !firstTime(channel, key)) return false
    this.deliver(userId, channel, notification)
    return true
  }

  /**
   * The user gave a thread a new title (here, or on another instance: the feed): a `thread-renamed`
   * to their streams, kept in the backlog in place of the thread's earlier one (a reconnect needs the
   * last title only; a deletion in the thread drops it, `jobGone`). Each rename is news, the same
   * title again included; one `renameId` is sent once (told here, then by the feed). `jobId`: the
   * thread's newest job when it was renamed (`''`: unknown, a server of the version before). A
   * rename told after that job's deletion (or loss) was stored before it — the deletion's
   * notification overtook it (a local deletion against the feed's copy, or this instance's rename
   * call) — and may name a thread gone since: nothing is sent, as for any notification of a gone
   * job. Returns whether it was sent.
   */
  threadRenamed(userId: string, threadId: string, title: string, renameId?: string, jobId = ''): boolean {
    const channel = this.channel(userId)
    if (jobId !== '' && GONE_TYPES.some(type => channel.notified.has(notificationKey({ jobId, type })))) return false
    if (renameId !== undefined && !firstTime(channel, notificationKey({ jobId: '', type: 'thread-renamed', requestId: renameId }))) return false
    dropRename(channel, threadId)
    this.deliver(userId, channel, { type: 'thread-renamed', jobId, threadId, title })
    return true
  }

  /** Gives a notification its id and time, keeps it for replays and sends it to every stream of the user. */
  private deliver(userId: string, channel: UserChannel, notification: Omit<JobNotification, 'id' | 'at'>): void {
    const at = this.now()
    const full: JobNotification = { ...notification, id: this.nextId(at, channel), at }
    channel.lastAt = full.at
    keepInBacklog(channel, full)
    for (const sink of [...channel.sinks]) this.sendTo(channel, sink, full)
    this.touch(userId, channel)
  }

  /**
   * Sends to one stream. One whose `send` throws (a write on a destroyed socket, an app's sink with
   * a bug) is that stream's problem alone: it is closed and dropped (its client reconnects with its
   * last id), never a throw into whoever notified (a job's creation, its run, its end). One line
   * says so, as for a job's viewer.
   */
  private sendTo(channel: UserChannel, sink: NotificationSink, notification: JobNotification): void {
    try {
      sink.send(notification)
    }
    catch (error) {
      this.logger.error('a notification stream threw on send; it was closed', { jobId: notification.jobId, error })
      channel.sinks.delete(sink)
      if (channel.sinks.size === 0) this.stopFeed(channel)
      stopQuietly(() => sink.close())
    }
  }

  /** The next id (notification-positions.ts), kept as given to the user. */
  private nextId(at: number, channel: UserChannel): number {
    this.lastId = nextNotificationId(this.lastId, at, channel.given, NOTIFICATION_BACKLOG)
    return this.lastId
  }

  /** Moves a user to the back of the eviction order, then keeps the users within `maxUsers`. */
  private touch(userId: string, channel: UserChannel): void {
    if (this.users.get(userId) !== channel) return
    this.users.delete(userId)
    this.users.set(userId, channel)
    this.evict()
  }

  /**
   * Forgets the least recently touched users with no open stream until `maxUsers` are left. A user
   * with a stream met on the way goes to the back (it is in use), so each call looks at each user
   * at most once.
   */
  private evict(): void {
    for (let budget = this.users.size; this.users.size > this.maxUsers && budget > 0; budget--) {
      const [userId, channel] = this.users.entries().next().value!
      this.users.delete(userId)
      if (channel.sinks.size > 0) this.users.set(userId, channel)
    }
  }

  /**
   * Adds a sink; replays what came after `afterId` when it is still held. A position it cannot
   * place (`placeablePosition`) is taken as none: a fresh stream. Returns detach.
   */
  attach(userId: string, sink: NotificationSink, resumeId: number | null): () => void {
    const channel = this.channel(userId)
    const afterId = resumeId !== null && placeablePosition(channel.given, resumeId, this.now(), this.lastId) ? resumeId : null
    const from = afterId === null ? null : replayFrom(channel.given, afterId)
    // Where the feed starts for this position: the skew margin before it, also one this instance
    // gave (the changes the feed reads carry other instances' clocks, Redis, or the deployment's, Convex).
    const since = afterId === null ? null : afterId - NOTIFICATION_REPLAY_SKEW_MS
    // Nothing here followed the user's jobs elsewhere since that start (no feed runs, or the one
    // running, another tab's, started after it).
    const behind = from !== null && since !== null && (!channel.stopFeed || since < channel.feedFrom)
    // While no stream was open the feed was stopped: a question of a job elsewhere that the replay
    // would ask may have been answered meanwhile (one asked before the running feed started, too).
    // Those are read again first; the replay (and what is notified meanwhile) follows once they are
    // settled, so an answered one is not asked again.
    const unsure = behind && this.follow?.recheck
      ? channel.backlog.filter(notification => notification.type === 'input-request' && notification.id > from
        && (!channel.stopFeed || notification.id < channel.feedFrom))
      : []
    let attached: NotificationSink = sink
    let detached = false
    if (unsure.length > 0) {
      const rechecking: Promise<void> = this.follow!.recheck!(userId, unsure).catch(() => {}).then(() => {
        if (channel.rechecking === rechecking) channel.rechecking = null
      })
      channel.rechecking = rechecking
    }
    // Resuming while questions are read again (this stream's, or another's that came back at the
    // same moment): the replay waits for the answers.
    const settling = from === null ? null : channel.rechecking
    if (settling) {
      const held: JobNotification[] = []
      attached = { send: notification => held.push(notification), comment: text => sink.comment(text), close: () => sink.close() }
      const join = () => {
        if (detached) return
        let lastSent = from!
        channel.sinks.delete(attached)
        attached = sink
        channel.sinks.add(sink)
        for (const notification of [...channel.backlog, ...held]) {
          if (notification.id <= lastSent) continue
          // A stream that throws is dropped there (sendTo), not left waiting as its holder.
          this.sendTo(channel, sink, notification)
          if (!channel.sinks.has(sink)) return
          lastSent = notification.id
        }
      }
      void settling.then(join)
    }
    else if (from !== null) {
      for (const notification of channel.backlog) if (notification.id > from) sink.send(notification)
    }
    channel.sinks.add(attached)
    // A fresh stream: its resume position is now (an id of its own, so whatever is notified from
    // here on gets a greater one), or its first reconnect would start from its own moment again.
    if (afterId === null && sink.position) sink.position(this.nextId(this.now(), channel))
    // The feed starts from this stream's position when it is behind (or from now when none runs),
    // or what the user's jobs elsewhere did during the break would never reach it. A running one is
    // replaced once the new one runs (the hub drops what both tell).
    if (this.follow && (!channel.stopFeed || behind)) {
      const previous = channel.stopFeed
      let stop: () => void
      try {
        stop = since === null ? this.follow(userId) : this.follow(userId, since)
      }
      catch (error) {
        // The stream fails with it (its request answers the error): nothing of it stays attached.
        detached = true
        channel.sinks.delete(attached)
        if (channel.sinks.size === 0) this.stopFeed(channel)
        throw error
      }
      channel.stopFeed = stop
      channel.feedFrom = Math.min(since ?? Number.POSITIVE_INFINITY, this.now())
      stopQuietly(previous)
    }
    this.touch(userId, channel)
    return () => {
      detached = true
      channel.sinks.delete(attached)
      channel.lastAt = this.now()
      if (channel.sinks.size === 0) this.stopFeed(channel)
      this.touch(userId, channel)
    }
  }

  private stopFeed(channel: UserChannel): void {
    const stop = channel.stopFeed
    channel.stopFeed = null
    stopQuietly(stop)
  }

  /**
   * A job was deleted (here, or on another instance: the feed): its earlier notifications leave
   * the backlog, so a reconnect's replay no longer carries its title, and a `job-deleted` (no
   * title, no status) goes to the user's streams and into the backlog, so a tab that reconnects
   * learns it too. Nothing more of the job is sent after it. `threadId`, when not given, is taken
   * from the job's earlier notifications. Returns whether the `job-deleted` was sent (once per job).
   */
  jobDeleted(userId: string, jobId: string, threadId?: string | null): boolean {
    return this.jobGone('job-deleted', userId, jobId, { threadId })
  }

  /**
   * Retention deleted a job (the engine's pass): told as `jobDeleted` to a user this hub holds with
   * a stream open, or active since `idleBefore` (a backlog a stream may still resume from). Nothing
   * for a user it does not hold, or holds idle since before (the same pass prunes them): telling
   * those would keep each one another retention period for no stream. Returns whether it was sent.
   */
  jobExpired(userId: string, jobId: string, threadId: string | null, idleBefore: number): boolean {
    const channel = this.users.get(userId)
    if (!channel || (channel.sinks.size === 0 && channel.lastAt < idleBefore)) return false
    // What retention tells does not count as the user's activity: a user with no stream open is
    // still pruned when the rest of their backlog is older than retention, this job-deleted with it.
    const lastAt = channel.lastAt
    const sent = this.jobDeleted(userId, jobId, threadId)
    if (channel.sinks.size === 0) channel.lastAt = lastAt
    return sent
  }

  /**
   * The store lost a job that had not ended (its run stopped without an end; told by its owner, or
   * by the feed): as `jobDeleted`, with a `job-lost` that keeps the job's title (`known`, else
   * from its earlier notifications), so a tab stops showing it running or asking and can say why.
   */
  jobLost(userId: string, jobId: string, known: { threadId?: string | null, title?: string } = {}): boolean {
    return this.jobGone('job-lost', userId, jobId, known)
  }

  private jobGone(type: GoneType, userId: string, jobId: string, known: { threadId?: string | null, title?: string }): boolean {
    const channel = this.users.get(userId)
    const earlier = channel?.backlog.find(notification => notification.jobId === jobId)
    const threadId = known.threadId ?? earlier?.threadId ?? null
    const title = type === 'job-lost' ? known.title ?? earlier?.title : undefined
    if (channel) dropGoneJob(channel, type, jobId, threadId)
    return this.notify(userId, { type, jobId, threadId, ...(title === undefined ? {} : { title }) })
  }

  /**
   * A job's input request is over (answered on any tab or instance, or expired): its
   * `input-request` leaves the user's backlog, so a stream that reconnects is not asked again for
   * an answer already given. Without `requestId`, every request of the job (it no longer waits);
   * with a list, every request of the job but those (still pending).
   */
  inputSettled(userId: string, jobId: string, requestId?: string | readonly string[]): void {
    const channel = this.users.get(userId)
    if (channel) dropRequests(channel, jobId, requestId)
  }

  /** Drops users with no open stream and nothing newer than `idleBefore`. */
  prune(idleBefore: number): void {
    for (const [userId, channel] of this.users) {
      if (channel.sinks.size === 0 && channel.lastAt < idleBefore) this.users.delete(userId)
    }
  }

  /** Closes every sink and forgets everything. */
  closeAll(): void {
    for (const sink of [...this.sinks()]) stopQuietly(() => sink.close())
    for (const channel of this.users.values()) this.stopFeed(channel)
    this.users.clear()
  }
}
