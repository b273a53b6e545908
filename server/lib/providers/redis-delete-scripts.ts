/** The `redis` provider's deletion scripts: retention of finished jobs and `deleteJob`. */

import { DELETE_ENDED_JOB, TERMINAL } from './redis-lua-parts'

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
