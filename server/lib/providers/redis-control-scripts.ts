/** The `redis` provider's control scripts: numbering and storing a control, storing its reply once. */

import { CLOCK } from './redis-lua-parts'

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
