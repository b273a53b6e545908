/**
 * Jobs refused by a limit (docs/ops.md › Metrics): counted once in `jobs_refused_total{reason}`,
 * and nothing else moves — no run started or ended, no gauge left behind.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ConcurrencyLimitError, RateLimitError } from '../../server/lib/errors'
import { useMetrics } from '../../server/lib/metrics'
import { chatRequest, createTestEngine } from '../support/engine-harness'

describe('refused jobs', () => {
  beforeEach(() => useMetrics().reset())
  afterEach(() => useMetrics().reset())

  it('count by reason, and move no other number', async () => {
    let release!: () => void
    const held = new Promise<void>(resolve => release = resolve)
    const { engine } = createTestEngine({
      config: { limits: { maxConcurrentJobs: 2, maxConcurrentJobsPerUser: 1, createPerMinute: 3 } },
      runners: { chat: async () => await held },
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await expect(engine.createJob('u1', { request: chatRequest })).rejects.toBeInstanceOf(ConcurrencyLimitError)
    await engine.createJob('u2', { request: chatRequest })
    await expect(engine.createJob('u3', { request: chatRequest })).rejects.toBeInstanceOf(ConcurrencyLimitError)
    release()
    await engine.whenSettled(job.id)
    for (let index = 0; index < 3; index++) await engine.createJob('u4', { request: chatRequest, limitRate: true }).catch(() => {})
    await expect(engine.createJob('u4', { request: chatRequest, limitRate: true })).rejects.toBeInstanceOf(RateLimitError)

    const { counters, jobsByStatus } = useMetrics().snapshot()
    expect(counters['jobs_refused_total{reason="user-limit"}']).toBe(1)
    expect(counters['jobs_refused_total{reason="global-limit"}']).toBe(1)
    expect(counters['jobs_refused_total{reason="rate"}']).toBe(1)
    await engine.dispose()
    const after = useMetrics().snapshot()
    expect(after.counters.jobs_started_total).toBe(after.counters['jobs_ended_total{status="completed"}']! + (after.counters['jobs_ended_total{status="failed"}'] ?? 0))
    expect(jobsByStatus).toMatchObject({ queued: 0, waiting: 0 })
    expect(after.jobsByStatus).toEqual({ queued: 0, running: 0, waiting: 0 })
  })
})
