/**
 * A job's duration counts from its first start across takeovers (job-start.ts), as its time limit
 * does: two engines share one memory provider (fake timers, the provider's clock among them); the
 * first hands a chat off at shutdown after 400 s and the second ends it 100 s after taking it
 * over. Its `job-end` metrics say 500 s, and so does `job_duration_ms` on the instance that ended
 * it — not the 100 s of the last run.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { JobRunners } from '../../server/lib/engine-types'
import { useMetrics } from '../../server/lib/metrics'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import { chatRequest } from '../support/engine-harness'
import { createSharedMemoryEngine, sharedMemory } from '../support/shared-memory'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 }, recovery: { chat: 'continue' }, limits: { jobTimeoutMs: 3_600_000 } })

/** A chat that writes, then ends after `runMs` (or when its signal fires). */
function chatFor(runMs: number): JobRunners['chat'] {
  return async (context) => {
    context.text('partial ')
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, runMs)
      context.signal.addEventListener('abort', () => {
        clearTimeout(timer)
        reject(context.signal.reason)
      }, { once: true })
    })
  }
}

beforeEach(() => {
  vi.useFakeTimers()
  useMetrics().reset()
})
afterEach(() => {
  vi.useRealTimers()
})

it('counts a job taken over from its first start in its duration_ms and job_duration_ms', async () => {
  const store = createMemoryProvider()
  const a = createSharedMemoryEngine({ provider: sharedMemory(store), instanceId: 'a', config, chat: chatFor(3_600_000) })
  const b = createSharedMemoryEngine({ provider: sharedMemory(store), instanceId: 'b', config, chat: chatFor(100_000) })
  const { job } = await a.createJob('u1', { request: chatRequest })
  await vi.advanceTimersByTimeAsync(400_000)
  await a.dispose() // a rolling deploy hands the chat off
  expect(await b.recover()).toBe(1)
  await vi.advanceTimersByTimeAsync(100_000)
  await b.whenSettled(job.id)
  const { state } = await b.getJob('u1', job.id)
  expect(state.status).toBe('completed')
  // Before: 100 000 (the last run only).
  expect(state.metrics!.duration_ms).toBeGreaterThanOrEqual(500_000)
  expect(state.metrics!.duration_ms).toBeLessThan(505_000)
  const duration = useMetrics().snapshot().histograms.job_duration_ms!
  expect(duration.count).toBe(1)
  expect(duration.sum).toBe(state.metrics!.duration_ms)
  await b.dispose()
})
