/**
 * A job that recovery ends without running it again (a lost owner's chat with `recovery.chat:
 * fail`, ended `owner-lost`) counts its duration from its first start, as every other end does
 * (job-start.ts, providers.md "Leases and recovery"): its `job-end` metrics' `duration_ms`, the
 * `job ended` line's `durationMs` and `job_duration_ms` on the instance that ended it. Two engines
 * share one memory provider (fake timers); the owner dies after a lease renewal mid-answer. Before,
 * all three said 0 — every owner-lost end pulled the duration histogram down to its first bucket.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { JobRunners } from '../../server/lib/engine-types'
import { useMetrics } from '../../server/lib/metrics'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import { diesAfterRenewal } from '../support/dies-after-renewal'
import { recordingLogger } from '../support/recording-logger'
import { createSharedMemoryEngine, sharedMemory } from '../support/shared-memory'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 }, recovery: { chat: 'fail' } })

/** A chat that writes a little and never ends (its owner dies under it). */
const writesThenHangs: JobRunners['chat'] = async (context) => {
  context.text('partial ')
  await new Promise(() => {})
}

beforeEach(() => {
  vi.useFakeTimers()
  useMetrics().reset()
})
afterEach(() => {
  vi.useRealTimers()
})

it('counts a lost owner\'s chat ended owner-lost from its first start in duration_ms, durationMs and job_duration_ms', async () => {
  const store = createMemoryProvider()
  const { logger, lines } = recordingLogger()
  const b = createSharedMemoryEngine({ provider: sharedMemory(store), instanceId: 'b', config, logger })
  await vi.advanceTimersByTimeAsync(1)
  const died = { at: null as number | null }
  const a = createSharedMemoryEngine({ provider: diesAfterRenewal(died)(sharedMemory(store)), instanceId: 'a', config, chat: writesThenHangs })
  const createdAt = Date.now()
  const { job } = await a.createJob('u1', { request: { type: 'chat', messages: [{ role: 'user', content: 'hi' }] } })
  for (let step = 0; step < 1_000 && !lines.some(line => line.message === 'job ended'); step++) await vi.advanceTimersByTimeAsync(10)
  expect(died.at).not.toBeNull()
  const endedAt = Date.now()

  const { state } = await b.getJob('u1', job.id)
  expect(state.status).toBe('failed')
  expect(state.error?.code).toBe('owner-lost')
  expect(state.content).toBe('partial ')
  // Before: 0. The lease lapsed 3 s after the last renewal (≥ 1 s after the start), so ≥ 4 s in all.
  const duration = state.metrics!.duration_ms
  expect(duration).toBeGreaterThanOrEqual(4_000)
  expect(duration).toBeLessThanOrEqual(endedAt - createdAt)
  expect(lines.find(line => line.message === 'job ended')?.fields).toMatchObject({ jobId: job.id, error: 'owner-lost', durationMs: duration })
  const histogram = useMetrics().snapshot().histograms.job_duration_ms!
  expect(histogram.count).toBe(1)
  expect(histogram.sum).toBe(duration)
  await b.dispose()
})
