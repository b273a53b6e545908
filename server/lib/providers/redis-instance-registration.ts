/**
 * The instance registration of the `redis` provider (`heartbeatInstance`): the live instances,
 * which recovery counts to share out a lost instance's jobs. Each registration also records the
 * process that wrote it last, so two live processes under one id are warned about
 * (shared-instance-id.ts).
 */
import type { ClusterLoad } from './types'
import { CLOCK } from './redis-lua-parts'
import { createSharedInstanceIdWatch } from './shared-instance-id'

/**
 * ARGV: prefix, instanceId, ttlMs, now|'' (Redis's clock), token. Marks the instance alive until
 * now + ttlMs, by this token (0: removes it, unless another process renewed it last), forgets instances that lapsed; returns {live
 * instances, active jobs, the token the registration had before ('' for none), ms to the next
 * lease lapse (-1 for none)}.
 */
export const HEARTBEAT_INSTANCE_SCRIPT = `
${CLOCK}
local p, instance, ttl, token = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[5]
local now = clock(ARGV[4])
local key, owners = p .. 'instances', p .. 'instance-owners'
local previous = redis.call('HGET', owners, instance) or ''
if ttl > 0 then
  redis.call('ZADD', key, string.format('%d', now + ttl), instance)
  redis.call('HSET', owners, instance, token)
elseif previous == '' or previous == token then
  -- Another live process's registration under the same id (its token there) is left to it.
  redis.call('ZREM', key, instance)
  redis.call('HDEL', owners, instance)
end
for _, lapsed in ipairs(redis.call('ZRANGE', key, '-inf', string.format('%d', now), 'BYSCORE')) do redis.call('HDEL', owners, lapsed) end
redis.call('ZREMRANGEBYSCORE', key, '-inf', string.format('%d', now))
-- A server of the version before kept no owners and removed lapsed instances without theirs: an
-- owner left of an instance no longer registered (more owners than instances) is forgotten.
if redis.call('HLEN', owners) > redis.call('ZCARD', key) then
  for _, id in ipairs(redis.call('HKEYS', owners)) do
    if not redis.call('ZSCORE', key, id) then redis.call('HDEL', owners, id) end
  end
end
-- The next lease to lapse (ms from now, -1 for none): recovery scans again right then (cluster.ts).
local next = redis.call('ZRANGE', p .. 'leases', '(' .. string.format('%d', now), '+inf', 'BYSCORE', 'LIMIT', 0, 1, 'WITHSCORES')
local nextLapse = -1
if next[2] then nextLapse = tonumber(next[2]) - now end
return {redis.call('ZCARD', key), redis.call('SCARD', p .. 'active'), previous, string.format('%d', nextLapse)}
`

/** `heartbeatInstance` over `script`, warning once per id another live process heartbeats under. */
export function createInstanceRegistration(options: {
  script: <T>(source: string, args: string[]) => Promise<T>
  storeNow: () => string
  onWarning: (message: string) => void
}): (instanceId: string, ttlMs: number) => Promise<ClusterLoad> {
  const watch = createSharedInstanceIdWatch(options.onWarning)
  return async (instanceId, ttlMs) => {
    const ttl = Math.max(0, Math.floor(ttlMs))
    const [instances, activeJobs, previous, nextLapse] = await options.script<[number, number, string, string]>(HEARTBEAT_INSTANCE_SCRIPT, [instanceId, String(ttl), options.storeNow(), watch.token])
    watch.heartbeat(instanceId, ttl, previous)
    return { instances: Number(instances), activeJobs: Number(activeJobs), nextLapseInMs: Number(nextLapse) >= 0 ? Number(nextLapse) : null }
  }
}
