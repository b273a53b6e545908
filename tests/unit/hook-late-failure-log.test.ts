/**
 * An `upstream-request` hook that hangs and then fails — the app's vault unreachable, its fetch
 * giving up after 20 s — is the common shape of an outage. Its "has not settled after 10000 ms" lines
 * were counted (one whole, then one count line a minute), but the failure that came after each
 * timeout was logged whole, every time: one error line per model round of every job, the flood the
 * count was there to stop. A late failure of such a hook is now part of the same count: while a
 * count line is due it is that line's last error (its call counted once, at its timeout), not a
 * line of its own.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { HOOK_TIMEOUT_MS } from '../../server/lib/app-hook'
import { HOOK_FAILURE_WINDOW_MS } from '../../server/lib/hook-failure-log'
import { chatRequest, createTestEngine, preparingRounds } from '../support/engine-harness'
import { recordingLogger } from '../support/recording-logger'

const ROUNDS = 2
const HUNG_MS = 20_000

describe('an upstream-request hook that does not settle in time, then fails', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is logged once, then counted with its late failures in the count line', async () => {
    const { logger, lines } = recordingLogger()
    const { engine } = createTestEngine({
      logger,
      config: { limits: { jobTimeoutMs: 3_600_000 } },
      runners: { chat: preparingRounds(ROUNDS) },
      hooks: {
        upstreamRequest: () => new Promise((_resolve, reject) => setTimeout(() => reject(new Error('vault: connect ETIMEDOUT')), HUNG_MS)),
      },
    })
    const ids: string[] = []
    for (let index = 0; index < 2; index++) {
      const { job } = await engine.createJob('u1', { request: chatRequest })
      ids.push(job.id)
      await vi.advanceTimersByTimeAsync(ROUNDS * HOOK_TIMEOUT_MS)
      await engine.whenSettled(job.id)
    }
    // Every hung call has failed by now (20 s after it started).
    await vi.advanceTimersByTimeAsync(HUNG_MS)
    const hookLines = () => lines.filter(line => line.message.startsWith('hook background-jobs:upstream-request'))
    // The first call's timeout, and its failure (before any other call's was counted): two lines, not eight.
    expect(hookLines()).toEqual([
      { level: 'warn', message: `hook background-jobs:upstream-request has not settled after ${HOOK_TIMEOUT_MS} ms; going on without it (does it await something that never ends?)`, fields: { jobId: ids[0] } },
      { level: 'error', message: 'hook background-jobs:upstream-request failed', fields: { jobId: ids[0], error: new Error('vault: connect ETIMEDOUT') } },
    ])
    await vi.advanceTimersByTimeAsync(HOOK_FAILURE_WINDOW_MS)
    expect(hookLines()).toHaveLength(3)
    // The three other calls, each counted once (its timeout); the last error is their late failure.
    expect(hookLines()[2]).toMatchObject({ level: 'error', fields: { failures: 2 * ROUNDS - 1, jobIds: ids, error: new Error('vault: connect ETIMEDOUT') } })
    await engine.dispose()
    expect(engine.stats().engineTimers).toBe(0)
  })
})
