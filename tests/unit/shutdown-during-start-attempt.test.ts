/**
 * SIGTERM while the engine's start is still under way (its store is slow to answer at boot: a
 * Redis whose handshake hangs for its 5 s connect deadline, then the checks after it). The shutdown
 * plugin asked for the engine and so waited for that attempt to settle — holding the shutdown, and
 * every request that had asked meanwhile — and an attempt that then failed was reported as
 * "trying again" on the stopping process. Now the signal stops the start at once: the requests
 * waiting for it get the shutdown's 503, the shutdown's dispose settles, and an attempt that still
 * succeeds is released (its engine disposed), as between two attempts.
 */
import { expect, it, vi } from 'vitest'
import { setBackgroundJobsEngine, useBackgroundJobsEngine } from '../../server/lib/engine-instance'
import { startWithRetry } from '../../server/lib/engine-startup'
import { ShuttingDownError, StoreUnreachableError } from '../../server/lib/errors'
import { createTestEngine } from '../support/engine-harness'
import { installShutdownPlugin, SIGNAL, useShutdownSignal } from '../support/shutdown-signal'

vi.mock('#background-jobs/preset', () => ({ preset: 'node-server' }))
vi.mock('nitropack/runtime', () => ({ defineNitroPlugin: (plugin: unknown) => plugin }))

useShutdownSignal()

/** What a promise came to so far. */
function outcome(promise: Promise<unknown>) {
  const seen: { value: unknown } = { value: 'pending' }
  promise.then(value => (seen.value = value ?? 'settled'), (error: unknown) => (seen.value = error))
  return seen
}

it('a signal during a start attempt stops it at once: the shutdown and the waiting requests do not wait for it', async () => {
  let finishAttempt: (error?: unknown) => void = () => {}
  const failures: Array<number | null> = []
  const discarded: unknown[] = []
  const startup = startWithRetry(() => new Promise<ReturnType<typeof createTestEngine>['engine']>((resolve, reject) => {
    finishAttempt = (error) => {
      if (error) reject(error)
      else resolve(createTestEngine({ runners: { chat: async () => {}, workflow: async () => {} } }).engine)
    }
  }), { provider: 'redis', isRetryable: error => error instanceof StoreUnreachableError, onFailure: (_, retryInMs) => failures.push(retryInMs), discard: engine => void discarded.push(engine.dispose()) })
  setBackgroundJobsEngine(startup)
  const closeHooks = await installShutdownPlugin()
  // A request that came during the boot waits for the attempt.
  const request = outcome(useBackgroundJobsEngine())

  process.emit(SIGNAL as NodeJS.Signals) // SIGTERM of the deploy
  const closed = outcome(Promise.all(closeHooks.map(hook => hook())))
  await vi.advanceTimersByTimeAsync(0)
  expect({ closed: closed.value === 'pending' ? 'pending' : 'closed', request: request.value }).toEqual({ closed: 'closed', request: expect.any(ShuttingDownError) })

  // The attempt fails later (the handshake's deadline): nothing is tried again, nothing is logged as such.
  finishAttempt(new StoreUnreachableError('the connection opened but Redis did not finish the handshake within 5000 ms'))
  await vi.advanceTimersByTimeAsync(60_000)
  expect({ failures, timers: vi.getTimerCount(), discarded: discarded.length }).toEqual({ failures: [], timers: 0, discarded: 0 })
})
