/**
 * A dead owner's job is taken over as its lease lapses, not at the next periodic scan: each scan's
 * cluster load says when the next lease lapses (`nextLapseInMs`), and an instance scans again right
 * then when that comes first (lapse-wake.ts). Two engines share one memory provider (fake timers);
 * the owner dies right after a renewal, its lease lapsing just after the other instance's scan.
 * Before, the takeover came one heartbeat later (here 1 s after a 3 s lease lapsed).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { createEngine } from '../../server/lib/engine'
import { silentLogger } from '../../server/lib/logger'
import type { MemoryProvider } from '../../server/lib/providers/memory'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import type { JobProvider } from '../../server/lib/providers/types'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { runWorkflowJob } from '../../server/lib/workflows/run-workflow-job'
import { askWorkflow } from '../convex/engine-node'
import { unusedModel } from '../support/engine-harness'
import { sharedMemory } from '../support/shared-memory'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })

/** An owner that dies right after its first lease renewal: from then on no call of it reaches the store. */
function diesAfterRenewal(provider: JobProvider, died: { at: number | null }): JobProvider {
  return new Proxy(provider, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        if (died.at !== null) return new Promise(() => {})
        const result = (value as (...args: unknown[]) => unknown).apply(target, args)
        if (key !== 'heartbeatLease') return result
        return (result as Promise<boolean>).then((renewed) => {
          if (renewed) died.at = Date.now()
          return renewed
        })
      }
    },
  })
}

function instance(provider: JobProvider, instanceId: string) {
  return createEngine({
    provider,
    instanceId,
    getConfig: () => config,
    createModelClient: () => unusedModel,
    runners: { chat: async () => {}, workflow: runWorkflowJob },
    tools: createToolRegistry([]),
    workflows: createWorkflowRegistry([askWorkflow], { toolNames: [] }),
    logger: silentLogger,
  })
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
    const a = instance(diesAfterRenewal(sharedMemory(store), died), 'a')
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
