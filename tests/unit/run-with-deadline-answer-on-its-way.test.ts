/**
 * runWithDeadline and a run whose answer is on its way when its time limit passes (an isolated
 * call's worker posted it; the server reads it after its timers): the limit waits for it up to
 * ANSWER_ON_ITS_WAY_MS and it is used; one that never comes is a timeout then.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { ANSWER_ON_ITS_WAY_MS, runWithDeadline } from '../../server/lib/executor/run-with-deadline'
import { createTimerSet } from '../../server/lib/timers'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

/** A run that starts at once and resolves when told; `answered` says whether its answer is on its way. */
function guarded(answered: () => boolean) {
  let resolve!: (value: string) => void
  const run = (_signal: AbortSignal, started: () => void, onWaiting: (cancel: () => boolean, answered?: () => boolean) => void) => {
    onWaiting(() => false, answered)
    started()
    return new Promise<string>(settle => (resolve = settle))
  }
  return { run, resolve: (value: string) => resolve(value) }
}

it('an answer on its way when the time limit passes is used when it comes', async () => {
  const timers = createTimerSet()
  const { run, resolve } = guarded(() => true)
  const outcome = runWithDeadline(run, { jobSignal: new AbortController().signal, timeoutMs: 1_000, timers, waitMs: 5_000 })
  await vi.advanceTimersByTimeAsync(1_000)
  resolve('answer')
  expect(await outcome).toEqual({ kind: 'completed', value: 'answer' })
  expect(timers.size).toBe(0)
})

it('one that never comes is a timeout ANSWER_ON_ITS_WAY_MS later; without one, at the limit', async () => {
  const timers = createTimerSet()
  const late = runWithDeadline(guarded(() => true).run, { jobSignal: new AbortController().signal, timeoutMs: 1_000, timers, waitMs: 5_000 })
  const none = runWithDeadline(guarded(() => false).run, { jobSignal: new AbortController().signal, timeoutMs: 1_000, timers, waitMs: 5_000 })
  const settled: string[] = []
  void late.then(() => settled.push('late'))
  void none.then(() => settled.push('none'))
  await vi.advanceTimersByTimeAsync(1_000)
  expect(settled).toEqual(['none'])
  await vi.advanceTimersByTimeAsync(ANSWER_ON_ITS_WAY_MS - 1)
  expect(settled).toEqual(['none'])
  await vi.advanceTimersByTimeAsync(1)
  expect(await late).toEqual({ kind: 'timeout' })
  expect(await none).toEqual({ kind: 'timeout' })
  expect(timers.size).toBe(0)
})
