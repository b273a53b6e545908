/**
 * A `redis` provider's user feed (`subscribeUserJobs`): the user's changed jobs, deleted or lost
 * jobs and renamed threads, from the user's channel (`user:<userId>`), with the reads that make up
 * for messages no feed heard — the start's read of the user's recorded changes, and a catch-up
 * after a pub/sub reconnect or a failed read (retried on a timer).
 */
import type { ChannelHub, Follower } from './redis-follow'
import type { redisKeys } from './redis-records'
import type { RedisSubscriptionOptions } from './redis-subscriptions'
import type { ChangedJobRecord, JobRecord, ThreadRenamed, UserFeedSubscribeOptions } from './types'
import type { WorkSlots } from '../work-slots'
import { USER_CHANGES_KEPT } from './redis-user-changes'
import type { GoneKind } from './redis-gone-jobs'
import { goneKindOf, goneSince } from './redis-gone-jobs'
import { isRenamedMessage, parseRenamedMessage, renamedSince } from './redis-renames'
import { createRetryingFollower } from './redis-retrying-follower'

/**
 * After a pub/sub reconnect a user subscription reads the user's newest jobs (this many at most)
 * and those in the user's recorded changes, and hands on those changed since its last message,
 * less this margin for instances' clocks.
 */
const USER_CATCH_UP_JOBS = 100
const USER_CATCH_UP_MARGIN_MS = 5_000

/** What a record handed on by a feed's start says (a later message that reads the same is dropped). */
const changeOf = (record: JobRecord) => `${record.status}\u0000${record.updatedAt}\u0000${record.lastSeq}`
const GONE = '\u0000gone:'

/** What a user feed needs from the subscriptions it is one of (redis-subscriptions.ts). */
export interface UserFeedContext {
  options: RedisSubscriptionOptions
  keys: ReturnType<typeof redisKeys>
  /** The catch-ups one reconnect starts, run a few at a time. */
  catchUps: WorkSlots
  /** Starts a follower and remembers it, so `stopAll` stops it (and `settled` waits for it). */
  track: (start: (hub: ChannelHub) => Follower) => () => void
  /** A follower over one channel with its own ordered chain of work (`enqueue` adds to it). */
  chained: (hub: ChannelHub, channel: string, handle: (message: string) => Promise<void> | void, first?: () => Promise<void>) => Follower & { enqueue: (work: () => Promise<void>) => void }
}

/** Follows a user's jobs and threads (the contract's `subscribeUserJobs`); returns the unsubscribe. */
export function subscribeUserFeed(context: UserFeedContext, userId: string, listener: (records: ChangedJobRecord[]) => void, subscribeOptions: UserFeedSubscribeOptions = {}): () => void {
  const { options, keys, catchUps, track, chained } = context
  const { prefix, command, onError } = options
  // Stopped by the unsubscribe or by `stopAll`; a failed read's catch-up is retried on a timer.
  const retrying = createRetryingFollower(onError)
  // Messages published while the pub/sub connection was down are lost: after a reconnect, the
  // user's jobs changed since the last message are read (the engine drops what it already sent).
  let heardAt = options.now()
  // What happened from here (or `since`) until Redis confirms the SUBSCRIBE went to nobody: it
  // is read from the user's recorded changes then (redis-user-changes.ts), not again when heard.
  const openedAt = Math.min(heardAt, subscribeOptions.since ?? heardAt)
  const startRead = new Map<string, string>()
  // Where a catch-up that failed (or a message whose record was not read) asks the next one to
  // read from (none: +Infinity).
  let missedSince = Number.POSITIVE_INFINITY
  const { onDeleted, onLost } = subscribeOptions
  const readsGone = Boolean(onDeleted || onLost)
  const handOnGone = (id: string, kind: GoneKind) => (kind === 'deleted' ? onDeleted : onLost)?.(id)
  const { onRenamed } = subscribeOptions
  const handOnRenamed = (message: string) => {
    const rename = onRenamed && parseRenamedMessage(message)
    if (rename) onRenamed!(rename)
  }
  // The renames a feed missed (its start, a catch-up): before the deletions read with them.
  const renamesSince = (since: number) => onRenamed ? renamedSince(command, prefix, userId, since) : Promise.resolve([])
  // One job at a time, in publish order: reading each record must not reorder them.
  const stop = track((hub) => {
    const follower = chained(hub, keys.user(userId), async (id) => {
      const at = heardAt = options.now()
      if (retrying.stopped) return
      // A rename (redis-renames.ts), in order with the job ids around it.
      if (isRenamedMessage(id)) return void handOnRenamed(id)
      let record: JobRecord | null
      let gone: GoneKind | null = null
      try {
        record = await options.get(id)
        // No record: deleted, or found lost by its owner (redis-gone-jobs.ts recorded which), or an id this
        // database never held — an app with the same prefix in another database (channels are not per database).
        if (!record) gone = await goneKindOf(command, keys, userId, id)
      }
      catch (error) {
        // Not read (Redis slow, the connection dropping): the user's jobs changed since this
        // message are read later, as after a reconnect — the message will not come again.
        missedSince = Math.min(missedSince, at - USER_CATCH_UP_MARGIN_MS)
        return retrying.retryLater(error, enqueueCatchUp)
      }
      if (retrying.stopped) return
      const read = startRead.get(id)
      if (read !== undefined) {
        // The start's read handed this record (or deletion) on already.
        if (read === (record ? changeOf(record) : gone ? GONE + gone : '')) return
        startRead.delete(id)
      }
      if (record) listener([record])
      else if (gone) handOnGone(id, gone)
    }, async () => {
      if (retrying.stopped) return
      let records: JobRecord[]
      let deleted: Array<{ id: string, kind: GoneKind }>
      let renamed: ThreadRenamed[]
      try {
        const [ids, gone, renames] = await Promise.all([
          command<string[]>(['ZRANGE', keys.changedOfUser(userId), '+inf', String(openedAt), 'BYSCORE', 'REV', 'LIMIT', '0', String(USER_CHANGES_KEPT)]),
          readsGone ? goneSince(command, keys, userId, openedAt) : [],
          renamesSince(openedAt),
        ])
        renamed = renames
        records = (await Promise.all(ids.map(id => options.get(id)))).filter(record => record !== null)
        deleted = gone
      }
      catch (error) {
        // As a message not read: the retry's catch-up reads the user's jobs changed since.
        missedSince = Math.min(missedSince, openedAt)
        return retrying.retryLater(error, enqueueCatchUp)
      }
      if (retrying.stopped) return
      records.sort((a, b) => a.updatedAt - b.updatedAt)
      for (const record of records) startRead.set(record.id, changeOf(record))
      for (const { id, kind } of deleted) startRead.set(id, GONE + kind)
      if (records.length > 0) listener(records)
      renamed.forEach(rename => onRenamed!(rename))
      for (const { id, kind } of deleted) {
        if (retrying.stopped) return
        handOnGone(id, kind)
      }
    })
    /**
     * Reads the jobs changed (and deleted) since the last message heard. A read that fails (a
     * command timing out just as the connection came back) is tried again on a timer for the
     * same window until it succeeds, as a job follower's is (redis-follow.ts): the lost
     * notifications would come back no other way.
     */
    const catchUp = async () => {
      if (retrying.stopped) return
      const since = Math.min(missedSince, heardAt - USER_CATCH_UP_MARGIN_MS)
      missedSince = since
      heardAt = options.now()
      let changed: JobRecord[]
      let deleted: Array<{ id: string, kind: GoneKind }>
      let renamed: ThreadRenamed[]
      try {
        // The newest jobs, and the user's recorded changes (redis-user-changes.ts): a job created
        // before the newest 100 that changed meanwhile is only there.
        const [listed, recorded] = await Promise.all([
          options.list({ userId, limit: USER_CATCH_UP_JOBS }),
          command<string[]>(['ZRANGE', keys.changedOfUser(userId), '+inf', String(since), 'BYSCORE', 'REV', 'LIMIT', '0', String(USER_CHANGES_KEPT)]),
        ])
        const listedIds = new Set(listed.map(record => record.id))
        const older = await Promise.all(recorded.filter(id => !listedIds.has(id)).map(id => options.get(id)))
        changed = [...listed, ...older.filter(record => record !== null)].filter(record => record.updatedAt >= since)
        // Jobs deleted (or found lost) meanwhile: their ids on the channel were missed, their records are gone.
        deleted = readsGone ? await goneSince(command, keys, userId, since) : []
        renamed = await renamesSince(since)
      }
      catch (error) {
        return retrying.retryLater(error, enqueueCatchUp)
      }
      missedSince = Number.POSITIVE_INFINITY
      retrying.succeeded()
      changed.sort((a, b) => a.updatedAt - b.updatedAt)
      if (changed.length > 0 && !retrying.stopped) listener(changed)
      if (!retrying.stopped) renamed.forEach(rename => onRenamed!(rename))
      for (const { id, kind } of deleted) {
        if (retrying.stopped) return
        handOnGone(id, kind)
      }
    }
    /** Runs a catch-up in the follower's chain (after a reconnect, or as a failed read's retry). */
    const enqueueCatchUp = () => follower.enqueue(() => catchUps.run(catchUp))
    retrying.onReconnectStop(hub.onReconnect(enqueueCatchUp))
    return retrying.stoppable(follower)
  })
  return retrying.unsubscribe(stop)
}
