/** The `redis` provider's deletion scripts: retention of finished jobs and `deleteJob`. */

import { DELETE_ENDED_JOB, TERMINAL } from './redis-lua-parts'
import { RECORD_GONE } from './redis-gone-jobs'

/**
 * What every deletion tells, after the job's keys are gone: its followers (an empty batch on its
 * log channel: they look, find it gone and stop) and its user's feeds (its id on the user channel:
 * they read the record, find it gone and report the deletion). The deletion is also recorded in
 * the user's `deleted:<userId>` set (by `now`, for `keep` ms): a feed whose pub/sub connection was
 * down reads it after reconnecting, and a feed that starts for a stream resuming from before it.
 */
const TELL_DELETED = `
${RECORD_GONE}
local function tellDeleted(p, id, user, now, keep)
  redis.call('PUBLISH', p .. 'log:' .. id, '[]')
  if not user then return end
  recordGone(p, 'deleted', id, user, now, keep)
end`

/**
 * ARGV: prefix, endedBefore, limit, now, keepMs. Deletes expired jobs with every key of theirs and
 * tells each deletion as `deleteJob` does; returns id, userId and threadId of each, flat ('' for
 * a field the hash lacks).
 */
export const DELETE_EXPIRED_SCRIPT = `
${DELETE_ENDED_JOB}
${TELL_DELETED}
local p, now, keep = ARGV[1], tonumber(ARGV[4]), tonumber(ARGV[5])
local ids = redis.call('ZRANGEBYSCORE', p .. 'ended', '-inf', '(' .. ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
local told = {}
for _, id in ipairs(ids) do
  local fields = redis.call('HMGET', p .. 'job:' .. id, 'userId', 'threadId')
  deleteEndedJob(p, id)
  tellDeleted(p, id, fields[1], now, keep)
  told[#told + 1] = id
  told[#told + 1] = fields[1] or ''
  told[#told + 1] = fields[2] or ''
end
return told
`

/**
 * ARGV: prefix, id, now, keepMs. Deletes one finished job as retention does and tells it
 * (`tellDeleted`). Returns 'deleted', 'not-found', or 'active' (nothing deleted) when the job has
 * not ended.
 */
export const DELETE_JOB_SCRIPT = `
${TERMINAL}
${DELETE_ENDED_JOB}
${TELL_DELETED}
local p, id, now, keep = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local fields = redis.call('HMGET', p .. 'job:' .. id, 'status', 'userId')
local status, user = fields[1], fields[2]
if not status then return 'not-found' end
if not terminal(status) then return 'active' end
deleteEndedJob(p, id)
tellDeleted(p, id, user, now, keep)
return 'deleted'
`
