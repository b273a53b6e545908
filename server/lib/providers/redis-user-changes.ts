/**
 * A user's recent changes, recorded for the feeds that were not yet listening. Each job id
 * published on `user:<userId>` because the job was created, changed status or asked a question is
 * also put in the user's `changed:<userId>` sorted set, by the change's time (the job's
 * `updatedAt`), in the same script step. A user feed that starts reads the entries from the moment
 * it started being set up once Redis confirmed its SUBSCRIBE (redis-user-feed.ts): a change
 * published between the two was heard by nobody, and the tab that just opened would never learn
 * that a job of another instance asked it a question or ended. A feed started for a stream that
 * resumes reads from the stream's position instead (`since`). The set keeps the newest
 * `USER_CHANGES_KEPT` entries (a job deleted leaves it) and expires `USER_CHANGES_KEEP_MS` after
 * its last change, so a feed's start costs one range read (usually empty), never a walk over the
 * user's jobs.
 */

/** Entries kept per user (also the most a feed's start reads). */
export const USER_CHANGES_KEPT = 100
/** How long a user's set outlives its last change. */
export const USER_CHANGES_KEEP_MS = 3_600_000

/** Lua: records a change of job `id` of `user` at `at` (epoch ms) and publishes it to the user's feeds. */
export const USER_CHANGED = `local function userChanged(p, user, id, at)
  local key = p .. 'changed:' .. user
  redis.call('ZADD', key, at, id)
  redis.call('ZREMRANGEBYRANK', key, 0, -${USER_CHANGES_KEPT + 1})
  redis.call('PEXPIRE', key, ${USER_CHANGES_KEEP_MS})
  redis.call('PUBLISH', p .. 'user:' .. user, id)
end`
