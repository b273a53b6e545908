/**
 * Jobs of a user gone from the `redis` provider, as the user's feeds report them: deleted
 * (`deleted:<userId>`, DELETE_JOB_SCRIPT) or found lost by their owner (`lost:<userId>`,
 * `JOB_LOST_SCRIPT`: a `FLUSHALL`, an eviction, a restart without the data took the job's keys,
 * the user with them — the owner's engine still knew whose it was). Each is recorded by its time
 * for `DELETION_RECORD_MS` and its id published on the user's channel: a feed that reads no record
 * behind an id asks these sets which it was, and one whose pub/sub connection was down reads them
 * after reconnecting (redis-user-feed.ts).
 */

/** How a job without a record went. */
export type GoneKind = 'deleted' | 'lost'

/**
 * Lua: records job `id` of `user` as gone — `kind` 'deleted' or 'lost', the set `<kind>:<userId>`
 * (by `now`, for `keep` ms) — and publishes its id on the user's channel, so every feed following
 * the user reports it (`onDeleted` / `onLost`), also one that starts later for a stream resuming
 * from before it.
 */
export const RECORD_GONE = `local function recordGone(p, kind, id, user, now, keep)
  local gone = p .. kind .. ':' .. user
  redis.call('ZADD', gone, now, id)
  redis.call('ZREMRANGEBYSCORE', gone, '-inf', '(' .. (now - keep))
  redis.call('PEXPIRE', gone, keep)
  redis.call('PUBLISH', p .. 'user:' .. user, id)
end`

/**
 * ARGV: prefix, id, userId, now, keepMs. Records job `id` of `userId` as lost and publishes its id
 * on the user's channel — unless the store has the job (its hash is there) or recorded it deleted
 * (`deleted:<userId>`: a delete while its old owner was cut off is not a loss): then nothing, 0.
 */
export const JOB_LOST_SCRIPT = `
${RECORD_GONE}
local p, id, user, now, keep = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
if redis.call('EXISTS', p .. 'job:' .. id) == 1 then return 0 end
if redis.call('ZSCORE', p .. 'deleted:' .. user, id) then return 0 end
recordGone(p, 'lost', id, user, now, keep)
return 1
`

type Command = <T>(args: string[]) => Promise<T>
interface GoneKeys {
  deletedOfUser: (userId: string) => string
  lostOfUser: (userId: string) => string
}

/** How job `id` of `userId`, which has no record, went: null for neither recorded (an id of another database). */
export async function goneKindOf(command: Command, keys: GoneKeys, userId: string, id: string): Promise<GoneKind | null> {
  const [deleted, lost] = await Promise.all([
    command<string | null>(['ZSCORE', keys.deletedOfUser(userId), id]),
    command<string | null>(['ZSCORE', keys.lostOfUser(userId), id]),
  ])
  return deleted !== null ? 'deleted' : lost !== null ? 'lost' : null
}

/** The jobs of `userId` deleted or found lost from `since` (epoch ms) on. */
export async function goneSince(command: Command, keys: GoneKeys, userId: string, since: number): Promise<Array<{ id: string, kind: GoneKind }>> {
  const [deleted, lost] = await Promise.all([
    command<string[]>(['ZRANGEBYSCORE', keys.deletedOfUser(userId), String(since), '+inf']),
    command<string[]>(['ZRANGEBYSCORE', keys.lostOfUser(userId), String(since), '+inf']),
  ])
  return [...deleted.map(id => ({ id, kind: 'deleted' as const })), ...lost.map(id => ({ id, kind: 'lost' as const }))]
}
