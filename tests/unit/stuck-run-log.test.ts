/**
 * A run whose code does not heed its signal outlives the job's end: the end (`timeout`, an abort)
 * is stored and logged (`job ended`) at once, but the run — its lease, its slot, its age in
 * `engine_oldest_run_age_ms` — stays until the code returns. The gauge then says a run is stuck
 * with no line naming it: the job had its `job ended` line, so the runbook's "`job created` with no
 * `job ended`" found nothing. Such a run is named once, `RUN_RETURN_WARN_MS` after its end was
 * stored, and again (info) when its code returns.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { RUN_RETURN_WARN_MS } from '../../server/lib/run-manager'
import { chatRequest, createTestEngine, wait } from '../support/engine-harness'
import { recordingLogger } from '../support/recording-logger'

const JOB_TIMEOUT_MS = 5_000

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('a run whose code has not returned after its job ended', () => {
  it('is named in a warning once, and in an info line when its code returns', async () => {
    const { logger, lines } = recordingLogger()
    const { engine } = createTestEngine({
      logger,
      config: { limits: { jobTimeoutMs: JOB_TIMEOUT_MS } },
      // Ignores its signal: returns after 10 minutes whatever happens.
      runners: { chat: async () => void await wait(600_000) },
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(JOB_TIMEOUT_MS + 100)
    expect(lines.filter(line => line.message === 'job ended')).toHaveLength(1)
    const held = () => lines.filter(line => line.fields?.jobId === job.id && /code has not returned/.test(line.message))
    expect(held()).toEqual([])
    await vi.advanceTimersByTimeAsync(RUN_RETURN_WARN_MS)
    expect(engine.stats().runs).toBe(1)
    expect(held()).toEqual([{ level: 'warn', message: expect.stringContaining('code has not returned'), fields: { jobId: job.id, status: 'failed', error: 'timeout', heldMs: RUN_RETURN_WARN_MS } }])
    // Once, not at every scrape or minute.
    await vi.advanceTimersByTimeAsync(5 * RUN_RETURN_WARN_MS)
    expect(held()).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(600_000)
    await engine.whenSettled(job.id)
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0, oldestRunAgeMs: 0 })
    const returned = lines.filter(line => line.fields?.jobId === job.id && /code returned/.test(line.message))
    expect(returned).toEqual([{ level: 'info', message: expect.stringContaining('code returned'), fields: { jobId: job.id, heldMs: 600_000 - JOB_TIMEOUT_MS } }])
    await engine.dispose()
  })

  it('an aborted job\'s run is named with what ended it, as its job ended line does: abortCode, not error', async () => {
    const { logger, lines } = recordingLogger()
    const { engine } = createTestEngine({ logger, runners: { chat: async () => void await wait(600_000) } })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(100)
    await engine.abortJob('u1', job.id)
    await vi.advanceTimersByTimeAsync(RUN_RETURN_WARN_MS)
    const held = lines.filter(line => line.fields?.jobId === job.id && /code has not returned/.test(line.message))
    expect(held.map(line => line.fields)).toEqual([{ jobId: job.id, status: 'aborted', abortCode: 'aborted', heldMs: RUN_RETURN_WARN_MS }])
    await vi.advanceTimersByTimeAsync(600_000)
    await engine.whenSettled(job.id)
    await engine.dispose()
  })

  it('names nothing when the code heeds its signal', async () => {
    const { logger, lines } = recordingLogger()
    const { engine } = createTestEngine({
      logger,
      config: { limits: { jobTimeoutMs: JOB_TIMEOUT_MS } },
      runners: { chat: async context => void await wait(600_000, context.signal) },
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(JOB_TIMEOUT_MS + 2 * RUN_RETURN_WARN_MS)
    await engine.whenSettled(job.id)
    expect(lines.map(line => line.message)).toEqual(['job created', 'job ended'])
    await engine.dispose()
  })
})
