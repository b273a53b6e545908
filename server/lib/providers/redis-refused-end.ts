/**
 * Closing a job in Redis whose end the append script refused for good (redis-refusal.ts), by a
 * path that does not go through that append: a key of the job's of another type (its log made a
 * string) refuses every append, its end's too, and the job would stay `running` in the store —
 * claimed by every recovery scan once per lease period, its user's `active:<userId>` slot taken on
 * every instance. This script touches neither the log nor its channel's stored batches: it writes
 * the end's status and times into the job's hash (and the end itself, `closedEnd`, which the log
 * reads add after what the log holds, redis-log-read.ts), takes the job out of the active sets and
 * the lease index, puts it in the retention index, and publishes the end to the job's followers.
 * The index updates each run on their own (`pcall`): one of those keys of another type leaves that
 * index as it was and is named in the reply, the rest are still written.
 */

import { TERMINAL } from './redis-lua-parts'
import type { AppendRefusal, JobProvider } from './types'
import { USER_CHANGED } from './redis-user-changes'

/**
 * ARGV: prefix, id, epoch|'', endJson, status, endedAt, seq. Returns {'ok', seq, unindexed} (the
 * names of the indexes a key of another type kept it in, comma-separated, '' for none) or
 * {reason, lastSeq} as the append script refuses: `not-found`, `terminal`, `stale-epoch`.
 */
export const CLOSE_REFUSED_END_SCRIPT = `
${TERMINAL}
${USER_CHANGED}
local p, id, epoch, endJson, status, endedAt, seq = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local job = p .. 'job:' .. id
local fields = redis.call('HMGET', job, 'status', 'lastSeq', 'leaseEpoch', 'userId', 'address')
local lastSeq = tonumber(fields[2] or '') or 0
if not fields[1] then return {'not-found', 0} end
if terminal(fields[1]) then return {'terminal', lastSeq} end
local leaseEpoch = tonumber(fields[3] or '')
if epoch ~= '' and leaseEpoch and tonumber(epoch) < leaseEpoch then return {'stale-epoch', lastSeq} end
redis.call('HSET', job, 'status', status, 'endedAt', endedAt, 'updatedAt', endedAt, 'lastSeq', seq, 'closedEnd', endJson)
local user, address = fields[4], fields[5]
local unindexed = {}
local function index(name, ...)
  if not pcall(redis.call, ...) then unindexed[#unindexed + 1] = name end
end
index('active', 'SREM', p .. 'active', id)
if user then index('active:' .. user, 'SREM', p .. 'active:' .. user, id) end
if address then index('active-address:' .. address, 'SREM', p .. 'active-address:' .. address, id) end
index('leases', 'ZREM', p .. 'leases', id)
index('ended', 'ZADD', p .. 'ended', endedAt, id)
if user and not pcall(userChanged, p, user, id, endedAt) then unindexed[#unindexed + 1] = 'changed:' .. user end
redis.call('PUBLISH', p .. 'log:' .. id, '[' .. endJson .. ']')
return {'ok', tonumber(seq), table.concat(unindexed, ',')}
`

/** The provider's `closeRefusedEnd` over its script runner (redis.ts). */
export function createCloseRefusedEnd(script: <T>(source: string, args: string[]) => Promise<T>): Required<JobProvider>['closeRefusedEnd'] {
  return async (id, end, options = {}) => {
    const endedAt = String(end.at)
    const status = end.type === 'job-end' ? end.status : 'failed'
    const reply = await script<[string, number, string?]>(CLOSE_REFUSED_END_SCRIPT, [id, options.epoch === undefined ? '' : String(options.epoch), JSON.stringify(end), status, endedAt, String(end.seq)])
    const [outcome, lastSeq, unindexed] = reply
    if (outcome !== 'ok') return { ok: false, reason: outcome as AppendRefusal, lastSeq: Number(lastSeq) }
    return { ok: true, lastSeq: Number(lastSeq), ...(unindexed ? { unindexed: unindexed.split(',') } : {}) }
  }
}
