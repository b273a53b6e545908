/**
 * The shutdown plugin under a test's own signal (never a real one for the test process), with fake
 * timers and a Nitro listener that keeps the signal handled. Shared by shutdown-during-start-attempt
 * and shutdown-during-startup-retry; the test file still mocks `#background-jobs/preset` and
 * `nitropack/runtime` (vi.mock works only there).
 */
import { afterEach, beforeEach, vi } from 'vitest'
import { setBackgroundJobsEngine } from '../../server/lib/engine-instance'

/** The signal standing in for SIGTERM. */
export const SIGNAL = 'SIGUSR2'
const nitroListener = () => {}

/** Before each test: fake timers, `SIGNAL` as Nitro's shutdown signal; after: all undone, no engine. */
export function useShutdownSignal(): void {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.stubEnv('NITRO_SHUTDOWN_SIGNALS', SIGNAL)
    process.on(SIGNAL, nitroListener)
  })
  afterEach(() => {
    process.removeAllListeners(SIGNAL)
    vi.unstubAllEnvs()
    vi.useRealTimers()
    setBackgroundJobsEngine(null)
  })
}

/** Runs the shutdown plugin on a fake Nitro app; returns the close hooks it registered. */
export async function installShutdownPlugin(): Promise<Array<() => unknown>> {
  const closeHooks: Array<() => unknown> = []
  const { default: shutdownPlugin } = await import('../../server/plugins/background-jobs-shutdown')
  ;(shutdownPlugin as unknown as (app: unknown) => void)({ hooks: { hook: (_name: string, hook: () => unknown) => closeHooks.push(hook) } })
  return closeHooks
}
