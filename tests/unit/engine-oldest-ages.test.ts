/**
 * "Is any job stuck?" as a one-line alert, without a job id as a label: `engine.stats()` (and
 * /metrics as `engine_oldest_run_age_ms`, `engine_oldest_input_wait_ms`) has the age of the
 * oldest run this instance owns and of the oldest question open on it, read at the scrape from
 * what the runs hold. A run another instance took over is not this instance's job any more,
 * however long its code takes to return.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { AppendResult, JobProvider } from '../../server/lib/providers/types'
import { engineGauges } from '../../server/lib/prometheus'
import type { RunContext } from '../../server/lib/run-context'
import { chatRequest, createTestEngine, wait } from '../support/engine-harness'

/** An engine whose next chat asks a question when `jobs.ask`, else writes at 8 s and returns at 60 s; its store refuses writes once `store.refuses`. */
function engineWithRuns() {
  const store = { refuses: false }
  const jobs = { ask: false }
  const made = createTestEngine({
    config: { limits: { jobTimeoutMs: 600_000 } },
    runners: {
      async chat(context: RunContext) {
        if (jobs.ask) {
          await context.requestInput({ kind: 'workflow-input', prompt: 'Which?', timeoutMs: 300_000, onTimeout: 'fail' })
          return
        }
        await wait(8_000)
        context.text('partial')
        // Code that does not heed its signal: it returns when it returns.
        await wait(52_000)
      },
    },
    wrap: inner => Object.assign(Object.create(inner) as JobProvider, {
      async appendEvents(...args: Parameters<JobProvider['appendEvents']>): Promise<AppendResult> {
        if (store.refuses) return { ok: false, reason: 'stale-epoch', lastSeq: 0 }
        return await inner.appendEvents(...args)
      },
    }),
  })
  return { ...made, store, jobs }
}

describe('the ages of the oldest run and the oldest open question', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('are 0 with nothing running, then the oldest run\'s age and the oldest question\'s wait', async () => {
    const { engine, jobs } = engineWithRuns()
    expect(engine.stats()).toMatchObject({ oldestRunAgeMs: 0, oldestInputWaitMs: 0 })
    const first = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(5_000)
    jobs.ask = true
    const second = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(2_000)
    expect(engine.stats()).toMatchObject({ runs: 2, oldestRunAgeMs: 7_000, oldestInputWaitMs: 2_000 })
    expect(engineGauges(engine.stats(), 0)).toMatchObject({ engine_oldest_run_age_ms: 7_000, engine_oldest_input_wait_ms: 2_000 })
    await vi.advanceTimersByTimeAsync(53_000)
    await engine.whenSettled(first.job.id)
    // The first job ended: the oldest is the one waiting for its answer (asked 55 s ago).
    expect(engine.stats()).toMatchObject({ runs: 1, oldestRunAgeMs: 55_000, oldestInputWaitMs: 55_000 })
    await engine.abortJob('u1', second.job.id)
    await engine.whenSettled(second.job.id)
    expect(engine.stats()).toMatchObject({ runs: 0, oldestRunAgeMs: 0, oldestInputWaitMs: 0 })
    await engine.dispose()
  })

  it('leave out a run this instance lost, while its code has not returned yet', async () => {
    const { engine, store } = engineWithRuns()
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(5_000)
    expect(engine.stats()).toMatchObject({ runs: 1, oldestRunAgeMs: 5_000 })
    // Another instance took the job over: this instance's next write is refused.
    store.refuses = true
    await vi.advanceTimersByTimeAsync(10_000)
    expect(engine.stats()).toMatchObject({ runs: 1, oldestRunAgeMs: 0, oldestInputWaitMs: 0 })
    await vi.advanceTimersByTimeAsync(45_000)
    await engine.whenSettled(job.id)
    expect(engine.stats()).toMatchObject({ runs: 0, oldestRunAgeMs: 0 })
    await engine.dispose()
  })
})
