/**
 * A stale owner whose end is refused by the store (another instance took the job over and ended
 * it): the end is counted once, by the instance that stored it, and the stale run's span says it
 * was handed off — not that the job completed (docs/metrics.md, docs/observability.md).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { useMetrics } from '../../server/lib/metrics'
import type { JobProvider } from '../../server/lib/providers/types'
import { wait } from '../support/engine-harness'
import { useTracingPerTest } from '../support/tracing'
import type { TestTracing } from '../support/tracing'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })
// A stuck owner: its heartbeats claim success but never reach the store, so B takes the job over.
const stuckHeartbeat = (provider: JobProvider): JobProvider => ({ ...provider, heartbeatLease: async () => true })

describe('the end of a stale owner', () => {
  const useTracing = useTracingPerTest({ fakeTimers: true })
  let tracing: TestTracing
  beforeEach(() => {
    tracing = useTracing()
    useMetrics().reset()
  })
  afterEach(() => {
    useMetrics().reset()
  })

  it('is not counted when the store refuses it: one job, one end in jobs_ended_total; its span is handed off', async () => {
    const backend = createBackend()
    // A's chat writes nothing for 5 s (a long tool call), then completes: by then B ended it owner-lost.
    const a = createEngineNode(backend, { instanceId: 'A', config, wrap: stuckHeartbeat, chat: async context => void await wait(5_000, context.signal) })
    const b = createEngineNode(backend, { instanceId: 'B', config })
    const { job } = await a.engine.createJob('u1', { request: { type: 'chat', messages: [{ role: 'user', content: 'hi' }] } })
    await vi.advanceTimersByTimeAsync(4_500) // past the 3 s lease: B's recovery ends it owner-lost
    expect((await b.provider.get(job.id))!.status).toBe('failed')
    await vi.advanceTimersByTimeAsync(1_000) // A's runner returns; its job-end is refused
    await a.engine.whenSettled(job.id)
    expect((await b.provider.getState(job.id))!.error?.code).toBe('owner-lost')

    const { counters, jobsByStatus } = useMetrics().snapshot()
    const ended = Object.entries(counters).filter(([key]) => key.startsWith('jobs_ended_total')).reduce((sum, [, value]) => sum + value, 0)
    expect(ended).toBe(1)
    expect(counters['jobs_ended_total{status="failed"}']).toBe(1)
    expect(counters['jobs_ended_total{status="completed"}']).toBeUndefined()
    expect(counters['job_errors_total{code="owner-lost"}']).toBe(1)
    expect(jobsByStatus).toEqual({ queued: 0, running: 0, waiting: 0 })

    const first = tracing.named('background_jobs.job').find(span => span.attributes['background_jobs.instance.id'] === 'A')!
    expect(first.attributes['background_jobs.run.outcome']).toBe('handed-off')
    expect(first.attributes['background_jobs.job.status']).toBeUndefined()
    await Promise.all([a.engine.dispose(), b.engine.dispose()])
  })
})
