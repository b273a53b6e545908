/**
 * A lease that lasts no more than two heartbeats. An owner renews its leases once per
 * `lease.heartbeatMs` and tries a failed renewal again only at the next heartbeat (run-lease.ts),
 * so a lease must outlast two of them for one store error or timeout to pass unnoticed: with
 * `durationMs ≤ 2 × heartbeatMs` the lease lapses before the retry lands, and another instance takes
 * a live owner's job over (a chat then ends `failed`, `owner-lost`, with `recovery.chat` = `fail`).
 * A lease under two heartbeats also makes the next lapse a scan learns of often a live owner's,
 * and the scan then scans once more at it (lapse-wake.ts). Boot refuses only a heartbeat not
 * shorter than the lease (leases would lapse between renewals); this is warned about, with Redis or
 * Convex (with the memory provider no other instance takes a job over).
 */
import type { BackgroundJobsConfig } from './config'
import { envNameOf } from './config'

/** One warning when the lease lasts no more than two heartbeats with a shared provider (none: empty). */
export function leaseMarginWarnings(config: BackgroundJobsConfig): string[] {
  if (config.provider !== 'redis' && config.provider !== 'convex') return []
  const { durationMs, heartbeatMs } = config.lease
  if (!(heartbeatMs < durationMs) || durationMs > 2 * heartbeatMs) return []
  return [`backgroundJobs.lease.durationMs (${envNameOf('lease.durationMs')}) (${durationMs}) is not more than twice backgroundJobs.lease.heartbeatMs (${envNameOf('lease.heartbeatMs')}) (${heartbeatMs}): an owner renews its leases once per heartbeat, so one renewal that fails (a store error or timeout) lets them lapse before the next one lands, and another instance takes the jobs of a live owner over (a chat ends failed, owner-lost); each recovery scan may also scan once more at a live lease's lapse. Keep the lease well above two heartbeats (the defaults: 15000 and 5000)`]
}
