/**
 * The `redis` provider's thread index. Per user, `threads:<userId>` is a sorted set of the user's
 * thread ids scored by their newest job's `createdAt`, and `thread:<userId>\0<threadId>` a sorted
 * set of the thread's job ids scored by `createdAt`. The create script adds to both in the same
 * step as the job; every deletion (single delete, thread delete, retention) goes through
 * `deleteEndedJob`, which removes the job, moves its thread to the next newest job's time and
 * drops a thread left empty. Jobs stored before the index existed are indexed once per user, the
 * first time the user's threads are read (`BACKFILL_THREADS_SCRIPT`). A title the user gave a
 * thread is a field of the hash `thread-titles:<userId>` (`RENAME_THREAD_SCRIPT`, which also tells
 * the user's feeds), which the deletion of the thread's last job removes with the thread.
 */
import { RENAMED_MARK, RENAMES_KEEP_MS, RENAMES_KEPT } from './redis-renames'
import { compareThreads, isAfterCursor } from './thread-order'
import type { JobRecord, StoredThread, ThreadCursor, ThreadPage } from './types'

/**
 * Lua: adds a job to its thread (none for a job without one). A thread that had no job is new: a
 * title or kept rename stored for its id goes first, in the same step. Every deletion of a thread's
 * last job takes them away, but a server of a version before titles deleted the thread without
 * them (a rolling deploy), and the thread started again with that id would have taken them on.
 */
export const INDEX_THREAD = `local function indexThread(p, user, thread, id, createdAt)
  if not thread or thread == '' then return end
  local key = p .. 'thread:' .. user .. '\\0' .. thread
  if redis.call('EXISTS', key) == 0 then
    redis.call('HDEL', p .. 'thread-titles:' .. user, thread)
    redis.call('HDEL', p .. 'renames:' .. user, thread)
    redis.call('ZREM', p .. 'renamed:' .. user, thread)
  end
  redis.call('ZADD', key, createdAt, id)
  redis.call('ZADD', p .. 'threads:' .. user, 'GT', createdAt, thread)
end`

/** Lua: removes a job from its thread; the thread moves to its next newest job, or goes when empty. */
export const UNINDEX_THREAD = `local function unindexThread(p, user, thread, id)
  if not thread or thread == '' then return end
  local key = p .. 'thread:' .. user .. '\\0' .. thread
  redis.call('ZREM', key, id)
  local newest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  if #newest == 0 then
    redis.call('ZREM', p .. 'threads:' .. user, thread)
    redis.call('HDEL', p .. 'thread-titles:' .. user, thread)
    redis.call('HDEL', p .. 'renames:' .. user, thread)
    redis.call('ZREM', p .. 'renamed:' .. user, thread)
  else
    redis.call('ZADD', p .. 'threads:' .. user, newest[2], thread)
  end
end`

/**
 * ARGV: prefix, userId, threadId, title, renameId, now, keepMs, mark. Gives the user's thread its
 * title when the thread has a job (answering the id of its newest job), in the same step as the
 * check, so a title never lands on a thread deleted meanwhile, and with a `renameId` ('' for none)
 * publishes the rename (`mark` and `{ threadId, title, renameId, jobId }` as JSON, jobId the newest
 * job's: redis-renames.ts) on the user's channel, keeping it as the thread's last rename (`renames:<userId>`, `renamed:<userId>` by
 * `now`, for `keepMs`) for the feeds that were not listening — the user's renames older than
 * `keepMs`, and all but their newest `RENAMES_KEPT`, leave both in the same step, so a user renaming
 * many threads keeps a bounded set; false (nothing written or published) for a thread the user does not have.
 */
export const RENAME_THREAD_SCRIPT = `
local p, user, thread, title, renameId = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local newest = redis.call('ZRANGE', p .. 'thread:' .. user .. '\\0' .. thread, -1, -1)[1]
if not newest then return false end
redis.call('HSET', p .. 'thread-titles:' .. user, thread, title)
if renameId ~= '' then
  local message = ARGV[8] .. cjson.encode({ threadId = thread, title = title, renameId = renameId, jobId = newest })
  local now, keepMs = tonumber(ARGV[6]), tonumber(ARGV[7])
  local renames, renamed = p .. 'renames:' .. user, p .. 'renamed:' .. user
  redis.call('PUBLISH', p .. 'user:' .. user, message)
  redis.call('HSET', renames, thread, message)
  redis.call('ZADD', renamed, now, thread)
  -- Bounded by age and count: renames older than keepMs, and all but the newest RENAMES_KEPT.
  local function drop(threads)
    for _, old in ipairs(threads) do
      redis.call('HDEL', renames, old)
      redis.call('ZREM', renamed, old)
    end
  end
  drop(redis.call('ZRANGE', renamed, '-inf', '(' .. (now - keepMs), 'BYSCORE'))
  drop(redis.call('ZRANGE', renamed, 0, -${RENAMES_KEPT + 1}))
  redis.call('PEXPIRE', renames, keepMs)
  redis.call('PEXPIRE', renamed, keepMs)
end
return newest
`

/**
 * ARGV: prefix, userId, from ('-inf' at first, then the `next` of the previous call), count.
 * Indexes the threads of the next `count` jobs of `user:<userId>` from `from` on (oldest first),
 * and of every other job in the millisecond of the last of them, reading each job's stored thread
 * (the `threadId` field, or its `meta` for jobs stored before that field existed). Returns {read,
 * next}: `next` is `(<that millisecond>`, so a call never ends inside a millisecond and the next
 * one starts after it with no count of jobs to skip. (A skip count went wrong when a job it had
 * counted was deleted between two calls: the next call skipped an unread job of the same
 * millisecond, which then never entered the index.) Between calls nothing can go missing: a job
 * created meanwhile is indexed by the create script itself, a job deleted meanwhile is taken out
 * by the delete script, and a job is indexed only if still stored, in the same step as the read,
 * so a deleted job never comes back. One call reads more than `count` jobs only when one
 * millisecond holds more of a user's jobs than that. The last call (fewer than `count` read) adds
 * the user to `threads-indexed` if they still have jobs: a user with none is never marked, since
 * only the deletion of their last job takes the mark away.
 */
export const BACKFILL_THREADS_SCRIPT = `
${INDEX_THREAD}
local p, user, from, count = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local key = p .. 'user:' .. user
local rows = redis.call('ZRANGE', key, from, '+inf', 'BYSCORE', 'LIMIT', 0, count, 'WITHSCORES')
-- The last call marks the user indexed, in the same step: a user with no job left is not marked
-- (nothing would take the mark away again: it goes with the user's last job, DELETE_ENDED_JOB).
local function markIfDone(read)
  if read < count and redis.call('EXISTS', key) == 1 then redis.call('SADD', p .. 'threads-indexed', user) end
end
if #rows == 0 then
  markIfDone(0)
  return {0, from}
end
local ids = {}
for index = 1, #rows, 2 do ids[#ids + 1] = rows[index] end
local last = rows[#rows]
-- The rest of the last job's millisecond: the rows end with its first jobs (same score, by member).
local read = 0
for index = #rows, 2, -2 do
  if rows[index] ~= last then break end
  read = read + 1
end
local ties = redis.call('ZRANGE', key, last, last, 'BYSCORE')
for index = read + 1, #ties do ids[#ids + 1] = ties[index] end
for _, id in ipairs(ids) do
  local fields = redis.call('HMGET', p .. 'job:' .. id, 'meta', 'createdAt', 'threadId')
  if fields[1] then
    local thread = fields[3]
    if not thread then
      local meta = cjson.decode(fields[1])
      if type(meta.threadId) == 'string' then thread = meta.threadId end
    end
    indexThread(p, user, thread, id, fields[2])
  end
end
markIfDone(#rows / 2)
return {#rows / 2, '(' .. last}
`

/** A `WITHSCORES` reply: pairs under RESP3, a flat member, score, … list under RESP2. */
type ScoredReply = Array<[string, number | string]> | string[]

function pairsOf(reply: ScoredReply): Array<[string, number | string]> {
  if (reply.length === 0 || Array.isArray(reply[0])) return reply as Array<[string, number | string]>
  const flat = reply as string[]
  const pairs: Array<[string, string]> = []
  for (let index = 0; index + 1 < flat.length; index += 2) pairs.push([flat[index]!, flat[index + 1]!])
  return pairs
}

/** Jobs the backfill reads per script call (each call blocks Redis while it runs: keep it short). */
const BACKFILL_PAGE = 200
/** Reads of a thread's first and last jobs while jobs of it are deleted in between. */
const ENDS_READS = 3
/** Threads read per `ZRANGE` while skipping those tied with the cursor. */
const THREAD_PAGE = 100

/** Where the backfill of a user's jobs goes on (the script's arguments after the user id). */
export type BackfillCursor = string[]
/** Where the backfill of a user's jobs starts. */
export const BACKFILL_START: BackfillCursor = ['-inf']

/**
 * One call of the backfill: indexes the threads of the next `count` jobs of the user from `cursor`
 * on; returns where the next call goes on, or null when the user's jobs are all read.
 */
export async function backfillStep(script: RedisThreadReads['script'], userId: string, cursor: BackfillCursor, count: number): Promise<BackfillCursor | null> {
  const [read, next] = await script<[number, string]>(BACKFILL_THREADS_SCRIPT, [userId, ...cursor, String(count)])
  return Number(read) < count ? null : [String(next)]
}

/** What the thread listing needs from the provider. */
export interface RedisThreadReads {
  prefix: string
  command: <T>(args: string[]) => Promise<T>
  script: <T>(source: string, args: string[]) => Promise<T>
  /** A record as listings return it (no whole request). */
  getListed: (id: string) => Promise<JobRecord | null>
  /** The instance's clock (a rename's time, as a feed's `since` counts). @default Date.now */
  now?: () => number
}

/** The key names of the thread index. */
export function threadKeys(prefix: string) {
  return {
    threads: (userId: string) => `${prefix}threads:${userId}`,
    thread: (userId: string, threadId: string) => `${prefix}thread:${userId}\u0000${threadId}`,
    /** The titles the user gave their threads (a hash: thread id → title). */
    titles: (userId: string) => `${prefix}thread-titles:${userId}`,
    /** Users whose jobs from before the index are indexed (a set of user ids). */
    indexedUsers: `${prefix}threads-indexed`,
  }
}

/** Creates the thread reads of one `redis` provider. */
export function createRedisThreads(reads: RedisThreadReads) {
  const keys = threadKeys(reads.prefix)
  const { command, script, getListed } = reads

  /** Indexes the user's jobs stored before the index existed, once per user. */
  async function ensureIndexed(userId: string): Promise<void> {
    if (Number(await command<number>(['SISMEMBER', keys.indexedUsers, userId])) === 1) return
    let cursor: BackfillCursor | null = BACKFILL_START
    // The last step marks the user (when they still have jobs) in the same script as its read.
    while (cursor) cursor = await backfillStep(script, userId, cursor, BACKFILL_PAGE)
  }

  /** Up to `limit` threads after `before`, newest first, and whether more follow. */
  async function threadIds(userId: string, limit: number, before: ThreadCursor | null | undefined): Promise<{ found: ThreadCursor[], more: boolean }> {
    const found: ThreadCursor[] = []
    const max = before ? String(before.newestAt) : '+inf'
    // Threads tied with the cursor's time and not after it are skipped; ties are rare, so this reads a page or two.
    for (let offset = 0; found.length <= limit; offset += THREAD_PAGE) {
      const reply = await command<ScoredReply>(['ZRANGE', keys.threads(userId), max, '-inf', 'BYSCORE', 'REV', 'LIMIT', String(offset), String(THREAD_PAGE), 'WITHSCORES'])
      const scored = pairsOf(reply)
      for (const [threadId, score] of scored) {
        const thread = { threadId, newestAt: Number(score) }
        if (isAfterCursor(thread, before)) found.push(thread)
      }
      if (scored.length < THREAD_PAGE) break
    }
    found.sort(compareThreads)
    return { found: found.slice(0, limit), more: found.length > limit }
  }

  /** The first and last job of a thread (null when it emptied meanwhile). */
  async function endsOf(userId: string, threadId: string): Promise<{ first: JobRecord, last: JobRecord } | null> {
    // A job deleted between the reads of its id and of itself: the thread is read again (with the
    // jobs it still has) rather than left off the page. Bounded, for an index entry left stale.
    for (let attempt = 0; attempt < ENDS_READS; attempt++) {
      const [firstIds, lastIds] = await Promise.all([
        command<string[]>(['ZRANGE', keys.thread(userId, threadId), '0', '0']),
        command<string[]>(['ZRANGE', keys.thread(userId, threadId), '-1', '-1']),
      ])
      if (!firstIds[0] || !lastIds[0]) return null
      const [first, last] = await Promise.all([getListed(firstIds[0]), getListed(lastIds[0])])
      if (first && last) return { first, last }
    }
    return null
  }

  return {
    ensureIndexed,

    async listThreads(userId: string, limit: number, before: ThreadCursor | null | undefined, activeIdsKey: string): Promise<ThreadPage> {
      await ensureIndexed(userId)
      const { found, more } = await threadIds(userId, Math.max(0, limit), before)
      // The user's active jobs: few (the per-user concurrency limit), the live part of every thread.
      const activeIds = await command<string[]>(['SMEMBERS', activeIdsKey])
      const [ends, active, titles] = await Promise.all([
        Promise.all(found.map(thread => endsOf(userId, thread.threadId))),
        Promise.all(activeIds.map(getListed)),
        found.length === 0 ? [] : command<Array<string | null>>(['HMGET', keys.titles(userId), ...found.map(thread => thread.threadId)]),
      ])
      const threads: StoredThread[] = []
      found.forEach((thread, index) => {
        const both = ends[index]
        if (!both) return
        const title = titles[index]
        threads.push({ threadId: thread.threadId, ...(typeof title === 'string' ? { title } : {}), ...both, active: active.filter((record): record is JobRecord => record !== null && record.threadId === thread.threadId) })
      })
      const last = found.at(-1)
      return { threads, next: more && last ? { newestAt: last.newestAt, threadId: last.threadId } : null }
    },

    /** Gives the user's thread its title; the id of its newest job, or null when the user has no such thread. */
    async renameThread(userId: string, threadId: string, title: string, renameId?: string): Promise<string | null> {
      // A thread of jobs stored before the index existed has no index entry until this has run.
      await ensureIndexed(userId)
      const newest = await script<string | null>(RENAME_THREAD_SCRIPT, [userId, threadId, title, renameId ?? '', String((reads.now ?? Date.now)()), String(RENAMES_KEEP_MS), RENAMED_MARK])
      return typeof newest === 'string' ? newest : null
    },

    /** The key of a thread's job ids (for `list({ threadId })`). */
    threadKey: keys.thread,
  }
}
