/** The `redis` provider's create script: idempotency, the active-job limits, the rate windows, the indexes. */

import { CLOCK, TAKE_HIT } from './redis-lua-parts'
import { INDEX_THREAD } from './redis-threads'
import { FORGET_LOST_JOB } from './redis-lost-job'
import { USER_CHANGED } from './redis-user-changes'

/**
 * ARGV: prefix, id, userId, idempotencyKey|'', metaJson, createdAt, leaseInstance|'', leaseEpoch,
 * leaseExpiresAt, maxActive|'', maxActivePerUser|'', ratesJson|'' ([[key, limit, windowMs], …]:
 * every window counts the creation, or none does), now|'' (Redis's clock), rateMember, leaseMs|''
 * (when given, the lease expires leaseMs from now, not at leaseExpiresAt, which is the creating
 * instance's clock), threadId|'' (the job joins its thread's index in the same step,
 * redis-threads.ts), requestJson (the whole request, its own field: `meta` holds it as a listing
 * needs it, redis-records.ts), freeingJson|'' (ids of the user's jobs the caller ends once this one
 * is created: those still active count as free against both limits), address|'' and
 * maxActivePerAddress|'' (an anonymous client address whose active jobs, `active-address:<address>`,
 * count against the limit; the job joins them), addressSetMs (the set lives at least this long
 * after the job joined it: redis-create.ts, `addressSetLifeMs`). Returns {'created'|'existing', id} or {'duplicate', id} or {'limit',
 * 'user'|'address'|'global', limit} or {'rate', retryAfterMs, key} (of the full window that frees last): the
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
-- An anonymous client address's active jobs (the append that ends a job takes it out). At the
-- limit, ids whose hash is gone (evicted: a lost job, forgotten here as in activeOfUser) or no
-- longer in the global active set (ended by a path that did not know the address) leave it first;
-- those the caller ends once this one is created count as free.
local function activeOfAddress(p, address, freeing)
  local key = p .. 'active-address:' .. address
  local count = 0
  for _, other in ipairs(redis.call('SMEMBERS', key)) do
    if redis.call('EXISTS', p .. 'job:' .. other) == 0 then
      redis.call('SREM', key, other)
      forgetLostJob(p, other)
    elseif redis.call('SISMEMBER', p .. 'active', other) == 0 then redis.call('SREM', key, other)
    elseif not freeing[other] then count = count + 1 end
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
-- The user's jobs the caller ends once this one is created: their slots are this one's while they are active.
local freed = 0
if ARGV[18] ~= '' then
  -- Each once, and only a job that is still there (an active-set entry whose job is gone is
  -- dropped from the count by activeOfUser below: counting it freed too would free its slot twice).
  local seen = {}
  for _, other in ipairs(cjson.decode(ARGV[18])) do
    if other ~= id and not seen[other] and redis.call('SISMEMBER', p .. 'active:' .. user, other) == 1 and redis.call('EXISTS', p .. 'job:' .. other) == 1 then
      seen[other] = true
      freed = freed + 1
    end
  end
end
if ARGV[11] ~= '' and activeOfUser(p, user, tonumber(ARGV[11]) + freed) >= tonumber(ARGV[11]) + freed then return {'limit', 'user', ARGV[11]} end
if ARGV[19] ~= '' and ARGV[20] ~= '' then
  local freeing = {}
  if ARGV[18] ~= '' then for _, other in ipairs(cjson.decode(ARGV[18])) do freeing[other] = true end end
  local limit = tonumber(ARGV[20])
  if redis.call('SCARD', p .. 'active-address:' .. ARGV[19]) >= limit and activeOfAddress(p, ARGV[19], freeing) >= limit then return {'limit', 'address', ARGV[20]} end
end
if ARGV[10] ~= '' and redis.call('SCARD', p .. 'active') - freed >= tonumber(ARGV[10]) then return {'limit', 'global', ARGV[10]} end
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
-- storeCreatedAt: Redis's clock, the one leases expire on (a takeover counts the job's time limit from it).
redis.call('HSET', job, 'meta', ARGV[5], 'userId', user, 'idem', idem, 'status', 'queued', 'createdAt', ARGV[6],
  'storeCreatedAt', string.format('%d', clock(ARGV[13])),
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
if ARGV[19] ~= '' and ARGV[20] ~= '' then
  redis.call('HSET', job, 'address', ARGV[19])
  local addressKey = p .. 'active-address:' .. ARGV[19]
  redis.call('SADD', addressKey, id)
  -- Gone once none of its jobs can still be active, even when no end took them out (lost, or ended
  -- by an older server's append). Never shortened: PTTL is -1 for a set stored without one.
  local life = tonumber(ARGV[21])
  if life and redis.call('PTTL', addressKey) < life then redis.call('PEXPIRE', addressKey, life) end
end
if idem ~= '' then redis.call('HSET', p .. 'idem', user .. '\\0' .. idem, id) end
userChanged(p, user, id, ARGV[6])
return {'created', id}
`
