/**
 * The Lua pieces the `redis` provider's scripts share. Each write that must check and change
 * several keys at once runs as one script, so it is atomic on the Redis server (the compare-and-set
 * points: idempotent create with the active-job limits, redis-create-script.ts; append with the
 * terminal/seq/epoch checks, redis-append-script.ts; lease claim and heartbeat by epoch,
 * redis-lease-scripts.ts; controls numbered per job, redis-control-scripts.ts; the rate-limit window,
 * redis-rate-script.ts; retention and deletion, redis-delete-scripts.ts; the owned read,
 * redis-owned-script.ts). Every script gets the key prefix as ARGV[1]; key names are documented in
 * docs/providers.md.
 */

import { UNINDEX_THREAD } from './redis-threads'
import { FORGET_LOST_JOB } from './redis-lost-job'

export const TERMINAL = `local function terminal(status) return status == 'completed' or status == 'failed' or status == 'aborted' end`

/**
 * The time (epoch ms) a script judges leases, lease expiry and rate windows by: Redis's own clock
 * (`TIME`), the one clock every instance shares, so instances whose clocks disagree still agree
 * on whether a lease lapsed. A non-empty argument is a test's fake clock instead (the provider's
 * `storeClock` option). Redis 7 replicates a script's effects, not the script, so reading `TIME`
 * before writing is allowed and replicas store the same values.
 */
export const CLOCK = `local function clock(given)
  if given ~= '' then return tonumber(given) end
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end`

/**
 * A sliding window of `limit` hits per `window` ms in a sorted set. `rateWait` drops the hits that
 * left the window and returns -1 when there is room, else the milliseconds until a hit falls out;
 * `addHit` counts one (member); `takeHit` does both, counting nothing when the window is full.
 */
export const TAKE_HIT = `local function rateWait(key, limit, window, now)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  if count >= limit then
    local oldest = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
    return tonumber(oldest[2]) + window - now
  end
  return -1
end
local function addHit(key, window, now, member)
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, window)
end
local function takeHit(key, limit, window, now, member)
  local wait = rateWait(key, limit, window, now)
  if wait < 0 then addHit(key, window, now, member) end
  return wait
end`

/**
 * Deletes a finished job with every key of its own and its entries in the shared sets (a finished
 * job is in no active set and holds no lease entry: it left them when its end was stored).
 */
export const DELETE_ENDED_JOB = `${UNINDEX_THREAD}
local function deleteEndedJob(p, id)
  local job = p .. 'job:' .. id
  local fields = redis.call('HMGET', job, 'userId', 'idem', 'threadId')
  if fields[1] then
    redis.call('ZREM', p .. 'user:' .. fields[1], id)
    redis.call('ZREM', p .. 'changed:' .. fields[1], id)
    -- The user's last job: the mark that their threads were indexed goes with it.
    if redis.call('EXISTS', p .. 'user:' .. fields[1]) == 0 then redis.call('SREM', p .. 'threads-indexed', fields[1]) end
    if fields[2] and fields[2] ~= '' then redis.call('HDEL', p .. 'idem', fields[1] .. '\\0' .. fields[2]) end
    local thread = fields[3]
    if not thread then
      -- Stored before the threadId field existed (the backfill may have indexed it from its meta).
      local meta = cjson.decode(redis.call('HGET', job, 'meta'))
      if type(meta.threadId) == 'string' then thread = meta.threadId end
    end
    unindexThread(p, fields[1], thread, id)
  end
  redis.call('DEL', job, p .. 'log:' .. id, p .. 'ctl:' .. id, p .. 'replies:' .. id)
  redis.call('ZREM', p .. 'ended', id)
end`

/**
 * A job whose log is gone while its hash stays (an eviction picks one key: the stream) cannot be
 * read or written any more — a log that starts in the middle is no job. `dropIfLogLost` deletes
 * what is left of it, as if its hash had gone too (its indexes, active sets and lease entry
 * included), tells its followers (an empty batch: they look and find it gone), and returns true;
 * the caller answers as for a job that is not there.
 */
export const DROP_IF_LOG_LOST = `${DELETE_ENDED_JOB}
${FORGET_LOST_JOB}
local function dropIfLogLost(p, id, lastSeq, user)
  if (tonumber(lastSeq) or 0) == 0 or redis.call('EXISTS', p .. 'log:' .. id) == 1 then return false end
  if user then redis.call('SREM', p .. 'active:' .. user, id) end
  -- Its anonymous client address's count too (create's maxActivePerAddress): the hash still names it.
  local address = redis.call('HGET', p .. 'job:' .. id, 'address')
  if address then redis.call('SREM', p .. 'active-address:' .. address, id) end
  deleteEndedJob(p, id)
  forgetLostJob(p, id)
  return true
end`
