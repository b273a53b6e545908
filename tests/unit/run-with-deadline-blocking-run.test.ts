/**
 * A run in the server's thread that holds it past its time limit (a synchronous loop, a regex that
 * backtracks: the limit's timer cannot fire meanwhile) ends `timeout`, its answer not used — as one
 * that came late without blocking does. Before, its answer was read before the late timer and the
 * call counted `completed` (or `failed`). The clock is moved by the run itself (performance.now
 * mocked), so nothing waits for real.
 */
import { describe, expect, it } from 'vitest'
import { runWithDeadline } from '../../server/lib/executor/run-with-deadline'
import { createTimerSet } from '../../server/lib/timers'
import { useFakePerformanceNow } from '../support/fake-performance-now'

const clock = useFakePerformanceNow()

/** A run that keeps the thread for `busyMs` (the clock moves; no timer can run), then answers or throws. */
const blocking = (busyMs: number, answer: 'value' | 'throw') => async () => {
  clock.ms += busyMs
  if (answer === 'throw') throw new Error('done spinning')
  return 'result'
}

describe('runWithDeadline, a run that holds the thread', () => {
  it('past its time limit: timeout, whether it answered or threw; its timer cleared', async () => {
    const timers = createTimerSet()
    const options = { jobSignal: new AbortController().signal, timeoutMs: 5_000, timers }
    expect(await runWithDeadline(blocking(10_000, 'value'), options)).toEqual({ kind: 'timeout' })
    expect(await runWithDeadline(blocking(10_000, 'throw'), options)).toEqual({ kind: 'timeout' })
    expect(timers.size).toBe(0)
  })

  it('within its time limit: its answer, as before', async () => {
    const timers = createTimerSet()
    const options = { jobSignal: new AbortController().signal, timeoutMs: 5_000, timers }
    expect(await runWithDeadline(blocking(5_000, 'value'), options)).toEqual({ kind: 'completed', value: 'result' })
    expect(await runWithDeadline(blocking(4_000, 'throw'), options)).toMatchObject({ kind: 'failed' })
  })

  it('an abort of the job still wins over the time limit', async () => {
    const controller = new AbortController()
    const run = async () => {
      clock.ms += 10_000
      controller.abort(new Error('aborted by its user'))
      return 'result'
    }
    expect(await runWithDeadline(run, { jobSignal: controller.signal, timeoutMs: 5_000, timers: createTimerSet() })).toMatchObject({ kind: 'aborted' })
  })

  it('an isolated call (waitMs) is not judged by the server\'s clock: its worker is stopped at the limit', async () => {
    const run = async (_signal: AbortSignal, started: () => void) => {
      started()
      clock.ms += 10_000
      return 'result'
    }
    expect(await runWithDeadline(run, { jobSignal: new AbortController().signal, timeoutMs: 5_000, timers: createTimerSet(), waitMs: 30_000 })).toEqual({ kind: 'completed', value: 'result' })
  })
})
