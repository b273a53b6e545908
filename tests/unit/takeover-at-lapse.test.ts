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
})
