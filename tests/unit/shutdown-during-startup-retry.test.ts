/**
 * SIGTERM while the engine's start waits to be tried again (the job store was not reachable at
 * boot: a Redis restarting during the deploy). The shutdown plugin found no engine to dispose and
 * left the start alone: its retry went on during Nitro's graceful shutdown (up to 30 s of open
 * connections), and once the store answered it started a fresh engine on the dying process — one
 * that took new jobs (202, then ended `shutdown` by the close hook) and ran the recovery scan,
 * taking over other instances' jobs. Now the signal stops the start: nothing is tried again and
 * requests get the shutdown's 503 with `Retry-After`.
 */
import { expect, it, vi } from 'vitest'
import { setBackgroundJobsEngine, useBackgroundJobsEngine } from '../../server/lib/engine-instance'
import { startWithRetry } from '../../server/lib/engine-startup'
import { ShuttingDownError, StoreUnreachableError } from '../../server/lib/errors'
import { chatRequest, createTestEngine } from '../support/engine-harness'
import { installShutdownPlugin, SIGNAL, useShutdownSignal } from '../support/shutdown-signal'

vi.mock('#background-jobs/preset', () => ({ preset: 'node-server' }))
vi.mock('nitropack/runtime', () => ({ defineNitroPlugin: (plugin: unknown) => plugin }))

useShutdownSignal()

it('a signal between two attempts stops the start: no engine starts on the dying process', async () => {
  let attempts = 0
  const started: Array<ReturnType<typeof createTestEngine>['engine']> = []
  const startup = startWithRetry(async () => {
    attempts++
    if (attempts === 1) throw new StoreUnreachableError('connect ECONNREFUSED 127.0.0.1:6379')
    const { engine } = createTestEngine({ runners: { chat: async () => {}, workflow: async () => {} } })
    started.push(engine)
    return engine
  }, { provider: 'redis', isRetryable: error => error instanceof StoreUnreachableError, onFailure: () => {}, discard: engine => void engine.dispose() })
  setBackgroundJobsEngine(startup)
  const closeHooks = await installShutdownPlugin()
  await vi.advanceTimersByTimeAsync(0) // the first attempt failed: the next one waits 1 s

  process.emit(SIGNAL as NodeJS.Signals) // SIGTERM of the deploy
  await Promise.all(closeHooks.map(hook => hook()))
  await vi.advanceTimersByTimeAsync(5_000) // Nitro still waits for open connections; Redis is back

  const request = useBackgroundJobsEngine().then(engine => engine.createJob('u1', { request: chatRequest }))
  await expect(request).rejects.toBeInstanceOf(ShuttingDownError)
  expect({ attempts, started: started.length }).toEqual({ attempts: 1, started: 0 })
  for (const engine of started) await engine.dispose()
})
