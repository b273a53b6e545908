/**
 * A retention pass that takes longer than `limits.cleanupIntervalMs` (a backlog of expired jobs
 * after an outage, a slow store: each batch of 200 is one Convex mutation or Redis script) must not
 * be joined by the next pass: passes used to start every interval whatever was still running, so
 * a long backlog had several passes deleting the same expired jobs at once, each adding its
 * load to the store's (Convex mutations on the same documents conflict and are retried).
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { CLEANUP_BATCH_SIZE } from '../../server/lib/engine'
import { useMetrics } from '../../server/lib/metrics'
import { chatRequest, createTestEngine } from '../support/engine-harness'

const INTERVAL_MS = 60_000
/** One batch takes this long: a pass over 100 batches takes 100 s, longer than the interval. */
const BATCH_MS = 1_000

beforeEach(() => {
  vi.useFakeTimers()
  useMetrics().reset()
})
afterEach(() => {
  vi.useRealTimers()
})

it('the next pass waits for the one still running', async () => {
  let backlog = 100 * CLEANUP_BATCH_SIZE
  let inFlight = 0
  let mostAtOnce = 0
  const { engine } = createTestEngine({
    config: { limits: { cleanupIntervalMs: INTERVAL_MS } },
    runners: { chat: async () => {} },
    wrap: provider => ({ ...provider, deleteExpired: async (_endedBefore: number, limit?: number) => {
      inFlight++
      mostAtOnce = Math.max(mostAtOnce, inFlight)
      await new Promise(resolve => setTimeout(resolve, BATCH_MS))
      inFlight--
      const deleted = Math.min(backlog, limit ?? backlog)
      backlog -= deleted
      return deleted
    } }),
  })
  // The first creation arms the pass.
  await engine.createJob('u1', { request: chatRequest })
  await vi.advanceTimersByTimeAsync(3 * INTERVAL_MS)

  expect({ mostAtOnce, backlog }).toEqual({ mostAtOnce: 1, backlog: 0 })
  await engine.dispose()
})
