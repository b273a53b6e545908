/**
 * A run this instance gave up (its lease was lost: another instance owns the job now) is no job of
 * this instance's, even while its code — code that ignores the abort — goes on. `jobs{status}`
 * still counted it as running here, and every event it went on making (never stored, sent to no
 * one) was counted in `events_committed_total` and `delta_batch_chars`, for as long as it ran.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { useMetrics } from '../../server/lib/metrics'
import type { JobProvider } from '../../server/lib/providers/types'
import { wait } from '../support/engine-harness'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })
// The store refuses every heartbeat: the lease is lost to another instance at the first one.
const leaseLost = (provider: JobProvider): JobProvider => ({ ...provider, heartbeatLease: async () => false })

describe('the metrics of an abandoned run', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    useMetrics().reset()
  })
  afterEach(() => {
    useMetrics().reset()
    vi.useRealTimers()
  })

  it('leave it out of jobs{status} and count none of the events its code still makes', async () => {
    const backend = createBackend()
    const a = createEngineNode(backend, { instanceId: 'A', config, wrap: leaseLost, chat: async (context) => {
      for (;;) {
        await wait(20)
        context.text('a ')
      }
    } })
    await a.engine.createJob('u1', { request: { type: 'chat', messages: [{ role: 'user', content: 'hi' }] } })
    await vi.advanceTimersByTimeAsync(1_500) // the first heartbeat is refused: the run is given up
    expect(a.engine.stats().runs).toBe(1) // its code has not returned
    const committed = () => useMetrics().snapshot().counters['events_committed_total{type="text-delta"}'] ?? 0
    const batches = () => useMetrics().snapshot().histograms.delta_batch_chars?.count ?? 0
    const before = { committed: committed(), batches: batches() }
    await vi.advanceTimersByTimeAsync(2_000)
    expect({ jobs: useMetrics().snapshot().jobsByStatus, committed: committed() - before.committed, batches: batches() - before.batches })
      .toEqual({ jobs: { queued: 0, running: 0, waiting: 0 }, committed: 0, batches: 0 })

    const disposed = a.engine.dispose()
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
