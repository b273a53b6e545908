/**
 * A dead owner's job is taken over as its lease lapses, not at the next periodic scan: each scan's
 * cluster load says when the next lease lapses (`nextLapseInMs`), and an instance scans again right
 * then when that comes first (lapse-wake.ts). Two engines share one memory provider (fake timers);
 * the owner dies right after a renewal, its lease lapsing just after the other instance's scan.
 * Before, the takeover came one heartbeat later (here 1 s after a 3 s lease lapsed).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { MemoryProvider } from '../../server/lib/providers/memory'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import type { JobProvider } from '../../server/lib/providers/types'
import { diesAfterRenewal } from '../support/dies-after-renewal'
import { createSharedMemoryEngine, sharedMemory } from '../support/shared-memory'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })

function instance(provider: JobProvider, instanceId: string) {
  return createSharedMemoryEngine({ provider, instanceId, config })
}

describe('the takeover of a dead owner\'s job', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('comes as its lease lapses, lease.durationMs after the last renewal, not a heartbeat later', async () => {
    const store: MemoryProvider = createMemoryProvider()
    const b = instance(sharedMemory(store), 'b')
    await vi.advanceTimersByTimeAsync(1)
    const died = { at: null as number | null }
    const a = instance(diesAfterRenewal(died)(sharedMemory(store)), 'a')
    const { job } = await a.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
    let takenAt: number | null = null
    for (let step = 0; step < 1_000 && takenAt === null; step++) {
      await vi.advanceTimersByTimeAsync(10)
      if ((await store.get(job.id))?.lease?.instanceId === 'b') takenAt = Date.now()
    }
    expect(died.at).not.toBeNull()
    const delay = takenAt! - died.at!
    expect(delay).toBeGreaterThan(config.lease.durationMs)
    // Within the 10 ms this loop looks every time, not up to a heartbeat (1 s) later.
    expect(delay).toBeLessThanOrEqual(config.lease.durationMs + 10)
    await b.dispose()
  })

  it('comes as each lease lapses for a dead owner\'s jobs whose leases lapse within one heartbeat', async () => {
    // Each wake scan lists the lease it waited for as newly lapsed, so it keeps the wake it armed
    // for the next: a rule of one wake scan per heartbeat would leave the later jobs to the next scan.
    const store: MemoryProvider = createMemoryProvider()
    const b = instance(sharedMemory(store), 'b')
    await vi.advanceTimersByTimeAsync(1)
    const died = { at: null as number | null }
    const a = instance(diesAfterRenewal(died)(sharedMemory(store)), 'a')
    const ids: string[] = []
    for (let user = 0; user < 3; user++) {
      ids.push((await a.createJob(`u${user}`, { request: { type: 'workflow', workflow: 'ask', input: {} } })).job.id)
      await vi.advanceTimersByTimeAsync(300)
    }
    const lapsesAt = new Map<string, number>()
    const takenAt = new Map<string, number>()
    for (let step = 0; step < 1_000 && takenAt.size < ids.length; step++) {
      await vi.advanceTimersByTimeAsync(10)
      for (const id of ids) {
        const lease = (await store.get(id))?.lease
        if (lease?.instanceId === 'a') lapsesAt.set(id, lease.expiresAt)
        else if (lease?.instanceId === 'b' && !takenAt.has(id)) takenAt.set(id, Date.now())
      }
    }
    expect(died.at).not.toBeNull()
    const lapses = ids.map(id => lapsesAt.get(id)!)
    // The leases lapse apart, all within one heartbeat.
    expect(new Set(lapses).size).toBe(ids.length)
    expect(Math.max(...lapses) - Math.min(...lapses)).toBeLessThan(config.lease.heartbeatMs)
    for (const id of ids) {
      const delay = takenAt.get(id)! - lapsesAt.get(id)!
      expect(delay).toBeGreaterThan(0)
      expect(delay).toBeLessThanOrEqual(10)
    }
    await b.dispose()
  })

  it('costs no scan more while every owner renews its lease', async () => {
    const store: MemoryProvider = createMemoryProvider()
    let loads = 0
    const counted: JobProvider = { ...sharedMemory(store), heartbeatInstance: async (id, ttl) => (loads++, await store.heartbeatInstance(id, ttl)) }
    const a = instance(counted, 'a')
    await a.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
    await vi.advanceTimersByTimeAsync(10_000)
    // One at start, then one per heartbeat: no scan in between.
    expect(loads).toBe(11)
    await a.dispose()
  })

  it('costs at most one scan more per heartbeat when live leases lapse before the next scan (lease.durationMs < 2 × lease.heartbeatMs)', async () => {
    // Renewed every 5 s, a 5.2 s lease is often less than a heartbeat from its lapse at a scan,
    // though its owner is alive: the scan at that lapse finds it renewed. Before, that scan armed
    // the next such lapse, and the next: 132 scans a minute for 10 jobs instead of 12.
    const tight = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 5_200, heartbeatMs: 5_000 } })
    const store: MemoryProvider = createMemoryProvider()
    let loads = 0
    const counted: JobProvider = { ...sharedMemory(store), heartbeatInstance: async (id, ttl) => (loads++, await store.heartbeatInstance(id, ttl)) }
    const a = createSharedMemoryEngine({ provider: counted, instanceId: 'a', config: tight })
    for (let user = 0; user < 10; user++) {
      await a.createJob(`u${user}`, { request: { type: 'workflow', workflow: 'ask', input: {} } })
      // Their renewals spread over the heartbeat, as jobs created over time.
      await vi.advanceTimersByTimeAsync(487)
    }
    loads = 0
    await vi.advanceTimersByTimeAsync(60_000)
    // 12 periodic scans, and at most one wake scan after each.
    expect(loads).toBeLessThanOrEqual(24)
    // Every job still runs here: no lease lapsed.
    expect((await store.listExpiredLeases()).length).toBe(0)
    await a.dispose()
  })
})
