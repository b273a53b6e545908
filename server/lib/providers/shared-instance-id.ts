/**
 * Two live processes given the same `NUXT_BACKGROUND_JOBS_INSTANCE_ID` (every pod given the same
 * environment) share one instance registration: counted as one instance when a lost instance's
 * jobs are shared out. Each registration records the
 * process that wrote it last (a token per provider); a process that finds its registration
 * rewritten by another between its own heartbeats is warned, naming the variable. A restart under
 * the same id finds the old process's token once, at its first heartbeat (nobody renews it after),
 * and is not warned about. A process that leaves removes the registration only when it renewed it
 * last: one renewed by the other live process stays. Shared by the Redis and Convex registrations.
 */
import { randomUUID } from 'node:crypto'

/** Times another process's token must be found in this one's registration before the warning (one is a restart's leftover). */
const SIGHTINGS_TO_WARN = 2

/** This process's token, and what to do with the token each heartbeat found in the registration. */
export function createSharedInstanceIdWatch(onWarning: (message: string) => void) {
  const token = randomUUID()
  /** Per id registered here: how often another process's token was found since (null: warned). */
  const sightings = new Map<string, number | null>()
  return {
    token,
    /** After a heartbeat of `ttl` (0: unregistered) that found `previous` ('' for none) in the registration. */
    heartbeat(instanceId: string, ttl: number, previous: string): void {
      if (ttl === 0) sightings.delete(instanceId)
      else if (!sightings.has(instanceId)) sightings.set(instanceId, 0)
      else if (previous && previous !== token && sightings.get(instanceId) !== null) {
        const seen = sightings.get(instanceId)! + 1
        sightings.set(instanceId, seen >= SIGHTINGS_TO_WARN ? null : seen)
        if (seen >= SIGHTINGS_TO_WARN) {
          onWarning(`another live instance uses the instance id ${JSON.stringify(instanceId)} (NUXT_BACKGROUND_JOBS_INSTANCE_ID): it rewrote this instance's registration between its heartbeats, so the two count as one instance when a lost instance's jobs are shared out; give every instance its own id, or leave it unset for a random one`)
        }
      }
    },
  }
}
