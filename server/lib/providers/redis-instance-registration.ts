/**
 * The instance registration of the `redis` provider (`heartbeatInstance`): the live instances,
 * which recovery counts to share out a lost instance's jobs. Each registration also records the
 * process that wrote it last (a token per provider): two live processes given the same
 * `NUXT_BACKGROUND_JOBS_INSTANCE_ID` (every pod given the same environment) would share one
 * registration — counted as one instance, and one's shutdown unregistering both — so a process
 * that finds its registration rewritten by another between its own heartbeats is warned, naming
 * the variable. A restart under the same id finds the old process's token once, at its first
 * heartbeat (nobody renews it after), and is not warned about.
 */
import { randomUUID } from 'node:crypto'
import type { ClusterLoad } from './types'
import { CLOCK } from './redis-lua-parts'

/**
 * ARGV: prefix, instanceId, ttlMs, now|'' (Redis's clock), token. Marks the instance alive until
 * now + ttlMs, by this token (0: removes it), forgets instances that lapsed; returns {live
 * instances, active jobs, the token the registration had before ('' for none)}.
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
else
  redis.call('ZREM', key, instance)
  redis.call('HDEL', owners, instance)
end
for _, lapsed in ipairs(redis.call('ZRANGE', key, '-inf', string.format('%d', now), 'BYSCORE')) do redis.call('HDEL', owners, lapsed) end
redis.call('ZREMRANGEBYSCORE', key, '-inf', string.format('%d', now))
return {redis.call('ZCARD', key), redis.call('SCARD', p .. 'active'), previous}
`

/** Times another process's token must be found in this one's registration before the warning (one is a restart's leftover). */
const SIGHTINGS_TO_WARN = 2

/** `heartbeatInstance` over `script`, warning once per id another live process heartbeats under. */
export function createInstanceRegistration(options: {
  script: <T>(source: string, args: string[]) => Promise<T>
  storeNow: () => string
  onWarning: (message: string) => void
}): (instanceId: string, ttlMs: number) => Promise<ClusterLoad> {
  const token = randomUUID()
  /** Per id registered here: how often another process's token was found since (null: warned). */
  const sightings = new Map<string, number | null>()
  return async (instanceId, ttlMs) => {
    const ttl = Math.max(0, Math.floor(ttlMs))
    const [instances, activeJobs, previous] = await options.script<[number, number, string]>(HEARTBEAT_INSTANCE_SCRIPT, [instanceId, String(ttl), options.storeNow(), token])
    if (ttl === 0) sightings.delete(instanceId)
    else if (!sightings.has(instanceId)) sightings.set(instanceId, 0)
    else if (previous && previous !== token && sightings.get(instanceId) !== null) {
      const seen = sightings.get(instanceId)! + 1
      sightings.set(instanceId, seen >= SIGHTINGS_TO_WARN ? null : seen)
      if (seen >= SIGHTINGS_TO_WARN) {
        options.onWarning(`another live instance uses the instance id ${JSON.stringify(instanceId)} (NUXT_BACKGROUND_JOBS_INSTANCE_ID): it rewrote this instance's registration between its heartbeats, so the two count as one instance when a lost instance's jobs are shared out, and one's shutdown unregisters both; give every instance its own id, or leave it unset for a random one`)
      }
    }
    return { instances: Number(instances), activeJobs: Number(activeJobs) }
  }
}
