/**
 * A job's time to first token is its user's wait, counted as its duration is (decision 25): from
 * the job's first start across takeovers. Two engines share one memory provider (fake timers); the
 * first hands a chat off at shutdown after 400 s. Before, the new owner timed the token from its own
 * run's start: a job whose user waited 401 s for its first word said 1 s in `first_token_ms`,
 * `time_to_first_token_ms` and the `job ended` line's `firstOutputMs` — next to a `durationMs` of
 * 401 s — and a job whose lost owner had already streamed its answer's start said its new owner's
 * first piece came after 0 s. Now the first says 401 s, and the second none (its first token came
 * on the lost owner, at a time no other instance's clock can tell).
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { JobRunners } from '../../server/lib/engine-types'
import { useMetrics } from '../../server/lib/metrics'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import { chatRequest, wait } from '../support/engine-harness'
import { recordingLogger } from '../support/recording-logger'
import { createSharedMemoryEngine, sharedMemory } from '../support/shared-memory'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 }, recovery: { chat: 'continue' }, limits: { jobTimeoutMs: 3_600_000 } })

/** A chat that writes `before` (if any) at once, then waits until its signal fires. */
function writesThenHangs(before: string | null): JobRunners['chat'] {
  return async (context) => {
    if (before !== null) context.text(before)
    await wait(3_600_000, context.signal)
  }
}

/** A chat that writes after 1 s, then ends. */
const answersAfterASecond: JobRunners['chat'] = async (context) => {
  await wait(1_000, context.signal)
  context.text('answer')
}

beforeEach(() => {
  vi.useFakeTimers()
  useMetrics().reset()
})
afterEach(() => {
  vi.useRealTimers()
})

/** Runs a job 400 s on `a` (`first` its runner), hands it to `b` at shutdown; the job's end, its line and the histogram. */
async function handedOffAfter400s(first: JobRunners['chat']) {
  const store = createMemoryProvider()
  const { logger, lines } = recordingLogger()
  const a = createSharedMemoryEngine({ provider: sharedMemory(store), instanceId: 'a', config, chat: first })
  const b = createSharedMemoryEngine({ provider: sharedMemory(store), instanceId: 'b', config, chat: answersAfterASecond, logger })
  const { job } = await a.createJob('u1', { request: chatRequest })
  await vi.advanceTimersByTimeAsync(400_000)
  await a.dispose() // a rolling deploy hands the chat off
  expect(await b.recover()).toBe(1)
  await vi.advanceTimersByTimeAsync(1_000)
  await b.whenSettled(job.id)
  const { state } = await b.getJob('u1', job.id)
  await b.dispose()
  expect(state.status).toBe('completed')
  return { metrics: state.metrics!, line: lines.find(line => line.message === 'job ended')!.fields, histogram: useMetrics().snapshot().histograms.time_to_first_token_ms }
}

it('counts the first token of a job taken over before any came from the job\'s first start, as its duration', async () => {
  const { metrics, line, histogram } = await handedOffAfter400s(writesThenHangs(null))
  // Before: 1 000 (the new run's start to its first token).
  expect(metrics.first_token_ms).toBeGreaterThanOrEqual(401_000)
  expect(metrics.first_token_ms).toBeLessThanOrEqual(metrics.duration_ms)
  expect(line).toMatchObject({ firstOutputMs: metrics.first_token_ms, durationMs: metrics.duration_ms })
  expect(histogram).toMatchObject({ count: 1, sum: metrics.first_token_ms })
})

it('times no first token for a job whose lost owner had already written some: it came before the takeover', async () => {
  const { metrics, line, histogram } = await handedOffAfter400s(writesThenHangs('partial '))
  // Before: 1 000, the new owner's first piece, 400 s after the user saw the first one.
  expect(metrics.first_token_ms).toBeNull()
  expect(line).not.toHaveProperty('firstOutputMs')
  expect(histogram?.count ?? 0).toBe(0)
})
