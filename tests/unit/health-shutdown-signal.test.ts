/**
 * The health route after SIGTERM (decision 037): from the signal on, the instance is draining — a
 * readiness probe takes it out of the balancer while its jobs end or are handed off — whether the
 * engine had started (it is disposed) or its start was still waiting for the store (it is stopped).
 */
import { expect, it, vi } from 'vitest'
import { setBackgroundJobsEngine } from '../../server/lib/engine-instance'
import { startWithRetry } from '../../server/lib/engine-startup'
import { StoreUnreachableError } from '../../server/lib/errors'
import { readiness } from '../../server/lib/health'
import { createTestEngine } from '../support/engine-harness'
import { installShutdownPlugin, SIGNAL, useShutdownSignal } from '../support/shutdown-signal'

vi.mock('#background-jobs/preset', () => ({ preset: 'node-server' }))
vi.mock('nitropack/runtime', () => ({ defineNitroPlugin: (plugin: unknown) => plugin }))

useShutdownSignal()

/** A start through the plugin's startWithRetry; `attempt` is what each attempt does. */
function startWith(attempt: () => Promise<ReturnType<typeof createTestEngine>['engine']>) {
  const startup = startWithRetry(attempt, { provider: 'redis', isRetryable: error => error instanceof StoreUnreachableError, onFailure: () => {}, discard: engine => void engine.dispose() })
  setBackgroundJobsEngine({ get: () => startup.get(), stop: () => startup.stop(), peek: () => startup.peek() })
  return startup
}

it('a started engine is ok, then draining from the signal on', async () => {
  const { engine } = createTestEngine({ runners: { chat: async () => {}, workflow: async () => {} } })
  const startup = startWith(() => Promise.resolve(engine))
  await startup.settled
  const closeHooks = await installShutdownPlugin()
  expect(await readiness()).toBe('ok')
  process.emit(SIGNAL as NodeJS.Signals)
  await vi.advanceTimersByTimeAsync(0)
  expect(await readiness()).toBe('draining')
  await Promise.all(closeHooks.map(hook => hook()))
})

it('a start still trying to reach the store is starting, then draining from the signal on', async () => {
  startWith(() => Promise.reject(new StoreUnreachableError('connect ECONNREFUSED 127.0.0.1:6379')))
  await vi.advanceTimersByTimeAsync(0)
  const closeHooks = await installShutdownPlugin()
  expect(await readiness()).toBe('starting')
  process.emit(SIGNAL as NodeJS.Signals)
  await vi.advanceTimersByTimeAsync(0)
  expect(await readiness()).toBe('draining')
  await Promise.all(closeHooks.map(hook => hook()))
  expect(vi.getTimerCount()).toBe(0)
})
