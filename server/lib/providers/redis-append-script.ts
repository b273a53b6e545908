/** The `redis` provider's append script: the terminal, seq and epoch checks, then the write and its publish. */

import { DROP_IF_LOG_LOST, TERMINAL } from './redis-lua-parts'
import { USER_CHANGED } from './redis-user-changes'

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
    -- An anonymous client address's count (create's maxActivePerAddress), when it was counted under one.
    local address = redis.call('HGET', job, 'address')
    if address then redis.call('SREM', p .. 'active-address:' .. address, id) end
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
