/**
 * A lease that lasts no more than two heartbeats (config-lease.ts): the owner renews once per
 * `lease.heartbeatMs` and retries a failed renewal only at the next one, which lands after such a
 * lease lapsed — one store error hands a live owner's job to another instance. Boot only refuses a
 * heartbeat not shorter than the lease, so this is a warning, with Redis or Convex (with memory no
 * other instance takes anything over). The second case shows the risk the warning names.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { configWarnings } from '../../server/lib/config-validate'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import type { JobProvider } from '../../server/lib/providers/types'
import { createSharedMemoryEngine, sharedMemory } from '../support/shared-memory'

const redis = { provider: 'redis' as const, redisUrl: 'redis://127.0.0.1:6379', cookieSecret: 'c'.repeat(32) }

/** Who holds the job after its owner's first renewal failed, once two more heartbeats passed. */
async function ownerAfterOneFailedRenewal(lease: { durationMs: number, heartbeatMs: number }): Promise<string | undefined> {
  const config = resolveConfig({ scripted: { enabled: true }, lease })
  const store = createMemoryProvider()
  let renewals = 0
  const flaky: JobProvider = {
    ...sharedMemory(store),
    heartbeatLease: async (...args) => {
      if (++renewals === 1) throw new Error('a store error')
      return await store.heartbeatLease(...args)
    },
  }
  const a = createSharedMemoryEngine({ provider: flaky, instanceId: 'a', config })
  const b = createSharedMemoryEngine({ provider: sharedMemory(store), instanceId: 'b', config })
  const { job } = await a.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
  await vi.advanceTimersByTimeAsync(3 * lease.heartbeatMs)
  const owner = (await store.get(job.id))?.lease?.instanceId
  await a.dispose()
  await b.dispose()
  return owner
}

describe('a lease that lasts no more than two heartbeats', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is warned about at boot with Redis or Convex, naming both settings and what it risks', () => {
    for (const lease of [{ durationMs: 5_200, heartbeatMs: 5_000 }, { durationMs: 10_000, heartbeatMs: 5_000 }]) {
      const warnings = configWarnings(resolveConfig({ ...redis, lease }))
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toContain(`backgroundJobs.lease.durationMs (NUXT_BACKGROUND_JOBS_LEASE_DURATION_MS) (${lease.durationMs})`)
      expect(warnings[0]).toContain('backgroundJobs.lease.heartbeatMs (NUXT_BACKGROUND_JOBS_LEASE_HEARTBEAT_MS) (5000)')
      expect(warnings[0]).toMatch(/one renewal that fails/)
    }
    expect(configWarnings(resolveConfig({ ...redis, lease: { durationMs: 10_001, heartbeatMs: 5_000 } }))).toEqual([])
    expect(configWarnings(resolveConfig(redis))).toEqual([])
    // One process: no other instance takes its jobs over.
    expect(configWarnings(resolveConfig({ lease: { durationMs: 5_200, heartbeatMs: 5_000 } }))).toEqual([])
  })

  it('loses a live owner\'s job to another instance after one failed renewal; the default lease does not', async () => {
    vi.useFakeTimers()
    expect(await ownerAfterOneFailedRenewal({ durationMs: 10_000, heartbeatMs: 5_000 })).toBe('b')
    expect(await ownerAfterOneFailedRenewal({ durationMs: 15_000, heartbeatMs: 5_000 })).toBe('a')
  })
})
