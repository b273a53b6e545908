/** The `redis` provider's lease scripts: claim and heartbeat by epoch, the expired-lease scan. The instances' heartbeat is redis-instance-registration.ts. */

import { CLOCK, DROP_IF_LOG_LOST, TERMINAL } from './redis-lua-parts'
import { FORGET_LOST_JOB } from './redis-lost-job'
import { RECORD_GONE } from './redis-gone-jobs'

/**
 * ARGV: prefix, id, instanceId, now|'' (Redis's clock), leaseMs, keepMs. Returns {instanceId, epoch,
 * expiresAt} or nil (a lapsed job whose log was lost is deleted instead, as append does, and told
 * lost to its user's feeds as `publishJobLost` tells one: its owner, gone, cannot).
 */
export const CLAIM_LEASE_SCRIPT = `
${TERMINAL}
${CLOCK}
${DROP_IF_LOG_LOST}
${RECORD_GONE}
local p, id = ARGV[1], ARGV[2]
local job = p .. 'job:' .. id
local fields = redis.call('HMGET', job, 'status', 'leaseEpoch', 'leaseExpiresAt', 'lastSeq', 'userId')
if not fields[1] or terminal(fields[1]) then return nil end
local now = clock(ARGV[4])
if fields[3] and fields[3] ~= '' and tonumber(fields[3]) > now then return nil end
-- A job with no log left is not taken over (recovery would find no state and leave it active): it is dropped.
if dropIfLogLost(p, id, fields[4], fields[5]) then
  -- Its lease lapsed, so no owner is left to tell its user (lost-job.ts): the drop tells them.
  if fields[5] then recordGone(p, 'lost', id, fields[5], now, tonumber(ARGV[6])) end
  return nil
end
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
