/**
 * The `unit` and `e2e` projects run their files in workers shared across files (`isolate: false`, see
 * vitest.config.ts): a fresh worker per file evaluated vitest, Vue, zod, h3 and the rest again for
 * each of ~700 files, three quarters of the project's CPU time. What a file may leave behind is
 * undone after it here, so that each file still starts as in a fresh worker: the project's own
 * modules are evaluated again (their process-wide state — the validation budget, the metrics, the
 * stream gate, the engine instance, the client's follower registry — starts empty), and real timers,
 * globals and environment variables are back. vitest itself restores spies and mocks between files.
 */
import { afterAll, vi } from 'vitest'

afterAll(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
  vi.unstubAllEnvs()
  vi.resetModules()
})
