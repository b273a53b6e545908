/**
 * A user's Stop is not an error, nor is a question's `onTimeout: 'abort'` (it ends the job
 * `aborted`, as the user would): both were counted in `job_errors_total` (`code="aborted"`,
 * `code="input-timeout"`), so an alert on the error rate paged when users pressed Stop. They are
 * counted in `job_aborts_total{code}` now; `job_errors_total` counts the errors of failed jobs only
 * (a time limit, a shutdown, a lost owner are failures and stay there).
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { JobAbortedError } from '../../server/lib/errors'
import { ABORTED_CODES, outcomeOf } from '../../server/lib/job-run'
import { FIXED_LABEL_VALUES, withKnownSeries } from '../../server/lib/metric-known-series'
import { createMetrics, useMetrics } from '../../server/lib/metrics'
import { emptyMetrics } from '../../shared/events'
import { chatRequest, createTestEngine, wait } from '../support/engine-harness'

afterEach(() => {
  vi.useRealTimers()
})

/** The series of `name` in a snapshot's counters, with their counts. */
function series(counters: Record<string, number>, name: string): Record<string, number> {
  return Object.fromEntries(Object.entries(counters).filter(([key]) => key === name || key.startsWith(`${name}{`)))
}

describe('aborted jobs in the metrics', () => {
  it('a user\'s abort counts in jobs_ended_total and job_aborts_total, not in job_errors_total', async () => {
    vi.useFakeTimers()
    useMetrics().reset()
    const { engine } = createTestEngine({ runners: { chat: async (context) => {
      await wait(60_000, context.signal)
    } } })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(10)
    await engine.abortJob('u1', job.id)
    await engine.whenSettled(job.id)
    const { counters } = useMetrics().snapshot()
    expect(counters['jobs_ended_total{status="aborted"}']).toBe(1)
    expect(series(counters, 'job_errors_total')).toEqual({})
    expect(series(counters, 'job_aborts_total')).toEqual({ 'job_aborts_total{code="aborted"}': 1 })
    await engine.dispose()
  })

  it('every kind of end: aborts by their code, failures (time limit, shutdown, lost owner) as errors', () => {
    const metrics = createMetrics()
    const signal = new AbortController().signal
    const ends = [
      new JobAbortedError('aborted', 'Aborted by the user'),
      new JobAbortedError('input-timeout', 'No answer in time'),
      new JobAbortedError('timeout', 'Job exceeded its time limit'),
      new JobAbortedError('shutdown', 'The server shut down'),
      new JobAbortedError('owner-lost', 'The owner was lost'),
    ]
    ends.forEach((error, index) => metrics.recordEvent(`job-${index}`, { type: 'job-end', seq: 1, at: 0, ...outcomeOf(error, signal), metrics: emptyMetrics() }))
    const { counters } = withKnownSeries(metrics.snapshot())
    expect(series(counters, 'job_aborts_total')).toEqual({ 'job_aborts_total{code="aborted"}': 1, 'job_aborts_total{code="input-timeout"}': 1 })
    expect(series(counters, 'job_errors_total')).toEqual({ 'job_errors_total{code="timeout"}': 1, 'job_errors_total{code="shutdown"}': 1, 'job_errors_total{code="owner-lost"}': 1 })
    expect(counters['jobs_ended_total{status="aborted"}']).toBe(2)
    expect(counters['jobs_ended_total{status="failed"}']).toBe(3)
  })

  it('job_aborts_total is exported from the start, at 0, for every code that ends a job aborted', () => {
    expect(FIXED_LABEL_VALUES.job_aborts_total).toEqual([...ABORTED_CODES])
    expect(series(withKnownSeries(createMetrics().snapshot()).counters, 'job_aborts_total')).toEqual({ 'job_aborts_total{code="aborted"}': 0, 'job_aborts_total{code="input-timeout"}': 0 })
  })
})
