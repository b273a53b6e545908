/**
 * `dispose` stops every run and waits `RUN_RETURN_GRACE_MS` for their code to return. A run whose
 * code never returned (an unbounded wait in app code that ignores its signal) had its timers and
 * write queue released, but stayed in the engine's runs — `stats().runs` above zero after
 * dispose — and in the process-wide metrics as a job still running on this instance
 * (`jobs{status}`), which a Nitro reload (dev) kept showing for good.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useMetrics } from '../../server/lib/metrics'
import { chatRequest, createTestEngine } from '../support/engine-harness'

describe('a run whose code never returns at dispose', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    useMetrics().reset()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is let go of: no run left, not counted as running', async () => {
    const { engine } = createTestEngine({ runners: { chat: () => new Promise<void>(() => {}) } })
    await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(10)
    expect(engine.stats().runs).toBe(1)
    const disposed = engine.dispose()
    await vi.advanceTimersByTimeAsync(60_000)
    await disposed
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0 })
    expect(useMetrics().snapshot().jobsByStatus).toEqual({ queued: 0, running: 0, waiting: 0 })
  })
})
