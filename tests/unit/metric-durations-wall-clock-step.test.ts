/**
 * Durations and ages in the metrics are elapsed time, measured on the monotonic clock: a step of
 * the wall clock (NTP, a VM resumed, an operator's `date -s`) during a run must not make a job's
 * `duration_ms` or `first_token_ms` negative or hours long (`job_duration_ms`,
 * `time_to_first_token_ms`, a tool's `durationMs` and `tool_run_ms`), nor hide a stuck run or
 * question from `engine_oldest_run_age_ms` / `engine_oldest_input_wait_ms` (a step back read 0)
 * or make a healthy one look stuck (a step forward), nor a job span's `input.wait_ms`. `vi.setSystemTime` moves `Date.now()` only,
 * as such a step does; the fake timers move both clocks.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { useMetrics } from '../../server/lib/metrics'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool } from '../../server/utils/define-tool'
import { chatRequest, createTestEngine, wait } from '../support/engine-harness'
import { createStepModel, textStep, toolStep } from '../support/step-model'
import { useTracingPerTest } from '../support/tracing'

const HOUR_MS = 3_600_000

/** Steps the wall clock by `ms` without any time passing. */
function stepWallClock(ms: number): void {
  vi.setSystemTime(Date.now() + ms)
}

beforeEach(() => {
  vi.useFakeTimers()
  useMetrics().reset()
})
afterEach(() => {
  vi.useRealTimers()
  useMetrics().reset()
})

describe('a wall-clock step during a run', () => {
  it('leaves the run\'s duration, its time to first token and a tool\'s duration as the time that passed', async () => {
    // The tool runs 2 s, during which the wall clock steps back an hour.
    const slow = defineTool({ name: 'slow', description: 'Takes 2 s', parameters: z.object({}), execute: async () => {
      await wait(1_000)
      stepWallClock(-HOUR_MS)
      await wait(1_000)
      return 'ok'
    } })
    const model = createStepModel([toolStep([{ id: 'c1', name: 'slow' }]), textStep('done')])
    const { engine } = createTestEngine({ model, tools: createToolRegistry([slow]), runners: { chat: async (context, request) => {
      await wait(500)
      await runChatJob(context, request)
    } } })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(10_000)
    await engine.whenSettled(job.id)
    const { state } = await engine.getJob('u1', job.id)
    expect(state.status).toBe('completed')
    expect(state.toolCalls[0]!.durationMs).toBe(2_000)
    // Every millisecond of it passed after the job started; none is negative, none an hour.
    const metrics = state.metrics!
    expect(metrics.duration_ms).toBeGreaterThanOrEqual(2_500)
    expect(metrics.duration_ms).toBeLessThan(10_000)
    expect(metrics.first_token_ms).toBeGreaterThanOrEqual(2_500)
    expect(metrics.first_token_ms).toBeLessThan(10_000)
    const { histograms } = useMetrics().snapshot()
    expect(histograms.job_duration_ms).toMatchObject({ count: 1, sum: metrics.duration_ms })
    expect(histograms.job_duration_ms!.buckets['1000']).toBe(0)
    expect(histograms['tool_run_ms{status="completed",tool="slow"}']).toMatchObject({ count: 1, sum: 2_000 })
    await engine.dispose()
  })

  it('leaves the age of the oldest run and of the oldest open question as the time that passed', async () => {
    const { engine } = createTestEngine({ runners: { chat: async (context) => {
      await wait(5_000, context.signal)
      await context.requestInput({ kind: 'workflow-input', prompt: 'Which?', timeoutMs: 300_000, onTimeout: 'fail' })
    } } })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(20_000)
    expect(engine.stats()).toMatchObject({ oldestRunAgeMs: 20_000, oldestInputWaitMs: 15_000 })
    // Back an hour: a stuck run must not read as 0 (nothing running) until the clock catches up.
    stepWallClock(-HOUR_MS)
    expect(engine.stats()).toMatchObject({ oldestRunAgeMs: 20_000, oldestInputWaitMs: 15_000 })
    // Forward a day: a run of 20 s is not a day old (a false stuck-job alert).
    stepWallClock(HOUR_MS + 24 * HOUR_MS)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(engine.stats()).toMatchObject({ oldestRunAgeMs: 21_000, oldestInputWaitMs: 16_000 })
    await engine.abortJob('u1', job.id)
    await engine.whenSettled(job.id)
    expect(engine.stats()).toMatchObject({ runs: 0, oldestRunAgeMs: 0, oldestInputWaitMs: 0 })
    await engine.dispose()
  })
})

describe('a wall-clock step while a question waits', () => {
  const useTracing = useTracingPerTest({ fakeTimers: true })

  it('leaves the job span\'s input.wait_ms as the time the question waited', async () => {
    const tracing = useTracing()
    const { engine } = createTestEngine({ runners: { chat: async (context) => {
      await context.requestInput({ kind: 'workflow-input', prompt: 'Which?', timeoutMs: 300_000, onTimeout: 'fail' })
    } } })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(4_000)
    stepWallClock(-HOUR_MS)
    await vi.advanceTimersByTimeAsync(1_000)
    const [pending] = (await engine.getJob('u1', job.id)).state.pendingInputs
    await engine.answerInput('u1', job.id, { requestId: pending!.requestId, answer: 'this one' })
    await engine.whenSettled(job.id)
    const [jobSpan] = tracing.named('background_jobs.job')
    const answered = jobSpan!.events.find(event => event.name === 'background_jobs.input.answered')
    expect(answered?.attributes?.['background_jobs.input.wait_ms']).toBe(5_000)
    await engine.dispose()
  })
})
