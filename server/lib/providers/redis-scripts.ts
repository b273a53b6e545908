/**
 * The Lua scripts of the `redis` provider: each write that must check and change several keys at
 * once runs as one script, so it is atomic on the Redis server (the compare-and-set points:
 * idempotent create with the active-job limits, append with the terminal/seq/epoch checks, lease
 * claim and heartbeat by epoch, controls numbered per job, the rate-limit window, retention).
 * Every script gets the key prefix as ARGV[1]; key names are documented in docs/providers.md.
 */

import { INDEX_THREAD, UNINDEX_THREAD } from './redis-threads'
import { FORGET_LOST_JOB } from './redis-lost-job'
import { USER_CHANGED } from './redis-user-changes'

const TERMINAL = `local function terminal(status) return status == 'completed' or status == 'failed' or status == 'aborted' end`

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
const TAKE_HIT = `local function rateWait(key, limit, window, now)
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
const DELETE_ENDED_JOB = `${UNINDEX_THREAD}
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
const DROP_IF_LOG_LOST = `${DELETE_ENDED_JOB}
${FORGET_LOST_JOB}
local function dropIfLogLost(p, id, lastSeq, user)
  if (tonumber(lastSeq) or 0) == 0 or redis.call('EXISTS', p .. 'log:' .. id) == 1 then return false end
  if user then redis.call('SREM', p .. 'active:' .. user, id) end
  deleteEndedJob(p, id)
  forgetLostJob(p, id)
  return true
end`

/**
 * ARGV: prefix, id, userId, idempotencyKey|'', metaJson, createdAt, leaseInstance|'', leaseEpoch,
 * leaseExpiresAt, maxActive|'', maxActivePerUser|'', ratesJson|'' ([[key, limit, windowMs], …]:
 * every window counts the creation, or none does), now|'' (Redis's clock), rateMember, leaseMs|''
 * (when given, the lease expires leaseMs from now, not at leaseExpiresAt, which is the creating
 * instance's clock), threadId|'' (the job joins its thread's index in the same step,
 * redis-threads.ts), requestJson (the whole request, its own field: `meta` holds it as a listing
 * needs it, redis-records.ts). Returns {'created'|'existing', id} or {'duplicate', id} or {'limit',
 * 'user'|'global', limit} or {'rate', retryAfterMs, key} (of the full window that frees last): the
 * rate hits are counted only for a job really created.
 */
export const CREATE_SCRIPT = `
${TAKE_HIT}
${CLOCK}
${INDEX_THREAD}
${FORGET_LOST_JOB}
${USER_CHANGED}
-- The user's active jobs, counted against their limit. At the limit, ids whose hash is gone (evicted: a
-- lost job) leave the set first: nothing else can, as only the hash knew the user, and counted they
-- would hold the user at the limit for good.
local function activeOfUser(p, user, limit)
  local key = p .. 'active:' .. user
  local count = redis.call('SCARD', key)
  if count < limit then return count end
  for _, id in ipairs(redis.call('SMEMBERS', key)) do
    if redis.call('EXISTS', p .. 'job:' .. id) == 0 then
      redis.call('SREM', key, id)
      forgetLostJob(p, id)
      count = count - 1
    end
  end
  return count
end
local p, id, user, idem = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
if idem ~= '' then
  local existing = redis.call('HGET', p .. 'idem', user .. '\\0' .. idem)
  if existing and redis.call('EXISTS', p .. 'job:' .. existing) == 1 then return {'existing', existing} end
end
local job = p .. 'job:' .. id
if redis.call('EXISTS', job) == 1 then return {'duplicate', id} end
if ARGV[11] ~= '' and activeOfUser(p, user, tonumber(ARGV[11])) >= tonumber(ARGV[11]) then return {'limit', 'user', ARGV[11]} end
if ARGV[10] ~= '' and redis.call('SCARD', p .. 'active') >= tonumber(ARGV[10]) then return {'limit', 'global', ARGV[10]} end
if ARGV[12] ~= '' then
  local rates, now = cjson.decode(ARGV[12]), clock(ARGV[13])
  -- Every full window is looked at: the refusal names the one that frees last, when all have room.
  local refusedWait, refusedKey = -1, nil
  for _, rate in ipairs(rates) do
    local wait = rateWait(p .. 'rate:' .. rate[1], rate[2], rate[3], now)
    if wait > refusedWait then refusedWait, refusedKey = wait, rate[1] end
  end
  if refusedKey then return {'rate', tostring(refusedWait), refusedKey} end
  for _, rate in ipairs(rates) do addHit(p .. 'rate:' .. rate[1], rate[3], now, ARGV[14]) end
end
redis.call('HSET', job, 'meta', ARGV[5], 'userId', user, 'idem', idem, 'status', 'queued', 'createdAt', ARGV[6],
  'updatedAt', ARGV[6], 'endedAt', '', 'lastSeq', 0, 'controls', 0, 'threadId', ARGV[16], 'request', ARGV[17])
if ARGV[7] ~= '' then
  local expiresAt = ARGV[9]
  if ARGV[15] ~= '' then expiresAt = string.format('%d', clock(ARGV[13]) + tonumber(ARGV[15])) end
  redis.call('HSET', job, 'leaseInstance', ARGV[7], 'leaseEpoch', ARGV[8], 'leaseExpiresAt', expiresAt)
  redis.call('ZADD', p .. 'leases', expiresAt, id)
end
redis.call('ZADD', p .. 'user:' .. user, ARGV[6], id)
indexThread(p, user, ARGV[16], id, ARGV[6])
redis.call('SADD', p .. 'active', id)
redis.call('SADD', p .. 'active:' .. user, id)
if idem ~= '' then redis.call('HSET', p .. 'idem', user .. '\\0' .. idem, id) end
userChanged(p, user, id, ARGV[6])
return {'created', id}
`

/**
 * Appends to several jobs in one call (redis-append-batch.ts), each checked and written on its own.
 * A job that is not there gets an empty batch published on its log channel (its followers look).
 * ARGV: prefix, then per job: id, epoch|'', headsJson ([[fromSeq, seq, type, status, at], …]), eventsJson.
 * Returns one {'ok', lastSeq} or {reason, lastSeq} per job, in order; a job whose append raised
 * an error gets {'error', message} and the others are not affected.
 */
export const APPEND_SCRIPT = `
${TERMINAL}
${USER_CHANGED}
${DROP_IF_LOG_LOST}
local p = ARGV[1]
local function append(id, epoch, headsJson, eventsJson)
  local job = p .. 'job:' .. id
  local fields = redis.call('HMGET', job, 'status', 'lastSeq', 'leaseEpoch', 'userId')
  local status = fields[1]
  if not status then
    -- Gone while it ran (FLUSHALL, a restart without its data, an eviction): followers on other
    -- instances hear nothing else from this job, so an empty batch tells them to look (redis-follow.ts).
    forgetLostJob(p, id)
    return {'not-found', 0}
  end
  local lastSeq = tonumber(fields[2])
  if terminal(status) then return {'terminal', lastSeq} end
  if epoch ~= '' and fields[3] and fields[3] ~= '' and tonumber(epoch) < tonumber(fields[3]) then return {'stale-epoch', lastSeq} end
  if dropIfLogLost(p, id, lastSeq, fields[4]) then return {'not-found', 0} end
  local heads = cjson.decode(headsJson)
  if #heads == 0 then return {'ok', lastSeq} end
  local expected = lastSeq + 1
  local newStatus, endedAt, asksInput = status, nil, false
  for index, head in ipairs(heads) do
    if head[1] ~= expected or head[2] < expected then return {'seq-conflict', lastSeq} end
    if head[3] == 'job-end' and index < #heads then return {'terminal', lastSeq} end
    if head[3] == 'job-status' then newStatus = head[4] end
    if head[3] == 'job-end' then newStatus = head[4]; endedAt = head[5] end
    if head[3] == 'input-request' then asksInput = true end
    expected = head[2] + 1
  end
  local last = heads[#heads]
  redis.call('XADD', p .. 'log:' .. id, string.format('%d-0', last[2]), 'e', eventsJson)
  redis.call('HSET', job, 'status', newStatus, 'lastSeq', last[2], 'updatedAt', string.format('%d', endedAt or last[5]))
  local user = fields[4]
  if endedAt then
    redis.call('HSET', job, 'endedAt', string.format('%d', endedAt))
    redis.call('SREM', p .. 'active', id)
    redis.call('SREM', p .. 'active:' .. user, id)
    redis.call('ZREM', p .. 'leases', id)
    redis.call('ZADD', p .. 'ended', endedAt, id)
  end
  redis.call('PUBLISH', p .. 'log:' .. id, eventsJson)
  if newStatus ~= status or asksInput then userChanged(p, user, id, string.format('%d', endedAt or last[5])) end
  return {'ok', last[2]}
end
local replies = {}
for base = 2, #ARGV, 4 do
  local ok, reply = pcall(append, ARGV[base], ARGV[base + 1], ARGV[base + 2], ARGV[base + 3])
  replies[#replies + 1] = ok and reply or {'error', tostring(reply)}
end
return replies
`

/**
 * ARGV: prefix, id, instanceId, now|'' (Redis's clock), leaseMs. Returns {instanceId, epoch, expiresAt}
 * or nil (a lapsed job whose log was lost is deleted instead, as append does).
 */
export const CLAIM_LEASE_SCRIPT = `
${TERMINAL}
${CLOCK}
${DROP_IF_LOG_LOST}
local p, id = ARGV[1], ARGV[2]
local job = p .. 'job:' .. id
local fields = redis.call('HMGET', job, 'status', 'leaseEpoch', 'leaseExpiresAt', 'lastSeq', 'userId')
if not fields[1] or terminal(fields[1]) then return nil end
local now = clock(ARGV[4])
if fields[3] and fields[3] ~= '' and tonumber(fields[3]) > now then return nil end
-- A job with no log left is not taken over (recovery would find no state and leave it active): it is dropped.
if dropIfLogLost(p, id, fields[4], fields[5]) then return nil end
local epoch = (tonumber(fields[2] or '') or 0) + 1
local expiresAt = now + tonumber(ARGV[5])
redis.call('HSET', job, 'leaseInstance', ARGV[3], 'leaseEpoch', epoch, 'leaseExpiresAt', string.format('%d', expiresAt))
redis.call('ZADD', p .. 'leases', expiresAt, id)
return {ARGV[3], epoch, string.format('%d', expiresAt)}
`

/**
 * ARGV: prefix, id, instanceId, epoch, now|'' (Redis's clock), leaseMs. Returns 1 when extended,
 * else 0; a job that is not there gets an empty batch published on its log channel, as in append.
 */
export const HEARTBEAT_LEASE_SCRIPT = `
${TERMINAL}
${CLOCK}
${DROP_IF_LOG_LOST}
local p, id = ARGV[1], ARGV[2]
local job = p .. 'job:' .. id
local fields = redis.call('HMGET', job, 'status', 'leaseInstance', 'leaseEpoch', 'lastSeq', 'userId')
if not fields[1] then
  -- Gone while its owner holds it (a job waiting for input appends nothing): as append does.
  forgetLostJob(p, id)
  return 0
end
if terminal(fields[1]) then return 0 end
if fields[2] ~= ARGV[3] or fields[3] ~= ARGV[4] then return 0 end
if dropIfLogLost(p, id, fields[4], fields[5]) then return 0 end
local expiresAt = clock(ARGV[5]) + tonumber(ARGV[6])
redis.call('HSET', job, 'leaseExpiresAt', string.format('%d', expiresAt))
redis.call('ZADD', p .. 'leases', expiresAt, id)
return 1
`

/**
 * ARGV: prefix, now|'' (Redis's clock), limit. Returns the ids of active jobs whose lease expired
 * by now, the longest-expired first (a finished job leaves the set when its end is stored). An id
 * whose job is gone (evicted) is forgotten on the way and the next one read in its place.
 */
export const LIST_EXPIRED_LEASES_SCRIPT = `
${CLOCK}
${FORGET_LOST_JOB}
local p, limit = ARGV[1], tonumber(ARGV[3])
local now = string.format('%d', clock(ARGV[2]))
local found = {}
while #found < limit do
  -- The ids kept so far are the first of the range: the ones forgotten left it.
  local ids = redis.call('ZRANGE', p .. 'leases', '-inf', now, 'BYSCORE', 'LIMIT', #found, limit - #found)
  local forgotten = 0
  for _, id in ipairs(ids) do
    if redis.call('EXISTS', p .. 'job:' .. id) == 1 then found[#found + 1] = id
    else
      forgetLostJob(p, id)
      forgotten = forgotten + 1
    end
  end
  if forgotten == 0 then break end
end
return found
`

/** ARGV: prefix, endedBefore, limit. Deletes expired jobs with every key of theirs; returns how many. */
export const DELETE_EXPIRED_SCRIPT = `
${DELETE_ENDED_JOB}
local p = ARGV[1]
local ids = redis.call('ZRANGEBYSCORE', p .. 'ended', '-inf', '(' .. ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do deleteEndedJob(p, id) end
return #ids
`

/**
 * ARGV: prefix, id, now, keepMs. Deletes one finished job as retention does and nudges its
 * followers (an empty batch on its log channel: they look, find it gone and stop) and its user's
 * feeds (its id on the user channel: they read the record, find it gone and report the deletion).
 * The deletion is also recorded in the user's `deleted:<userId>` set (by `now`, for `keepMs`): a
 * feed whose pub/sub connection was down then reads it after reconnecting. Returns 'deleted',
 * 'not-found', or 'active' (nothing deleted) when the job has not ended.
 */
export const DELETE_JOB_SCRIPT = `
${TERMINAL}
${DELETE_ENDED_JOB}
local p, id, now, keep = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local fields = redis.call('HMGET', p .. 'job:' .. id, 'status', 'userId')
local status, user = fields[1], fields[2]
if not status then return 'not-found' end
if not terminal(status) then return 'active' end
deleteEndedJob(p, id)
redis.call('PUBLISH', p .. 'log:' .. id, '[]')
if user then
  local deleted = p .. 'deleted:' .. user
  redis.call('ZADD', deleted, now, id)
  redis.call('ZREMRANGEBYSCORE', deleted, '-inf', '(' .. (now - keep))
  redis.call('PEXPIRE', deleted, keep)
  redis.call('PUBLISH', p .. 'user:' .. user, id)
end
return 'deleted'
`

/**
 * ARGV: prefix, id, userId, controlJson (without number and sentAt), now|'' (Redis's clock).
 * Numbers the control, stamps it with the time, stores and publishes it. Returns the number, or 0
 * when the job does not exist or is another user's.
 */
export const SEND_CONTROL_SCRIPT = `
${CLOCK}
local p, id = ARGV[1], ARGV[2]
local job = p .. 'job:' .. id
if redis.call('HGET', job, 'userId') ~= ARGV[3] then return 0 end
local number = redis.call('HINCRBY', job, 'controls', 1)
local stored = string.format('{"number":%d,"sentAt":%d,', number, clock(ARGV[5])) .. string.sub(ARGV[4], 2)
redis.call('XADD', p .. 'ctl:' .. id, string.format('%d-0', number), 'c', stored)
redis.call('PUBLISH', p .. 'ctl:' .. id, stored)
return number
`

/** ARGV: prefix, id, controlId, replyJson. Stores the owner's reply (once) and publishes it. */
export const REPLY_CONTROL_SCRIPT = `
local p, id = ARGV[1], ARGV[2]
if redis.call('EXISTS', p .. 'job:' .. id) == 0 then return 0 end
if redis.call('HSETNX', p .. 'replies:' .. id, ARGV[3], ARGV[4]) == 0 then return 0 end
redis.call('PUBLISH', p .. 'reply:' .. id, ARGV[3] .. ' ' .. ARGV[4])
return 1
`

/**
 * ARGV: prefix, key, limit, windowMs, now|'' (Redis's clock), member. A sliding window of `limit`
 * hits per window: returns -1 when counted, else the milliseconds until a hit falls out of the window.
 */
export const TAKE_RATE_SCRIPT = `
${TAKE_HIT}
${CLOCK}
return takeHit(ARGV[1] .. 'rate:' .. ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), clock(ARGV[5]), ARGV[6])
`

/**
 * ARGV: prefix, id, userId, then fields|none. The job's hash (only the fields given, `HMGET`, when
 * any are) when `userId` owns it; else nothing, as for a missing job: another user's job is not
 * sent back (a long chat's request is megabytes), so the two cannot be told apart by the time the
 * answer takes.
 */
export const GET_OWNED_SCRIPT = `
local job = ARGV[1] .. 'job:' .. ARGV[2]
if redis.call('HGET', job, 'userId') ~= ARGV[3] then return {} end
if #ARGV > 3 then return redis.call('HMGET', job, unpack(ARGV, 4)) end
return redis.call('HGETALL', job)`
