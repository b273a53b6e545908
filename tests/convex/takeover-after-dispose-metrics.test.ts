/**
 * A recovery scan whose claim lands after a shutdown stopped waiting for it (one lease period)
 * starts no run: the engine is disposed, and the job's lease lapses to another instance, which
 * takes it over and counts that takeover. This instance still counted
 * `lease_takeovers_total{outcome="resumed"}` ("it runs here now") and logged that it resumed the
 * job, so the cluster's metrics counted one takeover twice, one of them of a run that never was.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { useMetrics } from '../../server/lib/metrics'
import type { JobProvider } from '../../server/lib/providers/types'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const LEASE_MS = 3_000
const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: LEASE_MS, heartbeatMs: 1_000 } })
const ask = { type: 'workflow' as const, workflow: 'ask', input: {} }

describe('a takeover claimed after the shutdown stopped waiting', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    useMetrics().reset()
  })
  afterEach(() => {
    useMetrics().reset()
    vi.useRealTimers()
  })

  it('is not counted as resumed here: no run started', async () => {
    const backend = createBackend()
    const a = createEngineNode(backend, { instanceId: 'A', config, wrap: provider => ({ ...provider, heartbeatLease: async () => true }) })
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const b = createEngineNode(backend, { instanceId: 'B', config, wrap: (provider): JobProvider => ({
      ...provider,
      claimLease: async (...args) => {
        await gate
        return await provider.claimLease!(...args)
      },
    }) })
    await a.engine.createJob('u1', { request: ask })
    await vi.advanceTimersByTimeAsync(LEASE_MS + 1_100) // B's scan claims A's lapsed job: held
    const disposing = b.engine.dispose()
    await vi.advanceTimersByTimeAsync(LEASE_MS)
    await disposing
    release()
    await vi.advanceTimersByTimeAsync(LEASE_MS * 3)
    expect(b.engine.stats().runs).toBe(0)

    const { counters } = useMetrics().snapshot()
    const takeovers = Object.fromEntries(Object.entries(counters).filter(([key]) => key.startsWith('lease_takeovers_total')))
    expect({ takeovers, started: counters.jobs_started_total }).toEqual({ takeovers: {}, started: 1 })
    await a.engine.dispose()
  })
})
