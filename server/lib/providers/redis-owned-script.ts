/** The `redis` provider's read of a job for its owner only. */

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
